import { randomUUID } from 'node:crypto';
import { Actor, bearer, createStaff, http } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import {
  buildProgressWorld,
  CheckInFixture,
  countQueries,
  insertAgreement,
  insertCheckIns,
  insertPlan,
  insertPlanEvent,
  insertTeamCouple,
  ProgressWorld,
  standOn,
} from './progress.world';

/** Wednesday 2026-03-18, noon in New York (EDT since the clocks sprang forward on Sunday 2026-03-08). */
const NOW = '2026-03-18T16:00:00Z';
/** The eight full ISO weeks of the data set, then the running week. */
const WEEKS = ['2026-01-19', '2026-01-26', '2026-02-02', '2026-02-09', '2026-02-16', '2026-02-23', '2026-03-02', '2026-03-09'];
const CURRENT = '2026-03-16';

const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Trust of partner A in each week (then 8 in the running week), of partner B in each week. */
const TRUST_A = [5, 5, 6, 6, 7, 7, 7, 8];
const TRUST_B = [6, 6, 6, 7, 7, 4, 5, 6];
/** B's days per week: Monday to Friday, but only Monday to Wednesday in the 6th and 8th weeks. */
const DAYS_B = [5, 5, 5, 5, 5, 3, 5, 3];

/**
 * The data set. A checks in every day from 2026-01-19 to today (59 days in a row, across the DST
 * change), mood 4 on weekends and 3 on weekdays, always saying the agreements were kept; ready
 * for forgiveness on 03-02, "not yet" on 03-16. B checks in on weekdays (see DAYS_B), mood 2 on
 * Mondays and 3 otherwise; said "no" on 02-24 (and felt unsafe), "partly" on 02-25; ready on 03-10.
 * B's last check-in is Wednesday 03-11, seven days before today.
 */
function dataSet(a: string, b: string, coupleId: string): CheckInFixture[] {
  const rows: CheckInFixture[] = [];
  const weekOfA = [...WEEKS, CURRENT];
  weekOfA.forEach((monday, w) => {
    const trust = TRUST_A[w] ?? 8;
    const days = monday === CURRENT ? 3 : 7;
    for (let i = 0; i < days; i += 1) {
      const localDate = addDays(monday, i);
      rows.push({
        clientId: a,
        coupleId,
        localDate,
        trust,
        safety: trust + 1,
        connection: trust - 1,
        mood: i >= 5 ? 4 : 3,
        agreementsKept: 'yes',
        readiness: localDate === '2026-03-02' ? 'ready' : localDate === '2026-03-16' ? 'not_yet' : null,
      });
    }
  });
  WEEKS.forEach((monday, w) => {
    for (let i = 0; i < DAYS_B[w]; i += 1) {
      const localDate = addDays(monday, i);
      rows.push({
        clientId: b,
        coupleId,
        localDate,
        trust: TRUST_B[w],
        safety: TRUST_B[w],
        connection: TRUST_B[w],
        mood: i === 0 ? 2 : 3,
        agreementsKept: localDate === '2026-02-24' ? 'no' : localDate === '2026-02-25' ? 'partly' : 'yes',
        feelsUnsafe: localDate === '2026-02-24',
        readiness: localDate === '2026-03-10' ? 'ready' : null,
        localTime: '07:30',
      });
    }
  });
  return rows;
}

const OBJECTIVES = [
  { description: 'Check in on 5 days a week for 4 weeks', metric: 'checkin_days', params: { daysPerWeek: 5, weeks: 4 } },
  { description: 'Between us, check in 5 days a week for 4 weeks', metric: 'checkin_days', params: { daysPerWeek: 5, weeks: 4, who: 'either_partner' } },
  { description: 'Trust averages 7 or more for 2 weeks', metric: 'measure_average', params: { measure: 'trust', threshold: 7, weeks: 2 } },
  { description: 'Agreements kept in 80% of check-ins for 3 weeks', metric: 'agreement_kept', params: { percent: 80, weeks: 3 } },
];

describe('progress /v1/couples/:id/progress and /v1/clients/:id/progress', () => {
  let ctx: TestContext;
  let w: ProgressWorld;
  let planId: string;
  let goalId: string;
  let agreements: { x: string; y: string; z: string };

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildProgressWorld(ctx, 'Progress Practice');
    await insertCheckIns(ctx, w.practice.practiceId, dataSet(w.a.clientId, w.b.clientId, w.coupleId));
    // A check-in A gave as an individual client belongs to A's own progress, not the couple's.
    await insertCheckIns(ctx, w.practice.practiceId, [
      { clientId: w.a.clientId, coupleId: null, localDate: '2026-01-10', trust: 2, safety: 2, connection: 2, mood: 1, agreementsKept: 'no' },
    ]);

    planId = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId: w.coupleId }, {
      steps: { stabilization: 'completed', accountability: 'active', transparency: 'completed' },
    });
    const ev = (kind: string, at: string, stepKey?: string, fromState?: string, toState?: string) =>
      insertPlanEvent(ctx, w.practice.practiceId, planId, w.clinician.id, { kind, at, stepKey, fromState, toState });
    await ev('plan_created', '2026-01-19T15:00:00Z');
    await ev('step_activated', '2026-01-20T15:00:00Z', 'stabilization', 'not_started', 'active');
    await ev('step_completed', '2026-02-10T15:00:00Z', 'stabilization', 'active', 'completed');
    await ev('step_activated', '2026-02-10T15:05:00Z', 'accountability', 'not_started', 'active');
    await ev('step_activated', '2026-02-17T15:00:00Z', 'transparency', 'not_started', 'active');
    // 22:30 on Monday 03-16 in New York is already Tuesday in UTC.
    await ev('step_completed', '2026-03-17T02:30:00Z', 'transparency', 'active', 'completed');

    const goal = await http(ctx)
      .post(`/v1/treatment-plans/${planId}/goals`)
      .set(...bearer(w.clinician))
      .send({ title: 'A steady rhythm of honesty', stepKey: 'consistency', objectives: OBJECTIVES })
      .expect(201);
    goalId = goal.body.id;

    agreements = {
      // B's "no" on 02-24 falls between its revision and its review date.
      x: await insertAgreement(ctx, w, { coupleId: w.coupleId, revisionAt: '2026-02-01T12:00:00Z', reviewOn: '2026-03-01' }),
      // Revised after that "no"; kept from its revision to its review on 03-10.
      y: await insertAgreement(ctx, w, { coupleId: w.coupleId, revision: 2, revisionAt: '2026-02-26T12:00:00Z', reviewOn: '2026-03-10' }),
      // Its review date has not come yet.
      z: await insertAgreement(ctx, w, { coupleId: w.coupleId, revisionAt: '2026-03-12T12:00:00Z', reviewOn: '2026-03-20' }),
    };
  });
  afterAll(() => ctx?.close());
  beforeEach(() => standOn(ctx, NOW));
  afterEach(() => jest.restoreAllMocks());

  const coupleUrl = (id: string) => `/v1/couples/${id}/progress`;
  const clientUrl = (id: string) => `/v1/clients/${id}/progress`;
  const get = (url: string, query: Record<string, string> = {}, actor: Actor = w.clinician) => http(ctx).get(url).query(query).set(...bearer(actor));

  describe('the seeded couple', () => {
    it('series per partner per week: averages and counts, every week present', async () => {
      const res = await get(coupleUrl(w.coupleId), { from: '2026-01-19', to: '2026-03-18' }).expect(200);
      expect(res.body.subject).toEqual({
        kind: 'couple',
        id: w.coupleId,
        partners: [
          { clientId: w.a.clientId, recoveryRole: 'injured' },
          { clientId: w.b.clientId, recoveryRole: 'involved' },
        ],
      });
      expect(res.body.range).toEqual({ from: '2026-01-19', to: '2026-03-18', bucket: 'week', today: '2026-03-18' });
      const seriesA = [...WEEKS.map((bucketStart, i) => ({ bucketStart, count: 7, t: TRUST_A[i], mood: 3.29 })), { bucketStart: CURRENT, count: 3, t: 8, mood: 3 }];
      const seriesB = [
        ...WEEKS.map((bucketStart, i) => ({ bucketStart, count: DAYS_B[i], t: TRUST_B[i], mood: DAYS_B[i] === 5 ? 2.8 : 2.67 })),
        { bucketStart: CURRENT, count: 0, t: null, mood: null },
      ];
      expect(res.body.series).toEqual([
        {
          clientId: w.a.clientId,
          points: seriesA.map(({ bucketStart, count, t, mood }) => ({ bucketStart, count, trust: t, safety: t + 1, connection: t - 1, mood })),
        },
        {
          clientId: w.b.clientId,
          points: seriesB.map(({ bucketStart, count, t, mood }) => ({ bucketStart, count, trust: t, safety: t, connection: t, mood })),
        },
      ]);
      expect(res.body.forgivenessReadiness).toEqual([
        { clientId: w.a.clientId, answer: 'not_yet', answeredOn: '2026-03-16' },
        { clientId: w.b.clientId, answer: 'ready', answeredOn: '2026-03-10' },
      ]);
    });

    it('the step timeline of the open plan, with dates on the couple’s calendar', async () => {
      const res = await get(coupleUrl(w.coupleId), { from: '2026-01-19', to: '2026-03-18' }).expect(200);
      expect(res.body.plan).toMatchObject({ id: planId, status: 'active', frameworkVersion: 1 });
      const steps = Object.fromEntries(res.body.plan.steps.map((s: { key: string }) => [s.key, s]));
      expect(res.body.plan.steps.map((s: { key: string }) => s.key)).toEqual([
        'stabilization', 'accountability', 'transparency', 'validation', 'consistency', 'boundaries', 'root_cause', 'intimacy', 'forgiveness',
      ]);
      expect(steps.stabilization).toMatchObject({
        position: 0,
        state: 'completed',
        activatedAt: '2026-01-20T15:00:00.000Z',
        completedAt: '2026-02-10T15:00:00.000Z',
        waivedAt: null,
      });
      expect(steps.accountability).toMatchObject({ state: 'active', activatedAt: '2026-02-10T15:05:00.000Z', completedAt: null });
      expect(steps.transparency).toMatchObject({ state: 'completed', activatedAt: '2026-02-17T15:00:00.000Z', completedAt: '2026-03-17T02:30:00.000Z' });
      expect(steps.intimacy).toMatchObject({ state: 'not_started', activatedAt: null, completedAt: null, waivedAt: null });
      expect(res.body.plan.events.map((e: { kind: string; stepKey: string; localDate: string }) => `${e.localDate} ${e.kind} ${e.stepKey}`)).toEqual([
        '2026-01-20 step_activated stabilization',
        '2026-02-10 step_completed stabilization',
        '2026-02-10 step_activated accountability',
        '2026-02-17 step_activated transparency',
        '2026-03-16 step_completed transparency',
      ]);
    });

    it('objective progress, per partner unless pooled, as of today', async () => {
      const res = await get(coupleUrl(w.coupleId)).expect(200);
      expect(res.body.goals).toHaveLength(1);
      expect(res.body.goals[0]).toMatchObject({ id: goalId, title: 'A steady rhythm of honesty', status: 'open' });
      const [days, pooled, trust, kept] = res.body.goals[0].objectives.map((o: { progress: unknown }) => o.progress);
      const p = (weeksMet: number, currentStreakWeeks: number, met: boolean, countsCurrentWeek = false) => ({ weeksMet, currentStreakWeeks, met, countsCurrentWeek });
      // The running week has 3 days so far: not counted. A: 7 days in each of the 8 weeks. B: 3, 5, 3, 5 in the last four.
      expect(days).toEqual({
        weeksRequired: 4,
        ...p(2, 0, false),
        perPartner: [
          { clientId: w.a.clientId, ...p(4, 8, true) },
          { clientId: w.b.clientId, ...p(2, 0, false) },
        ],
      });
      expect(pooled).toEqual({ weeksRequired: 4, ...p(4, 8, true) });
      // A's trust is 8 this week already (counted), 8, 7, 7, 7 before (exactly 7 counts), 6 before that. B stays under 7.
      expect(trust).toEqual({
        weeksRequired: 2,
        ...p(0, 0, false),
        perPartner: [
          { clientId: w.a.clientId, ...p(2, 5, true, true) },
          { clientId: w.b.clientId, ...p(0, 0, false) },
        ],
      });
      // B's 6th week: 1 "yes" of 3 answers. The couple cannot count a week B has not answered in.
      expect(kept).toEqual({
        weeksRequired: 3,
        ...p(2, 2, false),
        perPartner: [
          { clientId: w.a.clientId, ...p(3, 9, true, true) },
          { clientId: w.b.clientId, ...p(2, 2, false) },
        ],
      });
      // The same progress as the goals endpoint shows.
      const goals = await get(`/v1/treatment-plans/${planId}/goals`).expect(200);
      expect(goals.body.data).toEqual(res.body.goals);
    });

    it('agreement adherence since each agreement’s current revision', async () => {
      const res = await get(coupleUrl(w.coupleId)).expect(200);
      const byId = Object.fromEntries(res.body.agreements.map((a: { id: string }) => [a.id, a]));
      expect(res.body.agreements.map((a: { id: string }) => a.id)).toEqual([agreements.x, agreements.y, agreements.z]);
      expect(byId[agreements.x]).toEqual({
        id: agreements.x,
        kind: 'transparency',
        stepKey: 'transparency',
        status: 'active',
        revision: 1,
        revisionSince: '2026-02-01T12:00:00.000Z',
        reviewOn: '2026-03-01',
        counts: { yes: 70, partly: 1, no: 1 },
        perPartner: [
          { clientId: w.a.clientId, yes: 46, partly: 0, no: 0 },
          { clientId: w.b.clientId, yes: 24, partly: 1, no: 1 },
        ],
        keptThroughReview: false,
      });
      expect(byId[agreements.y]).toMatchObject({
        revision: 2,
        revisionSince: '2026-02-26T12:00:00.000Z',
        counts: { yes: 29, partly: 0, no: 0 },
        perPartner: [
          { clientId: w.a.clientId, yes: 21, partly: 0, no: 0 },
          { clientId: w.b.clientId, yes: 8, partly: 0, no: 0 },
        ],
        keptThroughReview: true,
      });
      expect(byId[agreements.z]).toMatchObject({
        counts: { yes: 7, partly: 0, no: 0 },
        perPartner: [
          { clientId: w.a.clientId, yes: 7, partly: 0, no: 0 },
          { clientId: w.b.clientId, yes: 0, partly: 0, no: 0 },
        ],
        keptThroughReview: false,
      });
    });

    it('milestones reached in the range: steps completed, check-in streaks, an agreement kept through its review', async () => {
      const res = await get(coupleUrl(w.coupleId), { from: '2026-01-19', to: '2026-03-18' }).expect(200);
      expect(res.body.milestones).toEqual([
        { kind: 'check_in_streak', on: '2026-01-25', clientId: w.a.clientId, days: 7 },
        { kind: 'check_in_streak', on: '2026-02-01', clientId: w.a.clientId, days: 14 },
        { kind: 'step_completed', on: '2026-02-10', stepKey: 'stabilization' },
        { kind: 'check_in_streak', on: '2026-02-17', clientId: w.a.clientId, days: 30 },
        { kind: 'agreement_kept', on: '2026-03-10', agreementId: agreements.y },
        { kind: 'step_completed', on: '2026-03-16', stepKey: 'transparency' },
      ]);
      // A range starting inside A's run does not re-announce what the run reached before it.
      const later = await get(coupleUrl(w.coupleId), { from: '2026-02-05', to: '2026-02-28' }).expect(200);
      expect(later.body.milestones).toEqual([
        { kind: 'step_completed', on: '2026-02-10', stepKey: 'stabilization' },
        { kind: 'check_in_streak', on: '2026-02-17', clientId: w.a.clientId, days: 30 },
      ]);
    });

    it('warnings: a weekly trust drop of 2+, 7 days without a check-in, readiness withdrawn, feeling unsafe', async () => {
      const res = await get(coupleUrl(w.coupleId), { from: '2026-01-19', to: '2026-03-18' }).expect(200);
      expect(res.body.warnings).toEqual([
        { kind: 'trust_drop', clientId: w.b.clientId, on: '2026-02-23', previousAverage: 7, average: 4, drop: 3 },
        { kind: 'no_recent_check_ins', clientId: w.b.clientId, on: '2026-03-11', daysSince: 7 },
        { kind: 'forgiveness_readiness_withdrawn', clientId: w.a.clientId, on: '2026-03-16' },
        { kind: 'felt_unsafe', clientId: w.b.clientId, on: '2026-02-24', count: 1 },
      ]);
    });

    it('by day, across the spring-forward Sunday: every day present, as of the end of the range', async () => {
      const res = await get(coupleUrl(w.coupleId), { from: '2026-03-06', to: '2026-03-09', bucket: 'day' }).expect(200);
      expect(res.body.range).toEqual({ from: '2026-03-06', to: '2026-03-09', bucket: 'day', today: '2026-03-18' });
      expect(res.body.series).toEqual([
        {
          clientId: w.a.clientId,
          points: [
            { bucketStart: '2026-03-06', count: 1, trust: 7, safety: 8, connection: 6, mood: 3 },
            { bucketStart: '2026-03-07', count: 1, trust: 7, safety: 8, connection: 6, mood: 4 },
            { bucketStart: '2026-03-08', count: 1, trust: 7, safety: 8, connection: 6, mood: 4 },
            { bucketStart: '2026-03-09', count: 1, trust: 8, safety: 9, connection: 7, mood: 3 },
          ],
        },
        {
          clientId: w.b.clientId,
          points: [
            { bucketStart: '2026-03-06', count: 1, trust: 5, safety: 5, connection: 5, mood: 3 },
            { bucketStart: '2026-03-07', count: 0, trust: null, safety: null, connection: null, mood: null },
            { bucketStart: '2026-03-08', count: 0, trust: null, safety: null, connection: null, mood: null },
            { bucketStart: '2026-03-09', count: 1, trust: 6, safety: 6, connection: 6, mood: 2 },
          ],
        },
      ]);
      expect(res.body.forgivenessReadiness).toEqual([
        { clientId: w.a.clientId, answer: 'ready', answeredOn: '2026-03-02' },
        { clientId: w.b.clientId, answer: null, answeredOn: null },
      ]);
      expect(res.body.milestones).toEqual([]);
      expect(res.body.warnings).toEqual([]);
    });

    it('defaults to the running week and the eleven before it', async () => {
      const res = await get(coupleUrl(w.coupleId)).expect(200);
      expect(res.body.range).toEqual({ from: '2025-12-29', to: '2026-03-18', bucket: 'week', today: '2026-03-18' });
      expect(res.body.series[0].points.map((pt: { bucketStart: string; count: number }) => pt.count)).toEqual([0, 0, 0, 7, 7, 7, 7, 7, 7, 7, 7, 3]);
    });

    it('a partner’s own progress: all of their check-ins, their own plan (none here), no couple agreements', async () => {
      const res = await get(clientUrl(w.a.clientId), { from: '2026-01-05', to: '2026-03-18' }).expect(200);
      expect(res.body.subject).toEqual({ kind: 'client', id: w.a.clientId, partners: [{ clientId: w.a.clientId, recoveryRole: null }] });
      expect(res.body.series).toEqual([{ clientId: w.a.clientId, points: expect.any(Array) }]);
      // The individual check-in of 01-10 is A's, so it shows here.
      expect(res.body.series[0].points.slice(0, 3)).toEqual([
        { bucketStart: '2026-01-05', count: 1, trust: 2, safety: 2, connection: 2, mood: 1 },
        { bucketStart: '2026-01-12', count: 0, trust: null, safety: null, connection: null, mood: null },
        { bucketStart: '2026-01-19', count: 7, trust: 5, safety: 6, connection: 4, mood: 3.29 },
      ]);
      expect(res.body).toMatchObject({ plan: null, goals: [], agreements: [] });
      expect(res.body.milestones.map((m: { kind: string; on: string; days: number }) => `${m.on} ${m.kind} ${m.days}`)).toEqual([
        '2026-01-25 check_in_streak 7',
        '2026-02-01 check_in_streak 14',
        '2026-02-17 check_in_streak 30',
      ]);
      expect(res.body.warnings).toEqual([{ kind: 'forgiveness_readiness_withdrawn', clientId: w.a.clientId, on: '2026-03-16' }]);
    });

    it('an individual client with a plan and no check-ins yet', async () => {
      const soloPlan = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { clientId: w.soloClientId }, { status: 'draft' });
      await http(ctx)
        .post(`/v1/treatment-plans/${soloPlan}/goals`)
        .set(...bearer(w.clinician))
        .send({ title: 'Grounding', stepKey: 'stabilization', objectives: [OBJECTIVES[0]] })
        .expect(201);
      const res = await get(clientUrl(w.soloClientId)).expect(200);
      expect(res.body.plan).toMatchObject({ id: soloPlan, status: 'draft', events: [] });
      expect(res.body.goals[0].objectives[0].progress).toEqual({ weeksRequired: 4, weeksMet: 0, currentStreakWeeks: 0, met: false, countsCurrentWeek: false });
      expect(res.body.series[0].points.every((pt: { count: number }) => pt.count === 0)).toBe(true);
      expect(res.body.milestones).toEqual([]);
      expect(res.body.warnings).toEqual([{ kind: 'no_recent_check_ins', clientId: w.soloClientId, on: null, daysSince: null }]);
    });
  });

  describe('bounded work', () => {
    it('answers in the same number of queries with ten times the check-ins', async () => {
      const c = await insertTeamCouple(ctx, w);
      const plan = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId: c.coupleId }, { steps: { stabilization: 'active' } });
      await insertPlanEvent(ctx, w.practice.practiceId, plan, w.clinician.id, { kind: 'step_activated', stepKey: 'stabilization', at: '2026-01-20T15:00:00Z' });
      await http(ctx).post(`/v1/treatment-plans/${plan}/goals`).set(...bearer(w.clinician)).send({ title: 'Rhythm', objectives: OBJECTIVES }).expect(201);
      await insertAgreement(ctx, w, { coupleId: c.coupleId, revisionAt: '2026-02-01T12:00:00Z', reviewOn: '2026-03-01' });
      const base = dataSet(c.a, c.b, c.coupleId);
      await insertCheckIns(ctx, w.practice.practiceId, base);

      const measure = async () => ({
        week: await countQueries(ctx, () => get(coupleUrl(c.coupleId), { from: '2026-01-19', to: '2026-03-18' }).expect(200)),
        day: await countQueries(ctx, () => get(coupleUrl(c.coupleId), { from: '2026-01-19', to: '2026-03-18', bucket: 'day' }).expect(200)),
        goals: await countQueries(ctx, () => get(`/v1/treatment-plans/${plan}/goals`).expect(200)),
      });
      const small = await measure();
      const before = (await get(coupleUrl(c.coupleId), { from: '2026-01-19', to: '2026-03-18' }).expect(200)).body;

      // Nine more copies of every check-in: ten times the rows, the same averages, days and streaks.
      await insertCheckIns(ctx, w.practice.practiceId, Array.from({ length: 9 }, () => base).flat());
      const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM check_ins WHERE couple_id = $1`, [c.coupleId]);
      expect(n).toBe(base.length * 10);
      const large = await measure();
      expect(large).toEqual(small);
      // Sanity: the counter sees the report's queries, and there are a handful, not hundreds.
      expect(small.week).toBeGreaterThan(10);
      expect(small.week).toBeLessThan(25);
      expect(small.goals).toBeGreaterThan(2);

      const after = (await get(coupleUrl(c.coupleId), { from: '2026-01-19', to: '2026-03-18' }).expect(200)).body;
      expect(after.series.map((s: { points: Array<{ count: number }> }) => s.points.map((pt) => pt.count / 10))).toEqual(
        before.series.map((s: { points: Array<{ count: number }> }) => s.points.map((pt) => pt.count)),
      );
      // Everything else is the same — but for the count of "I feel unsafe" reports, which were copied too.
      const unsafeCounts = (body: { warnings: Array<{ kind: string; count?: number }> }) => body.warnings.filter((x) => x.kind === 'felt_unsafe').map((x) => x.count);
      expect(unsafeCounts(after)).toEqual(unsafeCounts(before).map((x) => (x ?? 0) * 10));
      const rest = (body: Record<string, unknown>) => ({ ...body, series: null, agreements: null, warnings: (body.warnings as Array<{ kind: string }>).map((x) => x.kind) });
      expect(rest(after)).toEqual(rest(before));
    });
  });

  describe('who may', () => {
    it('401 anonymous; 404 another practice’s admin and clinician and an unassigned clinician; 403 the admin off the team and both partners’ portals', async () => {
      const otherClinician = await createStaff(ctx, w.other, 'clinician');
      const urls = [coupleUrl(w.coupleId), clientUrl(w.a.clientId), clientUrl(w.soloClientId)];
      for (const url of urls) {
        await http(ctx).get(url).expect(401);
        for (const [actor, status] of [
          [w.other.admin, 404],
          [otherClinician, 404],
          [w.unassigned, 404],
          [w.admin, 403],
          [w.a.actor, 403],
          [w.b.actor, 403],
        ] as Array<[Actor, number]>) {
          const res = await get(url, {}, actor);
          expect({ url, who: actor.email, status: res.status }).toEqual({ url, who: actor.email, status });
          expect(res.body).toMatchObject({ statusCode: status, message: expect.any(String) });
          expect(JSON.stringify(res.body)).not.toContain(w.b.clientId);
        }
      }
      await get(coupleUrl(randomUUID())).expect(404);
      await get('/v1/couples/not-a-uuid/progress').expect(404);
      await get(clientUrl(randomUUID())).expect(404);
    });

    it('an admin on the couple’s care team reads it', async () => {
      await ctx.db.query(`INSERT INTO care_team_members (practice_id, clinician_id, couple_id, added_by) VALUES ($1, $2, $3, $2)`, [
        w.practice.practiceId,
        w.admin.id,
        w.coupleId,
      ]);
      try {
        await get(coupleUrl(w.coupleId), {}, w.admin).expect(200);
      } finally {
        await ctx.db.query(`DELETE FROM care_team_members WHERE clinician_id = $1`, [w.admin.id]);
      }
    });

    it('400 naming the field for a bad date, bucket, order or span of the range', async () => {
      const bad = async (query: Record<string, string>, field: string, reason: string | RegExp) => {
        const res = await get(coupleUrl(w.coupleId), query).expect(400);
        expect(res.body.fields).toEqual([{ field, reasons: [expect.stringMatching(reason)] }]);
        expect(res.body.message).toContain(field);
      };
      await bad({ from: '2026-02-30' }, 'from', /YYYY-MM-DD/);
      await bad({ to: '18/03/2026' }, 'to', /YYYY-MM-DD/);
      await bad({ bucket: 'month' }, 'bucket', /must be one of day, week/);
      await bad({ from: '2026-03-10', to: '2026-03-01' }, 'from', /on or before to/);
      await bad({ from: '2023-01-01', to: '2026-03-01' }, 'to', /at most 731 days/);
      await bad({ colour: 'red' }, 'colour', /not an accepted field/);
    });

    it('every read is audited', async () => {
      await get(coupleUrl(w.coupleId)).expect(200);
      await get(coupleUrl(w.coupleId), {}, w.unassigned).expect(404);
      await ctx.flushAudit();
      const rows = await ctx.db.query(
        `SELECT actor_user_id AS "actor", outcome FROM audit_events WHERE action = 'progress.read' AND resource_id = $1`,
        [w.coupleId],
      );
      expect(rows).toEqual(expect.arrayContaining([
        { actor: w.clinician.id, outcome: 'allowed' },
        { actor: w.unassigned.id, outcome: 'denied' },
      ]));
    });
  });
});
