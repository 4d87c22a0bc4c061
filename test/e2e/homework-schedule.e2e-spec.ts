import { getQueueToken } from '@nestjs/bull';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bull';
import { HomeworkMaterializer } from '../../src/modules/homework/homework-materializer';
import { JOBS, QUEUES } from '../../src/modules/queue/queue.constants';
import { WorkerModule } from '../../src/worker.module';
import { bearer, http } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { adHoc, assigned, buildHomeworkWorld, HomeworkCouple, homeworkCouple, notificationsOf, PlanWorld } from './homework.world';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface InstanceRow {
  id: string;
  client_id: string;
  occurrence_key: string;
  due_at: Date;
  state: string;
}

/**
 * Recurrence, the rolling horizon and the materialize job. The job runs over every practice, so
 * the tests that move the clock far ahead come last.
 */
describe('homework schedules: timezones, DST, the rolling horizon, the materialize job', () => {
  let ctx: TestContext;
  let w: PlanWorld;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildHomeworkWorld(ctx, 'Schedule Practice');
  });
  afterAll(() => ctx?.close());

  const instancesOf = (assignmentId: string): Promise<InstanceRow[]> =>
    ctx.db.query(`SELECT * FROM homework_instances WHERE assignment_id = $1 ORDER BY client_id, due_at`, [assignmentId]);
  const materializedUntil = async (assignmentId: string): Promise<Date | null> =>
    (await ctx.db.query(`SELECT materialized_until FROM homework_assignments WHERE id = $1`, [assignmentId]))[0].materialized_until;
  const daily = (planId: string, over: Record<string, unknown> = {}) =>
    adHoc(planId, { dueAt: undefined, rrule: 'FREQ=DAILY', dueTime: '20:00', startsOn: '2026-01-01', reminderPolicy: { promptAt: '09:00', dueSoonMinutes: 60 }, ...over });

  it('creates only the occurrences inside the horizon (14 days), each in its assignee’s own timezone', async () => {
    const c = await homeworkCouple(ctx, w, { timezones: ['America/New_York', 'Asia/Tokyo'] });
    const before = Date.now();
    const hw = await assigned(ctx, w.clinician, daily(c.planId));
    const after = Date.now();
    const rows = await instancesOf(hw.id);
    const until = (await materializedUntil(hw.id))!.getTime();
    expect(until).toBeGreaterThanOrEqual(before + 14 * DAY);
    expect(until).toBeLessThanOrEqual(after + 14 * DAY);
    for (const clientId of [c.a.clientId, c.b.clientId]) {
      const own = rows.filter((r) => r.client_id === clientId);
      expect(own.length).toBeGreaterThanOrEqual(13);
      expect(own.length).toBeLessThanOrEqual(15);
      for (const r of own) {
        expect(r.due_at.getTime()).toBeGreaterThan(before);
        expect(r.due_at.getTime()).toBeLessThanOrEqual(until);
      }
    }
    // 20:00 on each assignee's own clock.
    const hourIn = (zone: string, at: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
    for (const r of rows) expect(hourIn(r.client_id === c.a.clientId ? 'America/New_York' : 'Asia/Tokyo', r.due_at)).toBe('20:00');
    expect(rows.every((r) => /^\d{4}-\d{2}-\d{2}T20:00$/.test(r.occurrence_key))).toBe(true);
    // Each occurrence's reminders are planned with it: a prompt at 09:00 local (if still ahead) and a nudge an hour before.
    const last = rows[rows.length - 1];
    const reasons = (await notificationsOf(ctx, last.id)).filter((n) => n.state !== 'skipped').map((n) => [n.reason, new Date(n.planned_for).getTime()]);
    expect(reasons).toEqual(expect.arrayContaining([['homework_due_soon', last.due_at.getTime() - HOUR]]));
    expect(reasons.some(([reason]) => reason === 'homework_prompt')).toBe(true);
  });

  it('the materialize job on the worker extends the horizon, and creates nothing twice', async () => {
    const c = await homeworkCouple(ctx, w);
    const hw = await assigned(ctx, w.clinician, daily(c.planId, { clientIds: [c.a.clientId] }));
    const first = await instancesOf(hw.id);

    // A worker whose horizon is three weeks, on this file's database and queues.
    const worker: INestApplicationContext = await NestFactory.createApplicationContext(
      WorkerModule.forRoot({ ...ctx.config, WORKER_QUEUES: 'planning', HOMEWORK_HORIZON_DAYS: 21 }),
      { logger: false },
    );
    try {
      const queue = worker.get<Queue>(getQueueToken(QUEUES.planning));
      const repeatable = await queue.getRepeatableJobs();
      expect(repeatable).toEqual(expect.arrayContaining([expect.objectContaining({ name: JOBS.materialize, every: 60 * 60_000 })]));
      const job = await queue.add(JOBS.materialize, { requestedAt: new Date().toISOString() });
      const result = await job.finished();
      expect(result.extended).toBeGreaterThanOrEqual(1);
      const extended = await instancesOf(hw.id);
      expect(extended.length).toBeGreaterThanOrEqual(first.length + 6);
      expect(extended.slice(0, first.length).map((r) => r.id)).toEqual(first.map((r) => r.id));
      expect((await materializedUntil(hw.id))!.getTime()).toBeGreaterThan(Date.now() + 20 * DAY);
      expect(Math.max(...extended.map((r) => r.due_at.getTime()))).toBeLessThanOrEqual(Date.now() + 21 * DAY);

      // Run again: nothing new.
      await (await queue.add(JOBS.materialize, { requestedAt: new Date().toISOString() })).finished();
      expect(await instancesOf(hw.id)).toHaveLength(extended.length);
      // New instances got their reminders in the same transaction.
      const newest = extended[extended.length - 1];
      expect((await notificationsOf(ctx, newest.id)).some((n) => n.reason === 'homework_due_soon')).toBe(true);
    } finally {
      await worker.close();
    }
  });

  it('marks missed what stayed pending past the grace period, and cancels its reminders; not paused homework, not within grace', async () => {
    const c = await homeworkCouple(ctx, w);
    const hw = await assigned(ctx, w.clinician, adHoc(c.planId, { reminderPolicy: { dueSoonMinutes: 60 } }));
    const [x, y] = hw.instances;
    await ctx.db.query(`UPDATE homework_instances SET due_at = now() - interval '25 hours' WHERE id = $1`, [x.id]);
    await ctx.db.query(`UPDATE homework_instances SET due_at = now() - interval '23 hours' WHERE id = $1`, [y.id]);
    const paused = await assigned(ctx, w.clinician, adHoc(c.planId));
    const [p] = paused.instances;
    await ctx.db.query(`UPDATE homework_instances SET due_at = now() - interval '2 days' WHERE id = $1`, [p.id]);
    await http(ctx).post(`/v1/homework/${paused.id}/pause`).set(...bearer(w.clinician)).expect(200);

    const result = await ctx.app.get(HomeworkMaterializer).run(new Date());
    expect(result.missed).toBeGreaterThanOrEqual(1);
    const states = Object.fromEntries(
      (await ctx.db.query(`SELECT id, state, state_changed_by FROM homework_instances WHERE id = ANY($1)`, [[x.id, y.id, p.id]])).map((r: { id: string; state: string }) => [r.id, r.state]),
    );
    expect(states).toEqual({ [x.id]: 'missed', [y.id]: 'pending', [p.id]: 'pending' });
    expect((await notificationsOf(ctx, x.id)).filter((n) => n.state === 'pending')).toEqual([]);
    expect((await notificationsOf(ctx, y.id)).filter((n) => n.state === 'pending').length).toBeGreaterThan(0);
    // A missed instance takes no answer until the clinician reopens it.
    const who = x.clientId === c.a.clientId ? c.a : c.b;
    const res = await http(ctx).post(`/v1/me/homework/${x.id}/submission`).set(...bearer(who.actor)).send({ answers: { q1: 'late', q2: 1, q3: 'No' } }).expect(409);
    expect(res.body.code).toBe('instance_missed');
    await http(ctx).post(`/v1/homework/instances/${x.id}/reopen`).set(...bearer(w.clinician)).expect(200);
    const late = await http(ctx).post(`/v1/me/homework/${x.id}/submission`).set(...bearer(who.actor)).send({ answers: { q1: 'late', q2: 1, q3: 'No' } }).expect(201);
    expect(late.body.submission.late).toBe(true);
  });

  describe('far ahead (the clock moves to March 2027)', () => {
    let c: HomeworkCouple;
    beforeAll(async () => {
      c = await homeworkCouple(ctx, w, { timezones: ['America/New_York', 'Europe/London'] });
    });

    it('RRULE daily at 20:00 America/New_York across the spring-forward date: correct UTC due times, horizon respected, then extended', async () => {
      const hw = await assigned(ctx, w.clinician, daily(c.planId, { startsOn: '2027-03-10', endsOn: '2027-04-30' }));
      // Nothing yet: the first occurrence is months beyond the horizon.
      expect(await instancesOf(hw.id)).toEqual([]);
      expect(hw.status).toBe('active');

      // The job runs on 8 March 2027 at noon UTC: occurrences up to 22 March.
      const now = new Date('2027-03-08T12:00:00Z');
      await ctx.app.get(HomeworkMaterializer).run(now);
      const rows = await instancesOf(hw.id);
      const ny = rows.filter((r) => r.client_id === c.a.clientId).map((r) => [r.occurrence_key, r.due_at.toISOString()]);
      expect(ny).toEqual([
        ['2027-03-10T20:00', '2027-03-11T01:00:00.000Z'],
        ['2027-03-11T20:00', '2027-03-12T01:00:00.000Z'],
        ['2027-03-12T20:00', '2027-03-13T01:00:00.000Z'],
        ['2027-03-13T20:00', '2027-03-14T01:00:00.000Z'], // EST (UTC−5)
        ['2027-03-14T20:00', '2027-03-15T00:00:00.000Z'], // the change: EDT (UTC−4)
        ['2027-03-15T20:00', '2027-03-16T00:00:00.000Z'],
        ['2027-03-16T20:00', '2027-03-17T00:00:00.000Z'],
        ['2027-03-17T20:00', '2027-03-18T00:00:00.000Z'],
        ['2027-03-18T20:00', '2027-03-19T00:00:00.000Z'],
        ['2027-03-19T20:00', '2027-03-20T00:00:00.000Z'],
        ['2027-03-20T20:00', '2027-03-21T00:00:00.000Z'],
        ['2027-03-21T20:00', '2027-03-22T00:00:00.000Z'],
      ]);
      // London changes later (28 March): 20:00 GMT throughout this window, on the partner's own clock.
      const london = rows.filter((r) => r.client_id === c.b.clientId);
      expect(london).toHaveLength(12);
      expect(london.every((r) => r.due_at.toISOString().endsWith('T20:00:00.000Z'))).toBe(true);
      expect((await materializedUntil(hw.id))!.toISOString()).toBe('2027-03-22T12:00:00.000Z');
      // Nothing beyond the horizon.
      expect(rows.every((r) => r.due_at.getTime() <= new Date('2027-03-22T12:00:00Z').getTime())).toBe(true);

      // The prompt at 09:00 and the nudge an hour before, in UTC on each side of the change.
      const [before, change] = [rows.find((r) => r.client_id === c.a.clientId && r.occurrence_key === '2027-03-13T20:00')!, rows.find((r) => r.client_id === c.a.clientId && r.occurrence_key === '2027-03-14T20:00')!];
      const planned = async (id: string) =>
        [...new Set((await notificationsOf(ctx, id)).map((n) => `${n.reason}@${new Date(n.planned_for).toISOString()}`))].sort();
      expect(await planned(before.id)).toEqual(['homework_due_soon@2027-03-14T00:00:00.000Z', 'homework_prompt@2027-03-13T14:00:00.000Z']);
      expect(await planned(change.id)).toEqual(['homework_due_soon@2027-03-14T23:00:00.000Z', 'homework_prompt@2027-03-14T13:00:00.000Z']);

      // A week later the job extends it by a week, London now across its own change.
      await ctx.app.get(HomeworkMaterializer).run(new Date('2027-03-15T12:00:00Z'));
      const more = await instancesOf(hw.id);
      expect(more.filter((r) => r.client_id === c.a.clientId)).toHaveLength(19);
      const londonMore = more.filter((r) => r.client_id === c.b.clientId);
      expect(londonMore.find((r) => r.occurrence_key === '2027-03-27T20:00')!.due_at.toISOString()).toBe('2027-03-27T20:00:00.000Z');
      expect(londonMore.find((r) => r.occurrence_key === '2027-03-28T20:00')!.due_at.toISOString()).toBe('2027-03-28T19:00:00.000Z');
    });

    it('ends when the rule runs out; a paused plan or a paused couple is not extended', async () => {
      const short = await assigned(ctx, w.clinician, daily(c.planId, { startsOn: '2027-06-01', endsOn: '2027-06-03', clientIds: [c.a.clientId] }));
      const statusOf = async (id: string) => (await http(ctx).get(`/v1/homework/${id}`).set(...bearer(w.clinician)).expect(200)).body.status;
      await ctx.app.get(HomeworkMaterializer).run(new Date('2027-05-30T00:00:00Z'));
      expect(await instancesOf(short.id)).toHaveLength(3);
      // Every occurrence exists, but they (and their reminders) are still ahead: still active.
      expect(await statusOf(short.id)).toBe('active');
      await ctx.app.get(HomeworkMaterializer).run(new Date('2027-06-04T12:00:00Z'));
      expect(await statusOf(short.id)).toBe('ended');
      expect(await instancesOf(short.id)).toHaveLength(3);

      const pausedPlan = await homeworkCouple(ctx, w);
      const a = await assigned(ctx, w.clinician, daily(pausedPlan.planId, { startsOn: '2027-07-01', clientIds: [pausedPlan.a.clientId] }));
      await ctx.db.query(`UPDATE treatment_plans SET status = 'paused' WHERE id = $1`, [pausedPlan.planId]);
      const flagged = await homeworkCouple(ctx, w);
      const b = await assigned(ctx, w.clinician, daily(flagged.planId, { startsOn: '2027-07-01', clientIds: [flagged.a.clientId] }));
      await http(ctx).post(`/v1/clients/${flagged.b.clientId}/safety-flags`).set(...bearer(w.clinician)).send({ kind: 'intimate_partner_violence', severity: 'high' }).expect(201);
      await ctx.app.get(HomeworkMaterializer).run(new Date('2027-06-30T00:00:00Z'));
      expect(await instancesOf(a.id)).toEqual([]);
      expect(await instancesOf(b.id)).toEqual([]);
    });
  });
});
