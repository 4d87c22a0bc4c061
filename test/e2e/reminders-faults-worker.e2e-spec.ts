import { sleep, until } from '../setup/free-port';
import { exactlyOnce, FaultWorld } from '../setup/reminder-faults';

/**
 * PRODUCT.md, Reminders: "After a worker crash … every due notification is still delivered,
 * once." The worker runs as a child process and is SIGKILLed while deliveries are in flight.
 */
describe('reminder faults: the worker killed mid-job (child processes, own Redis, real SMTP and webhook receiver)', () => {
  let w: FaultWorld;

  beforeAll(async () => {
    w = await FaultWorld.start({ postgres: 'clone' });
  }, 120_000);
  afterAll(() => w?.close(), 60_000);

  async function unfinishedClaims(ids: string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await w.ctx.db.query(
      `SELECT notification_id AS id FROM notification_deliveries WHERE notification_id = ANY($1::uuid[]) AND delivered_at IS NULL`,
      [ids],
    );
    return rows.map((r) => r.id);
  }

  it('SIGKILL while webhook sends hang: a new worker delivers every due notification exactly once (email, in-app, webhook)', async () => {
    const recipients = await w.recipients(6);
    w.webhook.delayMs = 3000; // deliveries pile up in flight (the sender's timeout is 5 s)
    const first = await w.startWorker();
    const due = Date.now() + 1500;
    // 6 clients × 5 reminders × 3 channels = 90 rows, due over 0.6 s.
    const rows = await w.plan(recipients, 5, (i) => new Date(due + i * 20));

    await until(async () => w.webhook.inFlight >= 5, 'webhook sends in flight', 30_000, 20);
    await first.kill();
    const killedAt = Date.now();
    const inFlightAtKill = await unfinishedClaims(rows.map((r) => r.id));
    const atKill = await w.states(rows);
    // The kill did land mid-job: claims without completion, and work left undone.
    expect(inFlightAtKill.length).toBeGreaterThan(0);
    expect(atKill.sent ?? 0).toBeLessThan(rows.length);

    w.webhook.delayMs = 0;
    await w.startWorker();
    // The dead worker's active jobs come back through Bull's stalled-job check (the delivery
    // queue's lock is 15 s, checked every 5 s), then wait out the claim lease (5 s here).
    await w.allSent(rows, 120_000);
    await sleep(1500); // a late duplicate would arrive now

    const report = await w.deliveryReport(rows, recipients);
    expect(report).toMatchObject(exactlyOnce(rows));
    // Exactly the sends cut off by the kill were taken over after their lease and resent, with
    // their same idempotency key (the receiver drops a repeat); nothing else went out twice.
    expect([...w.takenOver].sort()).toEqual([...inFlightAtKill].sort());
    // …and soon: the cut-off sends went out again well within a minute of the kill (about 16 s here).
    const [resent]: Array<{ last: number }> = await w.ctx.db.query(
      `SELECT (extract(epoch FROM max(sent_at)) * 1000 - $2)::float8 AS last FROM notifications WHERE id = ANY($1::uuid[])`,
      [inFlightAtKill, killedAt],
    );
    expect(resent.last).toBeLessThan(60_000);
    if (process.env.FAULT_VERBOSE) {
      console.log(JSON.stringify({ inFlightAtKill: inFlightAtKill.length, atKill, resentWithinMs: Math.round(resent.last), lateness: await w.lateness(rows), report }));
    }
  }, 180_000);
});
