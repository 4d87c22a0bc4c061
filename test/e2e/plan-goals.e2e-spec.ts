import { randomUUID } from 'node:crypto';
import { Actor, bearer, createStaff, http } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildProgressWorld, CheckInFixture, insertCheckIns, insertPlan, ProgressWorld, standOn } from './progress.world';

const DAILY = { description: 'Daily check-in kept on 5 of 7 days for 4 weeks', metric: 'checkin_days', params: { daysPerWeek: 5, weeks: 4 } };
const TRUST = { description: 'Weekly trust average of 6 or more for 2 weeks', metric: 'measure_average', params: { measure: 'trust', threshold: 6, weeks: 2 } };
const KEPT = { description: 'Agreements kept in 80% of check-ins for 3 weeks', metric: 'agreement_kept', params: { percent: 80, weeks: 3, who: 'either_partner' } };

describe('plan goals /v1/treatment-plans/:id/goals', () => {
  let ctx: TestContext;
  let w: ProgressWorld;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildProgressWorld(ctx, 'Goals Practice');
  });
  afterAll(() => ctx?.close());
  afterEach(() => jest.restoreAllMocks());

  const url = (planId: string, rest = '') => `/v1/treatment-plans/${planId}/goals${rest}`;
  /** A fresh plan for the world's couple (a couple has one open plan: any earlier one is closed first). */
  async function couplePlan(opts: Parameters<typeof insertPlan>[4] = {}): Promise<string> {
    await ctx.db.query(
      `UPDATE treatment_plans SET status = 'closed', outcome = 'reconciled', closed_at = now(), closed_by = owner_id WHERE couple_id = $1 AND status <> 'closed'`,
      [w.coupleId],
    );
    return insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId: w.coupleId }, opts);
  }

  async function goalRows(planId: string) {
    return ctx.db.query(`SELECT id, title, status, step_key, position FROM plan_goals WHERE plan_id = $1 ORDER BY position`, [planId]);
  }
  async function objectiveRows(planId: string) {
    return ctx.db.query(
      `SELECT o.id, o.description, o.metric, o.params FROM plan_objectives o JOIN plan_goals g ON g.id = o.goal_id WHERE g.plan_id = $1 ORDER BY o.created_at`,
      [planId],
    );
  }
  async function events(planId: string) {
    return ctx.db.query(
      `SELECT kind, step_key AS "stepKey", from_state AS "fromState", to_state AS "toState", reason, actor_id AS "actorId"
         FROM plan_events WHERE plan_id = $1 ORDER BY id`,
      [planId],
    );
  }
  async function addGoal(planId: string, body: object = { title: 'Daily honesty', stepKey: 'consistency', objectives: [DAILY] }, actor: Actor = w.clinician) {
    return http(ctx).post(url(planId)).set(...bearer(actor)).send(body).expect(201);
  }
  // Each plan needs its own subject (one open plan per couple), so most tests close the plan they used.
  async function closePlan(planId: string) {
    await ctx.db.query(`UPDATE treatment_plans SET status = 'closed', outcome = 'reconciled', closed_at = now(), closed_by = owner_id WHERE id = $1`, [planId]);
  }

  describe('POST and GET', () => {
    it('adds a goal with objectives, records goal_added in the plan history, and lists it with computed progress', async () => {
      const planId = await couplePlan();
      const res = await addGoal(planId, { title: '  Rebuild a daily rhythm  ', stepKey: 'consistency', objectives: [DAILY, TRUST, KEPT] });
      expect(res.body).toMatchObject({
        planId,
        title: 'Rebuild a daily rhythm',
        stepKey: 'consistency',
        position: 0,
        status: 'open',
        objectives: [
          { description: DAILY.description, metric: 'checkin_days', params: { daysPerWeek: 5, weeks: 4 } },
          { description: TRUST.description, metric: 'measure_average', params: { measure: 'trust', threshold: 6, weeks: 2 } },
          { description: KEPT.description, metric: 'agreement_kept', params: { percent: 80, weeks: 3, who: 'either_partner' } },
        ],
      });
      // No check-ins yet: nothing met, and the couple is judged partner by partner unless pooled.
      const zero = { weeksMet: 0, currentStreakWeeks: 0, met: false, countsCurrentWeek: false };
      expect(res.body.objectives[0].progress).toEqual({
        ...zero,
        weeksRequired: 4,
        perPartner: [
          { clientId: w.a.clientId, ...zero },
          { clientId: w.b.clientId, ...zero },
        ],
      });
      expect(res.body.objectives[2].progress).toEqual({ ...zero, weeksRequired: 3 });

      expect(await events(planId)).toEqual([
        { kind: 'goal_added', stepKey: 'consistency', fromState: null, toState: 'open', reason: 'Rebuild a daily rhythm (3 objectives)', actorId: w.clinician.id },
      ]);

      const second = await addGoal(planId, { title: 'Name the pattern' });
      expect(second.body).toMatchObject({ position: 1, stepKey: null, objectives: [] });

      const list = await http(ctx).get(url(planId)).set(...bearer(w.clinician)).expect(200);
      expect(list.body.nextCursor).toBeNull();
      expect(list.body.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(list.body.data.map((g: { title: string }) => g.title)).toEqual(['Rebuild a daily rhythm', 'Name the pattern']);
      expect(list.body.data[0]).toEqual(res.body);
      await closePlan(planId);
    });

    it('computes objective progress from the partners’ check-ins as the clock stands', async () => {
      const planId = await couplePlan();
      const goal = (await addGoal(planId, { title: 'Consistency', objectives: [DAILY, { ...DAILY, params: { daysPerWeek: 5, weeks: 4, who: 'either_partner' } }, TRUST] })).body;
      // Wednesday 2026-03-18 in New York. Weeks start 02-16, 02-23, 03-02, 03-09; the running week 03-16.
      standOn(ctx, '2026-03-18T16:00:00Z');
      const rows: CheckInFixture[] = [];
      const day = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
      for (const monday of ['2026-02-16', '2026-02-23', '2026-03-02', '2026-03-09']) {
        // A: Monday to Friday, trust 7. B: Monday to Wednesday (trust 5) and Saturday (trust 7): 4 days, average 5.5.
        for (let i = 0; i < 5; i += 1) rows.push({ clientId: w.a.clientId, coupleId: w.coupleId, localDate: day(monday, i), trust: 7, safety: 7, connection: 6, mood: 4 });
        for (const i of [0, 1, 2]) rows.push({ clientId: w.b.clientId, coupleId: w.coupleId, localDate: day(monday, i), trust: 5, safety: 6, connection: 5, mood: 3 });
        rows.push({ clientId: w.b.clientId, coupleId: w.coupleId, localDate: day(monday, 5), trust: 7, safety: 6, connection: 5, mood: 3 });
      }
      // A check-in A made outside the couple (as an individual client) is not the couple's.
      rows.push({ clientId: w.a.clientId, coupleId: null, localDate: '2026-03-16', trust: 1, safety: 1, connection: 1, mood: 1 });
      await insertCheckIns(ctx, w.practice.practiceId, rows);

      const list = await http(ctx).get(url(planId)).set(...bearer(w.clinician)).expect(200);
      expect(list.body.asOf).toBe('2026-03-18');
      const [daily, pooled, trust] = list.body.data.find((g: { id: string }) => g.id === goal.id).objectives;
      // Each partner separately: A has 5 days a week, B only 4 — so the couple has not met it.
      expect(daily.progress).toEqual({
        weeksRequired: 4,
        weeksMet: 0,
        currentStreakWeeks: 0,
        met: false,
        countsCurrentWeek: false,
        perPartner: [
          { clientId: w.a.clientId, weeksMet: 4, currentStreakWeeks: 4, met: true, countsCurrentWeek: false },
          { clientId: w.b.clientId, weeksMet: 0, currentStreakWeeks: 0, met: false, countsCurrentWeek: false },
        ],
      });
      // Either partner: Monday to Friday and Saturday make 6 pooled days a week.
      expect(pooled.progress).toEqual({ weeksRequired: 4, weeksMet: 4, currentStreakWeeks: 4, met: true, countsCurrentWeek: false });
      // A averages 7 every week (the individual 1 on 03-16 is not the couple's); B averages 5.5.
      expect(trust.progress).toEqual({
        weeksRequired: 2,
        weeksMet: 0,
        currentStreakWeeks: 0,
        met: false,
        countsCurrentWeek: false,
        perPartner: [
          { clientId: w.a.clientId, weeksMet: 2, currentStreakWeeks: 4, met: true, countsCurrentWeek: false },
          { clientId: w.b.clientId, weeksMet: 0, currentStreakWeeks: 0, met: false, countsCurrentWeek: false },
        ],
      });
      await closePlan(planId);
    });
  });

  describe('validation', () => {
    it('400 naming each field of objectives’ params, per metric; nothing written', async () => {
      const planId = await couplePlan();
      const res = await http(ctx)
        .post(url(planId))
        .set(...bearer(w.clinician))
        .send({
          title: 'Bad objectives',
          objectives: [
            { description: 'Too many days', metric: 'checkin_days', params: { daysPerWeek: 8, weeks: 4 } },
            { description: 'Mood out of scale', metric: 'measure_average', params: { measure: 'mood', threshold: 6, weeks: 2 } },
            { description: 'No percent', metric: 'agreement_kept', params: { percent: 0, weeks: 53 } },
            { description: 'Unknown measure', metric: 'measure_average', params: { measure: 'hope', threshold: 5, weeks: 1 } },
            { description: 'Wrong shape', metric: 'checkin_days', params: { daysPerWeek: 3, weeks: 2, threshold: 4, who: 'both' } },
            { description: 'Unknown metric', metric: 'vibes', params: { anything: true } },
            { description: 'No params', metric: 'checkin_days' },
            { description: 'Half a day', metric: 'checkin_days', params: { daysPerWeek: 2.5, weeks: '4' } },
          ],
        })
        .expect(400);
      const fields = Object.fromEntries((res.body.fields as Array<{ field: string; reasons: string[] }>).map((f) => [f.field, f.reasons]));
      expect(fields).toEqual({
        'objectives.0.params.daysPerWeek': ['must not be greater than 7'],
        'objectives.1.params.threshold': ['must be between 1 and 5 for mood'],
        'objectives.2.params.percent': ['must not be less than 1'],
        'objectives.2.params.weeks': ['must not be greater than 52'],
        'objectives.3.params.measure': ['must be one of trust, safety, connection, mood'],
        'objectives.4.params.threshold': ['is not an accepted field'],
        'objectives.4.params.who': ['must be one of each_partner, either_partner'],
        'objectives.5.metric': ['must be one of checkin_days, measure_average, agreement_kept'],
        'objectives.6.params': ['is required', 'must be an object'],
        'objectives.7.params.daysPerWeek': ['must be a whole number of days'],
        'objectives.7.params.weeks': expect.arrayContaining(['must be a whole number of weeks']),
      });
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'validation_failed' });
      expect(res.body.message).toContain('objectives.0.params.daysPerWeek: must not be greater than 7');
      expect(await goalRows(planId)).toEqual([]);
      expect(await events(planId)).toEqual([]);
      await closePlan(planId);
    });

    it('400 for a blank title, an unknown step, a step the plan does not have, and `who` on an individual plan', async () => {
      const planId = await couplePlan({ onlySteps: ['stabilization', 'accountability'] });
      const blank = await http(ctx).post(url(planId)).set(...bearer(w.clinician)).send({ title: '   ', stepKey: 'healing' }).expect(400);
      expect(blank.body.fields).toEqual([
        { field: 'title', reasons: ['must not be blank'] },
        { field: 'stepKey', reasons: [expect.stringMatching(/^must be one of stabilization, accountability/)] },
      ]);
      const missing = await http(ctx).post(url(planId)).set(...bearer(w.clinician)).send({ title: 'Boundaries', stepKey: 'boundaries', objectives: [DAILY] }).expect(400);
      expect(missing.body).toMatchObject({ message: 'stepKey: is not a step of this plan' });
      await http(ctx).post(url(planId)).set(...bearer(w.clinician)).send({ title: 'x', colour: 'red' }).expect(400);
      await http(ctx).post(url(planId)).set(...bearer(w.clinician)).send({ title: 'x', objectives: Array(11).fill(DAILY) }).expect(400);
      expect(await goalRows(planId)).toEqual([]);
      expect(await objectiveRows(planId)).toEqual([]);
      expect(await events(planId)).toEqual([]);
      await closePlan(planId);

      const soloPlan = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { clientId: w.soloClientId });
      const who = await http(ctx).post(url(soloPlan)).set(...bearer(w.clinician)).send({ title: 'Solo', objectives: [DAILY, KEPT] }).expect(400);
      expect(who.body.fields).toEqual([{ field: 'objectives.1.params.who', reasons: ['applies only to a couple’s plan'] }]);
      const ok = await addGoal(soloPlan, { title: 'Solo', objectives: [DAILY] });
      expect(ok.body.objectives[0].progress).toEqual({ weeksRequired: 4, weeksMet: 0, currentStreakWeeks: 0, met: false, countsCurrentWeek: false });
      await closePlan(soloPlan);
    });

    it('a malformed plan or goal id is simply not found', async () => {
      await http(ctx).get('/v1/treatment-plans/not-a-uuid/goals').set(...bearer(w.clinician)).expect(404);
      await http(ctx).get(url(randomUUID())).set(...bearer(w.clinician)).expect(404);
      const planId = await couplePlan();
      await http(ctx).patch(url(planId, '/nope')).set(...bearer(w.clinician)).send({ status: 'met' }).expect(404);
      await http(ctx).patch(url(planId, `/${randomUUID()}`)).set(...bearer(w.clinician)).send({ status: 'met' }).expect(404);
      await closePlan(planId);
    });

    it('a plan holds at most 50 goals (409), and a goal at most 10 objectives (409)', async () => {
      const planId = await couplePlan();
      const goal = await addGoal(planId, { title: 'Full', objectives: Array(10).fill(DAILY) });
      await http(ctx).post(url(planId, `/${goal.body.id}/objectives`)).set(...bearer(w.clinician)).send(TRUST).expect(409);
      await ctx.db.query(
        `INSERT INTO plan_goals (practice_id, plan_id, title, position) SELECT $1, $2, 'Filler ' || i, i FROM generate_series(1, 49) i`,
        [w.practice.practiceId, planId],
      );
      const over = await http(ctx).post(url(planId)).set(...bearer(w.clinician)).send({ title: 'One too many' }).expect(409);
      expect(over.body.code).toBe('goal_limit');
      await closePlan(planId);
    });
  });

  describe('PATCH, objectives', () => {
    it('renames and sets the status, each change in the history; an empty or unknown change is refused', async () => {
      const planId = await couplePlan();
      const goal = (await addGoal(planId)).body;
      const met = await http(ctx).patch(url(planId, `/${goal.id}`)).set(...bearer(w.colleague)).send({ status: 'met' }).expect(200);
      expect(met.body).toMatchObject({ id: goal.id, status: 'met', title: 'Daily honesty' });
      expect(Date.parse(met.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(goal.updatedAt));
      const renamed = await http(ctx).patch(url(planId, `/${goal.id}`)).set(...bearer(w.clinician)).send({ title: 'Daily openness', status: 'open' }).expect(200);
      expect(renamed.body).toMatchObject({ status: 'open', title: 'Daily openness', objectives: [{ description: DAILY.description }] });
      // The same values again change nothing and add no history.
      await http(ctx).patch(url(planId, `/${goal.id}`)).set(...bearer(w.clinician)).send({ title: 'Daily openness' }).expect(200);

      const empty = await http(ctx).patch(url(planId, `/${goal.id}`)).set(...bearer(w.clinician)).send({}).expect(400);
      expect(empty.body.message).toBe('body: give a title or a status to change');
      const bad = await http(ctx).patch(url(planId, `/${goal.id}`)).set(...bearer(w.clinician)).send({ status: 'done', stepKey: 'intimacy' }).expect(400);
      expect(bad.body.fields).toEqual([
        { field: 'stepKey', reasons: ['is not an accepted field'] },
        { field: 'status', reasons: ['must be one of open, met, dropped'] },
      ]);

      expect((await events(planId)).slice(1)).toEqual([
        { kind: 'goal_updated', stepKey: 'consistency', fromState: 'open', toState: 'met', reason: 'Daily honesty', actorId: w.colleague.id },
        { kind: 'goal_updated', stepKey: 'consistency', fromState: 'met', toState: 'open', reason: 'renamed: Daily honesty → Daily openness', actorId: w.clinician.id },
      ]);
      await closePlan(planId);
    });

    it('adds and removes objectives, each change in the history; another goal’s objective is not found', async () => {
      const planId = await couplePlan();
      const goal = (await addGoal(planId)).body;
      const other = (await addGoal(planId, { title: 'Other', objectives: [TRUST] })).body;
      const added = await http(ctx).post(url(planId, `/${goal.id}/objectives`)).set(...bearer(w.clinician)).send(TRUST).expect(201);
      expect(added.body).toMatchObject({
        goalId: goal.id,
        description: TRUST.description,
        metric: 'measure_average',
        params: TRUST.params,
        progress: { weeksRequired: 2, met: false },
      });
      const bad = await http(ctx)
        .post(url(planId, `/${goal.id}/objectives`))
        .set(...bearer(w.clinician))
        .send({ description: 'x', metric: 'agreement_kept', params: { percent: 101, weeks: 1 } })
        .expect(400);
      expect(bad.body.fields).toEqual([{ field: 'params.percent', reasons: ['must not be greater than 100'] }]);

      await http(ctx).delete(url(planId, `/${goal.id}/objectives/${other.objectives[0].id}`)).set(...bearer(w.clinician)).expect(404);
      await http(ctx).delete(url(planId, `/${other.id}/objectives/${added.body.id}`)).set(...bearer(w.clinician)).expect(404);
      await http(ctx).delete(url(planId, `/${goal.id}/objectives/${added.body.id}`)).set(...bearer(w.clinician)).expect(204);
      await http(ctx).delete(url(planId, `/${goal.id}/objectives/${added.body.id}`)).set(...bearer(w.clinician)).expect(404);

      const list = await http(ctx).get(url(planId)).set(...bearer(w.clinician)).expect(200);
      expect(list.body.data[0].objectives.map((o: { description: string }) => o.description)).toEqual([DAILY.description]);
      expect((await events(planId)).slice(2).map((e: { reason: string }) => e.reason)).toEqual([
        `Daily honesty: objective added — ${TRUST.description}`,
        `Daily honesty: objective removed — ${TRUST.description}`,
      ]);
      await closePlan(planId);
    });

    it('concurrent additions get distinct positions (the plan is locked while a goal is added)', async () => {
      const planId = await couplePlan();
      const titles = ['One', 'Two', 'Three', 'Four', 'Five', 'Six'];
      const results = await Promise.all(titles.map((title) => http(ctx).post(url(planId)).set(...bearer(w.clinician)).send({ title, objectives: [DAILY] })));
      expect(results.map((r) => r.status)).toEqual(titles.map(() => 201));
      const rows: Array<{ position: number }> = await goalRows(planId);
      expect(rows.map((r) => r.position)).toEqual([0, 1, 2, 3, 4, 5]);
      expect((await events(planId)).filter((e: { kind: string }) => e.kind === 'goal_added')).toHaveLength(6);
      expect(await objectiveRows(planId)).toHaveLength(6);
    });

    it('a closed plan is read-only: every write answers 422 plan_closed and changes nothing; reading still works', async () => {
      const planId = await couplePlan();
      const goal = (await addGoal(planId)).body;
      await closePlan(planId);
      const before = { goals: await goalRows(planId), objectives: await objectiveRows(planId), events: await events(planId) };
      const attempts = [
        http(ctx).post(url(planId)).set(...bearer(w.clinician)).send({ title: 'Late' }),
        http(ctx).patch(url(planId, `/${goal.id}`)).set(...bearer(w.clinician)).send({ status: 'met' }),
        http(ctx).post(url(planId, `/${goal.id}/objectives`)).set(...bearer(w.clinician)).send(TRUST),
        http(ctx).delete(url(planId, `/${goal.id}/objectives/${goal.objectives[0].id}`)).set(...bearer(w.clinician)),
      ];
      for (const attempt of attempts) {
        const res = await attempt;
        expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'plan_closed' });
        expect(res.body.message).toMatch(/closed plan is read-only/);
      }
      expect({ goals: await goalRows(planId), objectives: await objectiveRows(planId), events: await events(planId) }).toEqual(before);
      const list = await http(ctx).get(url(planId)).set(...bearer(w.clinician)).expect(200);
      expect(list.body.data).toHaveLength(1);
    });
  });

  describe('who may', () => {
    let planId: string;
    let goal: { id: string; objectives: Array<{ id: string }> };

    beforeAll(async () => {
      planId = await couplePlan();
      goal = (await addGoal(planId)).body;
    });
    afterAll(() => closePlan(planId));

    const calls = () => [
      { name: 'list', write: false, run: (a: Actor | null) => auth(http(ctx).get(url(planId)), a) },
      { name: 'create', write: true, run: (a: Actor | null) => auth(http(ctx).post(url(planId)), a).send({ title: 'Sneaky', objectives: [DAILY] }) },
      { name: 'update', write: true, run: (a: Actor | null) => auth(http(ctx).patch(url(planId, `/${goal.id}`)), a).send({ status: 'dropped' }) },
      { name: 'add objective', write: true, run: (a: Actor | null) => auth(http(ctx).post(url(planId, `/${goal.id}/objectives`)), a).send(TRUST) },
      { name: 'remove objective', write: true, run: (a: Actor | null) => auth(http(ctx).delete(url(planId, `/${goal.id}/objectives/${goal.objectives[0].id}`)), a) },
    ];
    const auth = <T extends { set(k: string, v: string): T }>(req: T, a: Actor | null): T => (a ? req.set(...bearer(a)) : req);
    const snapshot = async () => ({ goals: await goalRows(planId), objectives: await objectiveRows(planId), events: await events(planId) });

    it('denies anonymous (401), another practice’s admin and clinician and an unassigned clinician (404), the admin off the team (403), both partners’ portals (403) — and nothing changes', async () => {
      const otherClinician = await createStaff(ctx, w.other, 'clinician');
      const before = await snapshot();
      const cases: Array<[string, Actor | null, number]> = [
        ['anonymous', null, 401],
        ['other practice admin', w.other.admin, 404],
        ['other practice clinician', otherClinician, 404],
        ['unassigned clinician', w.unassigned, 404],
        ['admin off the care team', w.admin, 403],
        ['partner A portal', w.a.actor, 403],
        ['partner B portal', w.b.actor, 403],
      ];
      for (const [who, actor, status] of cases) {
        for (const call of calls()) {
          const res = await call.run(actor);
          expect({ who, call: call.name, status: res.status }).toEqual({ who, call: call.name, status });
          expect(res.body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
          if (status === 404) expect(res.body.message).toBe('Treatment plan not found');
        }
      }
      expect(await snapshot()).toEqual(before);
    });

    it('an admin on the care team reads but does not write (403 not_plan_clinician)', async () => {
      await ctx.db.query(`INSERT INTO care_team_members (practice_id, clinician_id, couple_id, added_by) VALUES ($1, $2, $3, $2)`, [
        w.practice.practiceId,
        w.admin.id,
        w.coupleId,
      ]);
      try {
        const before = await snapshot();
        for (const call of calls()) {
          const res = await call.run(w.admin);
          expect({ call: call.name, status: res.status, code: res.body.code }).toEqual(
            call.write ? { call: call.name, status: 403, code: 'not_plan_clinician' } : { call: call.name, status: 200, code: undefined },
          );
        }
        expect(await snapshot()).toEqual(before);
      } finally {
        await ctx.db.query(`DELETE FROM care_team_members WHERE clinician_id = $1`, [w.admin.id]);
      }
    });

    it('when clinicians see every client, one off the care team reads the goals but does not change them', async () => {
      await ctx.db.query(`UPDATE practices SET settings = settings || '{"cliniciansSeeAllClients": true}' WHERE id = $1`, [w.practice.practiceId]);
      try {
        const before = await snapshot();
        for (const call of calls()) {
          const res = await call.run(w.unassigned);
          expect({ call: call.name, status: res.status }).toEqual({ call: call.name, status: call.write ? 403 : 200 });
        }
        expect(await snapshot()).toEqual(before);
      } finally {
        await ctx.db.query(`UPDATE practices SET settings = settings - 'cliniciansSeeAllClients' WHERE id = $1`, [w.practice.practiceId]);
      }
    });

    it('an owner no longer on the care team neither reads nor changes the goals (404, as for the plan itself); a care-team colleague writes', async () => {
      const otherCouple = await ctx.db.query(
        `INSERT INTO couples (practice_id, status, privacy_policy, created_by, version) VALUES ($1, 'active', 'no_secrets', $2, 1) RETURNING id`,
        [w.practice.practiceId, w.admin.id],
      );
      const ownerOnly = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId: otherCouple[0].id });
      await http(ctx).get(`/v1/treatment-plans/${ownerOnly}`).set(...bearer(w.clinician)).expect(404);
      await http(ctx).get(url(ownerOnly)).set(...bearer(w.clinician)).expect(404);
      await http(ctx).post(url(ownerOnly)).set(...bearer(w.clinician)).send({ title: 'Owner’s goal' }).expect(404);
      await http(ctx).get(url(ownerOnly)).set(...bearer(w.colleague)).expect(404);
      expect(await goalRows(ownerOnly)).toEqual([]);
      await closePlan(ownerOnly);
      const res = await addGoal(planId, { title: 'Colleague’s goal' }, w.colleague);
      expect(res.body.title).toBe('Colleague’s goal');
    });

    it('reads and writes are audited', async () => {
      await http(ctx).get(url(planId)).set(...bearer(w.clinician)).expect(200);
      await http(ctx).get(url(planId)).set(...bearer(w.unassigned)).expect(404);
      await ctx.flushAudit();
      const rows = await ctx.db.query(
        `SELECT action, resource_id AS "resourceId", outcome FROM audit_events WHERE action = 'plan_goal.list' AND resource_id = $1 ORDER BY occurred_at`,
        [planId],
      );
      expect(rows).toEqual(expect.arrayContaining([
        { action: 'plan_goal.list', resourceId: planId, outcome: 'allowed' },
        { action: 'plan_goal.list', resourceId: planId, outcome: 'denied' },
      ]));
    });
  });
});
