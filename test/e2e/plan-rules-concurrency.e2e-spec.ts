import { bearer, http } from '../factories';
import { addToCareTeam, insertClient } from '../factories/clinical';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildPlanWorld, events, expectStatus, PlanWorld, portalCouple, stabilizedPlan, stepAction, stepStates } from './treatment-plans.world';

/**
 * The rules under concurrent requests: every change takes the plan's row lock first, so changes
 * to one plan serialize and each sees the state the previous one left; the one-open-plan rule is
 * the partial unique index's.
 */
describe('treatment plans under concurrent requests', () => {
  let ctx: TestContext;
  let w: PlanWorld;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildPlanWorld(ctx, 'Race Practice');
  });
  afterAll(() => ctx?.close());

  /** Each step's events chain: every change starts from the state the previous one left. */
  async function expectConsistentHistory(planId: string): Promise<void> {
    const ev = (await events(ctx, planId)).filter((e) => e.step_key !== null);
    const last = new Map<string, string>();
    for (const e of ev) {
      expect(e.from_state).toBe(last.get(e.step_key) ?? 'not_started');
      last.set(e.step_key, e.to_state);
    }
    const states = await stepStates(ctx, planId);
    for (const [key, state] of last) expect(states[key]).toBe(state);
    // Ids and times grow together: the order of the history is the order of the changes.
    const all = await events(ctx, planId);
    const byId = [...all].sort((a, b) => Number(a.id) - Number(b.id));
    expect(all.map((e) => e.id)).toEqual(byId.map((e) => e.id));
  }

  it('two different step changes at once both land, with a consistent history', async () => {
    const c = await portalCouple(ctx, w);
    const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
    const [t, v] = await Promise.all([
      stepAction(ctx, w.clinician, id, 'transparency', 'activate'),
      stepAction(ctx, w.colleague, id, 'validation', 'activate'),
    ]);
    expect([t.status, v.status]).toEqual([200, 200]);
    expect(await stepStates(ctx, id)).toMatchObject({ transparency: 'active', validation: 'active' });
    const ev = await events(ctx, id);
    expect(ev.filter((e) => e.kind === 'step_activated' && ['transparency', 'validation'].includes(e.step_key))).toHaveLength(2);
    await expectConsistentHistory(id);
  });

  it('ten parallel activations of one step: exactly one succeeds and one step_activated event is written', async () => {
    const c = await portalCouple(ctx, w);
    const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => stepAction(ctx, i % 2 ? w.colleague : w.clinician, id, 'accountability', 'activate')),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('step_state_conflict');
    const activated = (await events(ctx, id)).filter((e) => e.kind === 'step_activated' && e.step_key === 'accountability');
    expect(activated).toHaveLength(1);
    await expectConsistentHistory(id);
  });

  it('complete and waive of one active step at once: one wins, the other is refused, the history chains', async () => {
    const c = await portalCouple(ctx, w);
    const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
    expectStatus(await stepAction(ctx, w.clinician, id, 'boundaries', 'activate'), 200);
    const [done, waived] = await Promise.all([
      stepAction(ctx, w.clinician, id, 'boundaries', 'complete'),
      stepAction(ctx, w.colleague, id, 'boundaries', 'waive', { reason: 'Covered by the transparency agreement' }),
    ]);
    expect([done.status, waived.status].sort()).toEqual([200, 409]);
    await expectConsistentHistory(id);
  });

  it('a step change racing a pause: whichever commits first, the other sees it', async () => {
    for (let i = 0; i < 3; i++) {
      const c = await portalCouple(ctx, w);
      const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
      const [step, pause] = await Promise.all([
        stepAction(ctx, w.clinician, id, 'transparency', 'activate'),
        http(ctx).post(`/v1/treatment-plans/${id}/pause`).set(...bearer(w.colleague)).send({ reason: 'Break' }),
      ]);
      expect(pause.status).toBe(200);
      const states = await stepStates(ctx, id);
      if (step.status === 200) {
        expect(states.transparency).toBe('active');
      } else {
        expect(step.body.code).toBe('plan_not_active');
        expect(states.transparency).toBe('not_started');
      }
      await expectConsistentHistory(id);
    }
  });

  it('two parallel plan creations for one couple: one 201, one 409; one plan', async () => {
    const c = await portalCouple(ctx, w);
    const results = await Promise.all([
      http(ctx).post('/v1/treatment-plans').set(...bearer(w.clinician)).send({ coupleId: c.coupleId }),
      http(ctx).post('/v1/treatment-plans').set(...bearer(w.colleague)).send({ coupleId: c.coupleId }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const conflict = results.find((r) => r.status === 409)!;
    expect(conflict.body).toMatchObject({ code: 'plan_already_open', field: 'coupleId' });
    const plans = await ctx.db.query(`SELECT id FROM treatment_plans WHERE couple_id = $1`, [c.coupleId]);
    expect(plans).toHaveLength(1);
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM plan_steps WHERE plan_id = $1`, [plans[0].id]);
    expect(n).toBe(9);
  });

  it('five parallel plan creations for one client: one 201, four 409', async () => {
    const clientId = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName: 'Racing Client' });
    await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { clientId });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => http(ctx).post('/v1/treatment-plans').set(...bearer(w.clinician)).send({ clientId })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM treatment_plans WHERE client_id = $1`, [clientId]);
    expect(n).toBe(1);
    // No orphan rows from the refused ones.
    const [{ events: e }] = await ctx.db.query(
      `SELECT count(*)::int AS events FROM plan_events e JOIN treatment_plans tp ON tp.id = e.plan_id WHERE tp.client_id = $1`,
      [clientId],
    );
    expect(e).toBe(1);
  });
});
