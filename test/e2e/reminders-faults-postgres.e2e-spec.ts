import { sleep, until } from '../setup/free-port';
import { canRunOwnPostgres } from '../setup/pg-cluster';
import { exactlyOnce, FaultWorld, WORKER_APP_NAME } from '../setup/reminder-faults';
import { WorkerProcess } from '../setup/worker-process';

/**
 * PRODUCT.md, Reminders: "After … a PostgreSQL restart, every due notification is still
 * delivered, once." The test owns a throwaway PostgreSQL cluster (initdb into a temporary
 * directory, its own port) and restarts it, or cuts the worker's connections, under a running
 * worker child process.
 */
const describeWithPostgres = canRunOwnPostgres() ? describe : describe.skip;

describeWithPostgres('reminder faults: PostgreSQL restarted or connections cut under a running worker (own cluster)', () => {
  let w: FaultWorld;
  let worker: WorkerProcess;

  beforeAll(async () => {
    w = await FaultWorld.start({ postgres: 'own' });
    worker = await w.startWorker();
  }, 120_000);
  afterAll(() => w?.close(), 60_000);
  beforeEach(() => w.forgetDeliveries());

  it('the server stopped like a crash (immediate), 2 s down while reminders fall due, started again: every one delivered exactly once', async () => {
    const recipients = await w.recipients(5);
    w.webhook.delayMs = 200;
    const start = Date.now() + 2000;
    // 5 clients × 6 reminders × 3 channels = 90 rows, due one every 100 ms from 2 s on.
    const rows = await w.plan(recipients, 6, (i) => new Date(start + i * 100));
    await until(async () => (await w.queuedOrSent(rows)) === rows.length, 'every row queued in Redis', 15_000);
    await until(async () => ((await w.states(rows)).sent ?? 0) >= 10, 'the first deliveries', 15_000, 20);

    const before = await w.states(rows);
    await w.pg!.restart('immediate', 2000);
    expect(before.pending ?? 0).toBeGreaterThan(0);

    await w.allSent(rows, 90_000);
    await sleep(1500);
    const report = await w.deliveryReport(rows, recipients);
    expect(report).toMatchObject(exactlyOnce(rows));
    // The worker did not crash: a send whose completion PostgreSQL could not record is recorded
    // later, never sent again — nothing reached the SMTP server or the receiver twice.
    expect(report.takenOver).toBe(0);
    expect(report.email.repeated).toEqual([]);
    expect(report.webhook.repeated).toEqual([]);
    expect(worker.running).toBe(true);
    if (process.env.FAULT_VERBOSE) console.log(JSON.stringify({ restart: { before, lateness: await w.lateness(rows), report } }));
  }, 150_000);

  it('the worker’s connections terminated again and again (pg_terminate_backend) while it delivers: every one delivered exactly once', async () => {
    const recipients = await w.recipients(5);
    w.webhook.delayMs = 200;
    const start = Date.now() + 2000;
    const rows = await w.plan(recipients, 6, (i) => new Date(start + i * 100));
    await until(async () => (await w.queuedOrSent(rows)) === rows.length, 'every row queued in Redis', 15_000);
    await until(async () => ((await w.states(rows)).sent ?? 0) >= 5, 'the first deliveries', 15_000, 20);

    let terminated = 0;
    const until5s = Date.now() + 5000;
    while (Date.now() < until5s) {
      const cut: Array<{ ok: boolean }> = await w.pg!.query(
        'postgres',
        `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = 'kintsugi_faults' AND application_name = $1`,
        [WORKER_APP_NAME],
      );
      terminated += cut.filter((c) => c.ok).length;
      await sleep(400);
    }
    expect(terminated).toBeGreaterThan(0);

    await w.allSent(rows, 90_000);
    await sleep(1500);
    const report = await w.deliveryReport(rows, recipients);
    expect(report).toMatchObject(exactlyOnce(rows));
    expect(report.takenOver).toBe(0);
    expect(report.email.repeated).toEqual([]);
    expect(report.webhook.repeated).toEqual([]);
    expect(worker.running).toBe(true);
    if (process.env.FAULT_VERBOSE) console.log(JSON.stringify({ terminate: { terminated, lateness: await w.lateness(rows), report } }));
  }, 150_000);
});
