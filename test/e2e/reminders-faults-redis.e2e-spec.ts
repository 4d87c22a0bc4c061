import { sleep, until } from '../setup/free-port';
import { exactlyOnce, FaultWorld } from '../setup/reminder-faults';
import { WorkerProcess } from '../setup/worker-process';

/**
 * PRODUCT.md, Reminders: "After … a Redis restart or flush … every due notification is still
 * delivered, once." The test owns its redis-server (no persistence) and flushes or kills it
 * under a running worker child process; PostgreSQL stays the record.
 */
describe('reminder faults: Redis flushed or restarted under a running worker (own redis-server)', () => {
  let w: FaultWorld;
  let worker: WorkerProcess;

  beforeAll(async () => {
    w = await FaultWorld.start({ postgres: 'clone' });
    worker = await w.startWorker();
  }, 120_000);
  afterAll(() => w?.close(), 60_000);
  beforeEach(() => w.forgetDeliveries());

  it('FLUSHALL while reminders are queued as delayed jobs and some are being delivered: every one delivered exactly once', async () => {
    const recipients = await w.recipients(5);
    w.webhook.delayMs = 300; // some sends are in flight at the flush
    const start = Date.now() + 2000;
    // 5 clients × 6 reminders × 3 channels = 90 rows, due one every 100 ms from 2 s on (until ~5 s).
    const rows = await w.plan(recipients, 6, (i) => new Date(start + i * 100));
    // The sweep has moved them all into Redis (delayed jobs), and the first are going out.
    await until(async () => (await w.queuedOrSent(rows)) === rows.length, 'every row queued in Redis', 15_000);
    await until(async () => ((await w.states(rows)).sent ?? 0) >= 10, 'the first deliveries', 15_000, 20);

    const before = await w.states(rows);
    await w.redis.flushAll();
    expect(await w.redis.client().dbsize()).toBeLessThan(5); // the queue's keys are gone
    expect(before.pending ?? 0).toBeGreaterThan(0);

    await w.allSent(rows, 60_000);
    await sleep(1500); // a late duplicate would arrive now
    const report = await w.deliveryReport(rows, recipients);
    expect(report).toMatchObject(exactlyOnce(rows));
    // PostgreSQL never lost track: no claim was cut off, nothing was sent twice, even on the wire.
    expect(report.takenOver).toBe(0);
    expect(report.email.repeated).toEqual([]);
    expect(report.webhook.repeated).toEqual([]);
    expect(worker.running).toBe(true);
    if (process.env.FAULT_VERBOSE) console.log(JSON.stringify({ flush: { before, lateness: await w.lateness(rows), report } }));
  }, 120_000);

  it('redis-server killed and started again empty (2 s down, reminders falling due meanwhile): every one delivered exactly once', async () => {
    const recipients = await w.recipients(5);
    w.webhook.delayMs = 300;
    const start = Date.now() + 2000;
    const rows = await w.plan(recipients, 6, (i) => new Date(start + i * 100));
    await until(async () => (await w.queuedOrSent(rows)) === rows.length, 'every row queued in Redis', 15_000);
    await until(async () => ((await w.states(rows)).sent ?? 0) >= 10, 'the first deliveries', 15_000, 20);

    const before = await w.states(rows);
    await w.redis.restart(2000);
    expect(before.pending ?? 0).toBeGreaterThan(0);

    await w.allSent(rows, 90_000);
    await sleep(1500);
    const report = await w.deliveryReport(rows, recipients);
    expect(report).toMatchObject(exactlyOnce(rows));
    expect(report.takenOver).toBe(0);
    expect(report.email.repeated).toEqual([]);
    expect(report.webhook.repeated).toEqual([]);
    // The same worker process reconnected and carried on.
    expect(worker.running).toBe(true);
    if (process.env.FAULT_VERBOSE) console.log(JSON.stringify({ restart: { before, lateness: await w.lateness(rows), report } }));
  }, 150_000);
});
