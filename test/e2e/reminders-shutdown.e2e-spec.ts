import { bearer, http } from '../factories';
import { WebhookReceiver } from './notifications.world';
import { checkInReminder, EngineWorld, ledgerCount, plainRecipient, plan, rowIn, rowsOf, sleep, startEngine, stopWorker, waitFor } from './reminders.world';

/**
 * Graceful shutdown: SIGTERM (enableShutdownHooks → app.close()) stops the worker taking jobs,
 * lets the send in flight finish and record itself, and leaves the rest to the next worker.
 */
describe('reminder worker shutdown', () => {
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
