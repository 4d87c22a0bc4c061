import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { CHECK_IN_MATERIALIZE_EVERY_MS } from '../../src/modules/check-in-schedules/check-in-materialize.processor';
import { DEFAULT_PRACTICE_SETTINGS } from '../../src/modules/practices/practice.entity';
import { JOBS, QUEUES } from '../../src/modules/queue/queue.constants';
import { startTestWorker, WorkerTestContext } from '../setup/worker-app';

const DAY = 86_400_000;

/**
 * The worker side of check-in schedules: the repeatable materialize-check-ins job on the planning
 * queue, registered once, and what a run does to a schedule whose window runs short.
 */
describe('worker: materialize-check-ins', () => {
  let ctx: WorkerTestContext;
  let queue: Queue;
  let db: DataSource;

  beforeAll(async () => {
    ctx = await startTestWorker();
    queue = ctx.app.get<Queue>(getQueueToken(QUEUES.planning));
    db = ctx.app.get(DataSource);
  });
  afterAll(() => ctx?.close());

  /** A practice, its admin, a client with an email address and a daily 20:00 schedule planned up to `plannedUntil`. */
  async function scheduleWithWindowUntil(plannedUntil: Date | null, active = true): Promise<{ scheduleId: string; clientId: string }> {
    const [{ id: practiceId }] = await db.query(`INSERT INTO practices (name, timezone, settings, version) VALUES ('Worker Practice', 'America/New_York', $1, 1) RETURNING id`, [
      JSON.stringify(DEFAULT_PRACTICE_SETTINGS),
    ]);
    const [{ id: adminId }] = await db.query(
      `INSERT INTO users (practice_id, email, full_name, password_hash, role, status) VALUES ($1, $2, 'Admin', 'x', 'admin', 'active') RETURNING id`,
      [practiceId, `admin.${Date.now()}.${Math.random().toString(36).slice(2)}@example.test`],
    );
    const [{ id: clientId }] = await db.query(
      `INSERT INTO clients (practice_id, full_name, timezone, email, reminder_preferences, status, search_name, created_by, version)
       VALUES ($1, 'Wren Worker', 'America/New_York', 'wren@example.test', '{"channels":null,"quietHours":null}', 'active', 'wren worker', $2, 1) RETURNING id`,
      [practiceId, adminId],
    );
    const [{ id: scheduleId }] = await db.query(
      `INSERT INTO check_in_schedules (practice_id, client_id, rrule, local_time, active, materialized_until, created_by, version)
       VALUES ($1, $2, 'FREQ=DAILY', '20:00', $3, $4, $5, 1) RETURNING id`,
      [practiceId, clientId, active, plannedUntil, adminId],
    );
    return { scheduleId, clientId };
  }

  const plannedDates = async (scheduleId: string): Promise<string[]> =>
    (
      await db.query(`SELECT DISTINCT occurrence_key AS k FROM notifications WHERE subject_id = $1 AND reason = 'check_in' ORDER BY 1`, [scheduleId])
    ).map((r: { k: string }) => r.k);

  it('is registered once as a repeatable job on the planning queue, hourly', async () => {
    const repeatable = await queue.getRepeatableJobs();
    expect(repeatable.filter((j) => j.name === JOBS.materializeCheckIns)).toEqual([
      expect.objectContaining({ name: JOBS.materializeCheckIns, every: CHECK_IN_MATERIALIZE_EVERY_MS }),
    ]);
  });

  it('a run plans the days a short window lacks, through the outbox; inactive schedules get nothing', async () => {
    const short = await scheduleWithWindowUntil(new Date(Date.now() + 2 * DAY));
    const never = await scheduleWithWindowUntil(null);
    const off = await scheduleWithWindowUntil(null, false);

    const job = await queue.add(JOBS.materializeCheckIns, { requestedAt: new Date().toISOString() });
    const result = (await job.finished()) as { extended: number };
    expect(result.extended).toBeGreaterThanOrEqual(2);

    // Planned from where the window ended: the first two days were already someone else's to plan.
    expect((await plannedDates(short.scheduleId)).length).toBeGreaterThanOrEqual(11);
    expect((await plannedDates(short.scheduleId)).length).toBeLessThanOrEqual(13);
    expect(await plannedDates(never.scheduleId)).toHaveLength(14);
    expect(await plannedDates(off.scheduleId)).toEqual([]);
    const [row] = await db.query(`SELECT materialized_until FROM check_in_schedules WHERE id = $1`, [never.scheduleId]);
    expect(Math.abs(row.materialized_until.getTime() - (Date.now() + 14 * DAY))).toBeLessThan(60_000);

    // A second run (a retry, a second worker) plans nothing new.
    const count = async () => (await db.query(`SELECT count(*)::int AS n FROM notifications`))[0].n;
    const before = await count();
    await (await queue.add(JOBS.materializeCheckIns, { requestedAt: new Date().toISOString() })).finished();
    expect(await count()).toBe(before);
  });
});
