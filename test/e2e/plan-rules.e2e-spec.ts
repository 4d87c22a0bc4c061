import { randomUUID } from 'node:crypto';
import { Actor, bearer, createStaff, http } from '../factories';
import { addToCareTeam } from '../factories/clinical';
import { startTestApp, TestContext } from '../setup/test-app';
import {
  activePlan,
  buildPlanWorld,
  createPlan,
  events,
  expectStatus,
  insertReadiness,
  minutesAgo,
  myClient,
  planAction,
  planSnapshot,
  PlanWorld,
  portalCouple,
  raiseIpv,
  resolveFlag,
  stabilizedPlan,
  stepAction,
  stepStates,
} from './treatment-plans.world';

/**
 * Each framework rule, attacked: through the API as every kind of caller, with the inputs a
 * hurried or mistaken request would send. A refusal answers 422 naming the rule (or 403/404 for
 * the wrong caller) and leaves plan_steps and plan_events exactly as they were.
 */
describe('framework rules on treatment plans', () => {
  let ctx: TestContext;
  let w: PlanWorld;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildPlanWorld(ctx, 'Rules Practice');
  });
  afterAll(() => ctx?.close());

  const getPlan = async (id: string, actor: Actor = w.clinician) =>
    expectStatus(await http(ctx).get(`/v1/treatment-plans/${id}`).set(...bearer(actor)), 200).body;

  describe('rule 1: stabilization first', () => {
    it('refuses to activate any later step before stabilization, naming the rule; nothing changes', async () => {
      const c = await portalCouple(ctx, w);
      const id = await activePlan(ctx, w.clinician, { coupleId: c.coupleId });
      const before = await planSnapshot(ctx, id);
      for (const key of ['transparency', 'accountability', 'forgiveness']) {
        const res = expectStatus(await stepAction(ctx, w.clinician, id, key, 'activate', { confirmReadiness: true }), 422);
        expect(res.body).toMatchObject({ statusCode: 422, code: 'stabilization_first' });
        expect(res.body.message).toMatch(/stabilization/i);
      }
      // Still refused while stabilization is merely active.
      expectStatus(await stepAction(ctx, w.clinician, id, 'stabilization', 'activate'), 200);
      const mid = await planSnapshot(ctx, id);
      expect((await stepAction(ctx, w.clinician, id, 'transparency', 'activate')).body.code).toBe('stabilization_first');
      expect(await planSnapshot(ctx, id)).toEqual(mid);
      expect(before.events.length + 1).toBe(mid.events.length);
    });

    it('a waiver needs a reason (missing or blank → 422); waived with a reason, later steps activate', async () => {
      const c = await portalCouple(ctx, w);
      const id = await activePlan(ctx, w.clinician, { coupleId: c.coupleId });
      const before = await planSnapshot(ctx, id);
      for (const body of [{}, { reason: '   ' }, { reason: '' }]) {
        const res = expectStatus(await stepAction(ctx, w.clinician, id, 'stabilization', 'waive', body), 422);
        expect(res.body.code).toBe('waiver_requires_reason');
        expect(res.body.message).toContain('reason');
      }
      expect(await planSnapshot(ctx, id)).toEqual(before);

      const waived = expectStatus(
        await stepAction(ctx, w.clinician, id, 'stabilization', 'waive', { reason: 'Stable at intake: no contact, no crisis' }),
        200,
      ).body;
      expect(waived.steps.find((s: { key: string }) => s.key === 'stabilization')).toMatchObject({
        state: 'waived',
        waivedReason: 'Stable at intake: no contact, no crisis',
        changedBy: { id: w.clinician.id },
      });
      expectStatus(await stepAction(ctx, w.clinician, id, 'transparency', 'activate'), 200);
      const ev = await events(ctx, id);
      expect(ev.map((e) => [e.kind, e.step_key, e.from_state, e.to_state, e.reason])).toEqual([
        ['plan_created', null, null, 'draft', null],
        ['plan_activated', null, 'draft', 'active', null],
        ['step_waived', 'stabilization', 'not_started', 'waived', 'Stable at intake: no contact, no crisis'],
        ['step_activated', 'transparency', 'not_started', 'active', null],
      ]);
    });

    it('reopening stabilization closes the gate again for steps not yet active', async () => {
      const c = await portalCouple(ctx, w);
      const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
      expectStatus(await stepAction(ctx, w.clinician, id, 'accountability', 'activate'), 200);
      expectStatus(await stepAction(ctx, w.clinician, id, 'stabilization', 'reopen', { reason: 'New crisis: contact resumed' }), 200);
      expect((await stepAction(ctx, w.clinician, id, 'transparency', 'activate')).body.code).toBe('stabilization_first');
      expect(await stepStates(ctx, id)).toMatchObject({ stabilization: 'active', accountability: 'active', transparency: 'not_started' });
    });
  });

  describe('rule 2: several steps at once; only a clinician of the plan changes a step', () => {
    it('transparency and validation run together; the colleague on the care team may change steps too', async () => {
      const c = await portalCouple(ctx, w);
      const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
      expectStatus(await stepAction(ctx, w.clinician, id, 'transparency', 'activate'), 200);
      const res = expectStatus(await stepAction(ctx, w.colleague, id, 'validation', 'activate', { reason: 'Runs alongside transparency' }), 200);
      expect(res.body.activeSteps).toEqual(['transparency', 'validation']);
      expect(res.body.steps.find((s: { key: string }) => s.key === 'validation').changedBy.id).toBe(w.colleague.id);
    });

    it('admin (on or off the team), an unassigned or other-practice clinician, either partner and anonymous change nothing', async () => {
      const c = await portalCouple(ctx, w);
      const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
      expectStatus(await stepAction(ctx, w.clinician, id, 'transparency', 'activate'), 200);
      const teamAdmin = await createStaff(ctx, w.practice, 'admin');
      await addToCareTeam(ctx, w.practice.practiceId, teamAdmin.id, { coupleId: c.coupleId });
      const before = await planSnapshot(ctx, id);

      const cases: Array<[string, Actor | null, number]> = [
        ['anonymous', null, 401],
        ['the practice admin (off the team)', w.admin, 403],
        ['an admin on the care team', teamAdmin, 403],
        ['a clinician on no team', w.unassigned, 404],
        ['another practice’s clinician', w.otherClinician, 404],
        ['another practice’s admin', w.other.admin, 403],
        ['partner a', c.a.actor, 403],
        ['partner b', c.b.actor, 403],
      ];
      const attempts: Array<[string, string, Record<string, unknown>]> = [
        ['validation', 'activate', {}],
        ['transparency', 'complete', {}],
        ['boundaries', 'waive', { reason: 'not needed' }],
        ['stabilization', 'reopen', { reason: 'x' }],
      ];
      const failures: string[] = [];
      for (const [label, actor, expected] of cases) {
        for (const [step, action, body] of attempts) {
          let req = http(ctx).post(`/v1/treatment-plans/${id}/steps/${step}/${action}`);
          if (actor) req = req.set(...bearer(actor));
          const res = await req.send(body);
          if (res.status !== expected) failures.push(`${label} ${action} ${step}: ${res.status}`);
          if (res.status >= 400) expect(res.body).toMatchObject({ statusCode: res.status, message: expect.any(String) });
        }
      }
      expect(failures).toEqual([]);
      expect(await planSnapshot(ctx, id)).toEqual(before);
      // The admin on the care team still reads the plan (clinical access), but does not change it.
      await getPlan(id, teamAdmin);
    });

    it('with the practice-wide setting, a clinician off the team sees the plan (200) but may not change it (403)', async () => {
      const wide = await buildPlanWorld(ctx, 'Wide Practice');
      expectStatus(
        await http(ctx).patch('/v1/practice').set(...bearer(wide.admin)).send({ settings: { cliniciansSeeAllClients: true } }),
        200,
      );
      const c = await portalCouple(ctx, wide);
      const id = await stabilizedPlan(ctx, wide.clinician, { coupleId: c.coupleId });
      const before = await planSnapshot(ctx, id);
      expectStatus(await http(ctx).get(`/v1/treatment-plans/${id}`).set(...bearer(wide.unassigned)), 200);
      const res = expectStatus(await stepAction(ctx, wide.unassigned, id, 'transparency', 'activate'), 403);
      expect(res.body.code).toBe('not_clinician_of_plan');
      expectStatus(await planAction(ctx, wide.unassigned, id, 'pause', { reason: 'x' }), 403);
      expectStatus(await planAction(ctx, wide.unassigned, id, 'close', { outcome: 'discontinued', summary: 'x' }), 403);
      expect(await planSnapshot(ctx, id)).toEqual(before);
      // Nor start a plan for a client whose care team they are not on.
      const clientId = await myClient(ctx, wide);
      expectStatus(await http(ctx).post('/v1/treatment-plans').set(...bearer(wide.unassigned)).send({ clientId }), 403);
    });

    it('the owner stays a clinician of the plan; a couple’s clinician does not change a partner’s individual plan', async () => {
      const c = await portalCouple(ctx, w);
      // An individual plan for partner a, by a clinician on a's own care team.
      await addToCareTeam(ctx, w.practice.practiceId, w.unassigned.id, { clientId: c.a.clientId });
      const id = await activePlan(ctx, w.unassigned, { clientId: c.a.clientId });
      // The couple's clinicians read it (the couple's team reads the partners' clinical content)…
      await getPlan(id, w.clinician);
      // …but are not on a's own team: they do not change it.
      const before = await planSnapshot(ctx, id);
      expect((await stepAction(ctx, w.clinician, id, 'stabilization', 'activate')).status).toBe(403);
      expect(await planSnapshot(ctx, id)).toEqual(before);
      expectStatus(await stepAction(ctx, w.unassigned, id, 'stabilization', 'activate'), 200);
    });
  });

  describe('rule 3: forgiveness only on both partners’ readiness and the clinician’s confirmation', () => {
    async function forgivenessReadyPlan() {
      const c = await portalCouple(ctx, w);
      const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
      expectStatus(await stepAction(ctx, w.clinician, id, 'intimacy', 'activate'), 200);
      return { c, id };
    }

    it('one partner ready → 422; both ready but unconfirmed → 422; both ready + confirm → active', async () => {
      const { c, id } = await forgivenessReadyPlan();
      const p = w.practice.practiceId;
      const before = await planSnapshot(ctx, id);

      // Nobody has answered yet.
      let res = expectStatus(await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate', { confirmReadiness: true }), 422);
      expect(res.body.code).toBe('forgiveness_readiness');

      await insertReadiness(ctx, p, { clientId: c.a.clientId, coupleId: c.coupleId, answer: 'ready', at: minutesAgo(30) });
      res = expectStatus(await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate', { confirmReadiness: true }), 422);
      expect(res.body.code).toBe('forgiveness_readiness');
      expect(res.body.readiness).toEqual(
        expect.arrayContaining([
          { clientId: c.a.clientId, answer: 'ready' },
          { clientId: c.b.clientId, answer: null },
        ]),
      );

      // b's check-ins without a readiness answer do not count as an answer.
      await insertReadiness(ctx, p, { clientId: c.b.clientId, coupleId: c.coupleId, answer: null, at: minutesAgo(20) });
      expect((await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate', { confirmReadiness: true })).status).toBe(422);

      await insertReadiness(ctx, p, { clientId: c.b.clientId, coupleId: c.coupleId, answer: 'ready', at: minutesAgo(10) });
      // Nothing advances forgiveness by itself: both ready, the step is still not started.
      const plan = await getPlan(id);
      expect(plan.forgivenessReadiness.allReady).toBe(true);
      expect(plan.steps.find((s: { key: string }) => s.key === 'forgiveness').state).toBe('not_started');

      for (const body of [{}, { confirmReadiness: false }]) {
        res = expectStatus(await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate', body), 422);
        expect(res.body).toMatchObject({ code: 'forgiveness_readiness', field: 'confirmReadiness' });
      }
      // A string is not a confirmation: bad input, 400 naming the field.
      res = expectStatus(await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate', { confirmReadiness: 'yes' }), 400);
      expect(res.body.message).toContain('confirmReadiness');
      expect(await planSnapshot(ctx, id)).toEqual(before);

      res = expectStatus(await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate', { confirmReadiness: true }), 200);
      expect(res.body.activeSteps).toContain('forgiveness');
      const last = (await events(ctx, id)).pop()!;
      expect(last).toMatchObject({ kind: 'step_activated', step_key: 'forgiveness', actor_id: w.clinician.id });
      expect(last.reason).toMatch(/ready/);
    });

    it('a partner who later answers "not yet" withdraws: 422 again, and the clinician sees the withdrawal', async () => {
      const { c, id } = await forgivenessReadyPlan();
      const p = w.practice.practiceId;
      await insertReadiness(ctx, p, { clientId: c.a.clientId, coupleId: c.coupleId, answer: 'ready', at: minutesAgo(60) });
      await insertReadiness(ctx, p, { clientId: c.b.clientId, coupleId: c.coupleId, answer: 'ready', at: minutesAgo(50) });
      await insertReadiness(ctx, p, { clientId: c.b.clientId, coupleId: c.coupleId, answer: 'not_yet', at: minutesAgo(5) });

      const res = expectStatus(await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate', { confirmReadiness: true }), 422);
      expect(res.body.code).toBe('forgiveness_readiness');
      const plan = await getPlan(id);
      expect(plan.forgivenessReadiness.allReady).toBe(false);
      const b = plan.forgivenessReadiness.partners.find((x: { clientId: string }) => x.clientId === c.b.clientId);
      expect(b).toMatchObject({ role: 'involved', answer: 'not_yet', withdrawn: true });
      expect(Date.parse(b.answeredAt)).toBeGreaterThan(Date.parse(b.lastReadyAt));
      const a = plan.forgivenessReadiness.partners.find((x: { clientId: string }) => x.clientId === c.a.clientId);
      expect(a).toMatchObject({ role: 'injured', answer: 'ready', withdrawn: false });

      // Ready again, later still: the gate opens.
      await insertReadiness(ctx, p, { clientId: c.b.clientId, coupleId: c.coupleId, answer: 'ready', at: minutesAgo(1) });
      expectStatus(await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate', { confirmReadiness: true }), 200);
    });

    it('readiness said in another couple, or another client’s, does not count for this couple', async () => {
      const { c, id } = await forgivenessReadyPlan();
      const p = w.practice.practiceId;
      await insertReadiness(ctx, p, { clientId: c.a.clientId, coupleId: c.coupleId, answer: 'ready', at: minutesAgo(10) });
      await insertReadiness(ctx, p, { clientId: c.b.clientId, coupleId: randomUUID(), answer: 'ready', at: minutesAgo(5) });
      const other = await portalCouple(ctx, w, ['Other A', 'Other B']);
      await insertReadiness(ctx, p, { clientId: other.b.clientId, coupleId: other.coupleId, answer: 'ready', at: minutesAgo(5) });
      expect((await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate', { confirmReadiness: true })).body.code).toBe('forgiveness_readiness');
    });

    it('reopening forgiveness asks for readiness and confirmation again', async () => {
      const { c, id } = await forgivenessReadyPlan();
      expectStatus(await stepAction(ctx, w.clinician, id, 'forgiveness', 'waive', { reason: 'Not the right time' }), 200);
      expect((await stepAction(ctx, w.clinician, id, 'forgiveness', 'reopen', { confirmReadiness: true })).body.code).toBe('forgiveness_readiness');
      const p = w.practice.practiceId;
      await insertReadiness(ctx, p, { clientId: c.a.clientId, coupleId: c.coupleId, answer: 'ready', at: minutesAgo(2) });
      await insertReadiness(ctx, p, { clientId: c.b.clientId, coupleId: c.coupleId, answer: 'ready', at: minutesAgo(1) });
      expect((await stepAction(ctx, w.clinician, id, 'forgiveness', 'reopen')).body.code).toBe('forgiveness_readiness');
      expectStatus(await stepAction(ctx, w.clinician, id, 'forgiveness', 'reopen', { confirmReadiness: true }), 200);
    });

    it('an individual plan: the client’s own latest readiness decides', async () => {
      const clientId = await myClient(ctx, w);
      const id = await stabilizedPlan(ctx, w.clinician, { clientId });
      const p = w.practice.practiceId;
      expect((await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate', { confirmReadiness: true })).body.code).toBe('forgiveness_readiness');
      await insertReadiness(ctx, p, { clientId, coupleId: null, answer: 'ready', at: minutesAgo(10) });
      await insertReadiness(ctx, p, { clientId, coupleId: null, answer: 'not_yet', at: minutesAgo(5) });
      expect((await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate', { confirmReadiness: true })).body.code).toBe('forgiveness_readiness');
      const plan = await getPlan(id);
      expect(plan.forgivenessReadiness.partners).toEqual([expect.objectContaining({ clientId, role: null, answer: 'not_yet', withdrawn: true })]);
      await insertReadiness(ctx, p, { clientId, coupleId: null, answer: 'ready', at: minutesAgo(1) });
      expect((await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate')).body.code).toBe('forgiveness_readiness');
      expectStatus(await stepAction(ctx, w.clinician, id, 'forgiveness', 'activate', { confirmReadiness: true }), 200);
    });
  });

  describe('rule 4: a high-severity IPV flag pauses a couple plan', () => {
    it('while flagged: no step change, no activate/resume; pause and close are allowed; resolving lifts it', async () => {
      const c = await portalCouple(ctx, w);
      const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
      expectStatus(await stepAction(ctx, w.clinician, id, 'transparency', 'activate'), 200);
      const flagId = await raiseIpv(ctx, w.clinician, c.b.clientId);

      const before = await planSnapshot(ctx, id);
      for (const [step, action, body] of [
        ['accountability', 'activate', {}],
        ['transparency', 'complete', {}],
        ['boundaries', 'waive', { reason: 'x' }],
        ['stabilization', 'reopen', {}],
      ] as const) {
        const res = expectStatus(await stepAction(ctx, w.clinician, id, step, action, body), 422);
        expect(res.body.code).toBe('conjoint_work_paused');
      }
      expect(await planSnapshot(ctx, id)).toEqual(before);
      const plan = await getPlan(id);
      expect(plan.conjointWorkPaused).toBe(true);

      expectStatus(await planAction(ctx, w.clinician, id, 'pause', { reason: 'Safety concern; individual sessions only' }), 200);
      expect((await planAction(ctx, w.clinician, id, 'resume')).body.code).toBe('conjoint_work_paused');
      expect((await getPlan(id)).status).toBe('paused');

      // The partners' portal view shows no sign of why.
      const mine = expectStatus(await http(ctx).get('/v1/me/plan').set(...bearer(c.a.actor)), 200).body;
      expect(JSON.stringify(mine)).not.toMatch(/conjoint|flag|violence|Safety concern/i);

      await resolveFlag(ctx, w.clinician, c.b.clientId, flagId);
      expectStatus(await planAction(ctx, w.clinician, id, 'resume'), 200);
      expectStatus(await stepAction(ctx, w.clinician, id, 'accountability', 'activate'), 200);
      expect((await getPlan(id)).conjointWorkPaused).toBe(false);
    });

    it('a flagged couple’s draft plan cannot be activated, but can be closed', async () => {
      const c = await portalCouple(ctx, w);
      const plan = await createPlan(ctx, w.clinician, { coupleId: c.coupleId });
      await raiseIpv(ctx, w.clinician, c.a.clientId);
      expect((await planAction(ctx, w.clinician, plan.id, 'activate')).body.code).toBe('conjoint_work_paused');
      const closed = expectStatus(await planAction(ctx, w.clinician, plan.id, 'close', { outcome: 'referred_out', summary: 'Referred to a DV specialist' }), 200);
      expect(closed.body).toMatchObject({ status: 'closed', outcome: 'referred_out' });
    });

    it('a moderate IPV flag, or a high flag of another kind, does not pause', async () => {
      const c = await portalCouple(ctx, w);
      const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
      for (const body of [
        { kind: 'intimate_partner_violence', severity: 'moderate' },
        { kind: 'ongoing_affair', severity: 'high' },
      ]) {
        expectStatus(await http(ctx).post(`/v1/clients/${c.a.clientId}/safety-flags`).set(...bearer(w.clinician)).send(body), 201);
      }
      expectStatus(await stepAction(ctx, w.clinician, id, 'accountability', 'activate'), 200);
    });

    it('an individual plan of a flagged client continues', async () => {
      const c = await portalCouple(ctx, w);
      const couplePlan = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
      await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { clientId: c.a.clientId });
      const individual = await stabilizedPlan(ctx, w.clinician, { clientId: c.a.clientId });
      await raiseIpv(ctx, w.clinician, c.a.clientId);
      expect((await stepAction(ctx, w.clinician, couplePlan, 'accountability', 'activate')).body.code).toBe('conjoint_work_paused');
      expectStatus(await stepAction(ctx, w.clinician, individual, 'accountability', 'activate'), 200);
      const plan = await getPlan(individual);
      expect(plan.conjointWorkPaused).toBe(false);
    });

    it('a flag raised straight in the database pauses just the same', async () => {
      const c = await portalCouple(ctx, w);
      const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
      await ctx.db.query(
        `INSERT INTO safety_flags (practice_id, client_id, kind, severity, status, raised_by, raised_at)
         VALUES ($1, $2, 'intimate_partner_violence', 'high', 'active', $3, now())`,
        [w.practice.practiceId, c.a.clientId, w.clinician.id],
      );
      expect((await stepAction(ctx, w.clinician, id, 'accountability', 'activate')).body.code).toBe('conjoint_work_paused');
    });
  });

  describe('rule 5: closing requires an outcome; separated is as valid as reconciled', () => {
    it.each([
      ['nothing', {}, ['outcome', 'summary']],
      ['no summary', { outcome: 'reconciled' }, ['summary']],
      ['a blank summary', { outcome: 'separated', summary: '   ' }, ['summary']],
      ['no outcome', { summary: 'We worked hard' }, ['outcome']],
      ['a null outcome', { outcome: null, summary: 'We worked hard' }, ['outcome']],
    ])('close with %s → 422 closing_requires_outcome; the plan stays open', async (_label, body, missing) => {
      const c = await portalCouple(ctx, w);
      const id = await activePlan(ctx, w.clinician, { coupleId: c.coupleId });
      const before = await planSnapshot(ctx, id);
      const res = expectStatus(await planAction(ctx, w.clinician, id, 'close', body), 422);
      expect(res.body).toMatchObject({ code: 'closing_requires_outcome', missing });
      expect(await planSnapshot(ctx, id)).toEqual(before);
    });

    it('an outcome that is not one of the four is bad input (400 naming outcome)', async () => {
      const c = await portalCouple(ctx, w);
      const id = await activePlan(ctx, w.clinician, { coupleId: c.coupleId });
      const res = expectStatus(await planAction(ctx, w.clinician, id, 'close', { outcome: 'failed', summary: 'x' }), 400);
      expect(res.body.message).toContain('outcome');
    });

    it('closing as separated: 200, closed with outcome separated, summary encrypted at rest; the plan then never changes', async () => {
      const c = await portalCouple(ctx, w);
      const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
      const summary = 'Both chose to part with care; co-parenting plan agreed';
      const res = expectStatus(await planAction(ctx, w.clinician, id, 'close', { outcome: 'separated', summary }), 200);
      expect(res.body).toMatchObject({ status: 'closed', outcome: 'separated', closingSummary: summary, closedBy: { id: w.clinician.id } });
      const [row] = await ctx.db.query(`SELECT * FROM treatment_plans WHERE id = $1`, [id]);
      expect(row).toMatchObject({ status: 'closed', outcome: 'separated', closed_by: w.clinician.id });
      expect(row.closing_summary_ciphertext).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain('co-parenting');
      expect((await events(ctx, id)).pop()).toMatchObject({ kind: 'plan_closed', from_state: 'active', to_state: 'closed', reason: 'separated' });

      const before = await planSnapshot(ctx, id);
      expect((await stepAction(ctx, w.clinician, id, 'accountability', 'activate')).body.code).toBe('plan_not_active');
      for (const action of ['activate', 'resume', 'close']) {
        expect((await planAction(ctx, w.clinician, id, action, action === 'close' ? { outcome: 'reconciled', summary: 'x' } : {})).status).toBe(409);
      }
      expect((await planAction(ctx, w.clinician, id, 'pause', { reason: 'x' })).body.code).toBe('plan_closed');
      expect(
        (await http(ctx).patch(`/v1/treatment-plans/${id}`).set(...bearer(w.clinician)).send({ version: row.version, presentingConcerns: 'x' })).body.code,
      ).toBe('plan_closed');
      expect(await planSnapshot(ctx, id)).toEqual(before);
    });
  });

  describe('steps change only on an active plan', () => {
    it('draft and paused plans refuse step changes with plan_not_active', async () => {
      const c = await portalCouple(ctx, w);
      const plan = await createPlan(ctx, w.clinician, { coupleId: c.coupleId });
      expect((await stepAction(ctx, w.clinician, plan.id, 'stabilization', 'activate')).body.code).toBe('plan_not_active');
      expectStatus(await planAction(ctx, w.clinician, plan.id, 'activate'), 200);
      expectStatus(await planAction(ctx, w.clinician, plan.id, 'pause', { reason: 'Holiday break' }), 200);
      expect((await stepAction(ctx, w.clinician, plan.id, 'stabilization', 'activate')).body.code).toBe('plan_not_active');
      expectStatus(await planAction(ctx, w.clinician, plan.id, 'resume'), 200);
      expectStatus(await stepAction(ctx, w.clinician, plan.id, 'stabilization', 'activate'), 200);
    });

    it('wrong transitions are conflicts (409), an unknown step is 404', async () => {
      const c = await portalCouple(ctx, w);
      const id = await activePlan(ctx, w.clinician, { coupleId: c.coupleId });
      expect((await stepAction(ctx, w.clinician, id, 'stabilization', 'complete')).body.code).toBe('step_state_conflict');
      expect((await stepAction(ctx, w.clinician, id, 'stabilization', 'reopen')).status).toBe(409);
      expectStatus(await stepAction(ctx, w.clinician, id, 'stabilization', 'activate'), 200);
      expect((await stepAction(ctx, w.clinician, id, 'stabilization', 'activate')).status).toBe(409);
      expectStatus(await stepAction(ctx, w.clinician, id, 'healing', 'activate'), 404);
      expectStatus(await stepAction(ctx, w.clinician, id, 'x'.repeat(90), 'activate'), 404);
    });
  });
});
