import { bearer, http } from '../factories';
import { WebhookReceiver } from './notifications.world';
import type { WorkerTestContext } from '../setup/worker-app';
import { checkInReminder, EngineWorld, ledgerCount, mailsTo, plainRecipient, plan, portalRecipient, rowIn, rowsOf, sleep, startEngine, startWorkerFor, stopWorker, waitFor } from './reminders.world';

/**
 * Workers side by side share the work without sending anything twice; graceful shutdown
 * (SIGTERM → enableShutdownHooks → app.close()) stops a worker taking jobs, lets the send in
 * flight finish and record itself, and leaves the rest to the next worker.
 */
describe('reminder workers', () => {
  let w: EngineWorld;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    w = await startEngine();
    await receiver.start();
    await http(w.ctx).put('/v1/practice/webhook').set(...bearer(w.practice.admin)).send({ url: receiver.url() }).expect(200);
  });
  afterAll(async () => {
    await receiver.stop();
    await w?.close();
  });

  it('two workers side by side deliver 300 reminders due at once, each exactly once, in the inbox and by email', async () => {
    let second: WorkerTestContext | undefined;
    try {
      second = await startWorkerFor(w.ctx);
      const recipients = await Promise.all(Array.from({ length: 15 }, () => portalRecipient(w)));
      const at = new Date(Date.now() + 1500);
      await plan(
        w,
        recipients.flatMap((r) => Array.from({ length: 10 }, (_, i) => checkInReminder(w, r, at, { occurrenceKey: `burst-${i}` }))),
      );
      const ids: string[] = (
        await w.ctx.db.query(`SELECT id FROM notifications WHERE occurrence_key LIKE 'burst-%' AND state = 'pending'`)
      ).map((x: { id: string }) => x.id);
      expect(ids).toHaveLength(300);
      await waitFor(
        async () => (await w.ctx.db.query(`SELECT count(*)::int AS n FROM notifications WHERE id = ANY($1::uuid[]) AND state = 'sent'`, [ids]))[0].n === 300,
        'all 300 sent',
        30_000,
      );
      const [ledger] = await w.ctx.db.query(
        `SELECT count(*)::int AS rows FROM notification_deliveries WHERE notification_id = ANY($1::uuid[]) AND delivered_at IS NOT NULL`,
        [ids],
      );
      expect(ledger.rows).toBe(300);
      const [attempts] = await w.ctx.db.query(`SELECT max(attempts)::int AS max FROM notifications WHERE id = ANY($1::uuid[])`, [ids]);
      expect(attempts.max).toBe(1);
      await sleep(500);
      for (const r of recipients) expect(mailsTo(w, r.actor.email)).toBe(10);
    } finally {
      await second?.close();
    }
  });

  it('finishes the webhook in flight, takes nothing new, and a later worker delivers what was left, each once', async () => {
    const r = await plainRecipient(w);
    await w.ctx.db.query(`UPDATE clients SET reminder_preferences = '{"channels":["webhook"],"quietHours":null}' WHERE id = $1`, [r.clientId]);
    receiver.delayMs = 1500;

    await plan(w, [checkInReminder(w, r, new Date(), { occurrenceKey: 'in-flight' })]);
    const rows = await rowsOf(w, r.scheduleId, 'in-flight');
    expect(rows.map((x) => [x.channel, x.state, x.stateReason])).toEqual([
      ['email', 'skipped', 'opted_out'],
      ['in_app', 'skipped', 'opted_out'],
      ['webhook', 'pending', null],
    ]);
    const inFlight = rows[2];
    await waitFor(async () => receiver.received.length === 1, 'the webhook request to arrive');

    await plan(w, [checkInReminder(w, r, new Date(Date.now() + 1200), { occurrenceKey: 'later' })]);
    const later = (await rowsOf(w, r.scheduleId, 'later')).find((x) => x.channel === 'webhook')!;
    await waitFor(async () => (await rowIn(w, later.id, ['pending'])).enqueuedAt !== null, 'the later one queued');

    const startedAt = Date.now();
    const stopped = await stopWorker(w);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(800); // it waited for the answer (1.5 s after the request)

    // The send in flight finished and was recorded before the process let go of the database.
    expect(await rowIn(w, inFlight.id, ['sent'], 100)).toMatchObject({ attempts: 1 });
    expect(await ledgerCount(w, inFlight.id)).toEqual({ rows: 1, delivered: 1 });

    // Nobody is consuming: the later one, due meanwhile, waits in PostgreSQL and Redis.
    await sleep(2000);
    expect(await rowIn(w, later.id, ['pending'], 100)).toMatchObject({ attempts: 0 });
    expect(receiver.received).toHaveLength(1);

    receiver.delayMs = 0;
    await stopped.restart();
    await rowIn(w, later.id, ['sent']);
    await sleep(500);
    expect(receiver.received).toHaveLength(2);
    const keys = receiver.received.map((q) => q.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(2);
    expect(await ledgerCount(w, later.id)).toEqual({ rows: 1, delivered: 1 });
    expect(await rowIn(w, inFlight.id, ['sent'])).toMatchObject({ attempts: 1 });
  });
});
