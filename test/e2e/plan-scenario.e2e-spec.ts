import { Actor, bearer, http } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildPlanWorld, createPlan, expectStatus, planAction, PlanWorld, portalCouple, stepAction } from './treatment-plans.world';

/**
 * Two couples walked through the framework end to end with the real endpoints: plans, steps,
 * and the partners' own check-ins through the portal. One heals together, one heals apart —
 * both close with an outcome the product treats as equally valid.
 */
describe('plan scenarios: from stabilization to a closed plan', () => {
  let ctx: TestContext;
  let w: PlanWorld;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildPlanWorld(ctx, 'Scenario Practice');
  });
  afterAll(() => ctx?.close());

  const step = async (planId: string, key: string, action: string, body: Record<string, unknown> = {}, actor: Actor = w.clinician) =>
    expectStatus(await stepAction(ctx, actor, planId, key, action, body), 200).body;

  const checkIn = (partner: Actor, body: Record<string, unknown>) =>
    http(ctx)
      .post('/v1/me/check-ins')
      .set(...bearer(partner))
      .send({ trust: 6, safety: 7, connection: 6, mood: 3, ...body });

  const stateOf = (plan: { steps: Array<{ key: string; state: string }> }) => Object.fromEntries(plan.steps.map((s) => [s.key, s.state]));

  it('couple one heals together: stabilization → … → intimacy → both ready → forgiveness → closed reconciled', async () => {
    const c = await portalCouple(ctx, w, ['Jamie Injured', 'Morgan Involved']);
    const plan = await createPlan(ctx, w.clinician, {
      coupleId: c.coupleId,
      presentingConcerns: 'Eight-month emotional affair disclosed after discovery of messages',
    });
    expectStatus(await planAction(ctx, w.clinician, plan.id, 'activate'), 200);

    // Stabilization first, and only stabilization.
    await step(plan.id, 'stabilization', 'activate', { reason: 'Crisis after discovery; safety plan and time-out rule' });
    expect((await stepAction(ctx, w.clinician, plan.id, 'accountability', 'activate')).body.code).toBe('stabilization_first');
    await step(plan.id, 'stabilization', 'complete', { reason: 'No contact confirmed; both willing to do the work' });

    await step(plan.id, 'accountability', 'activate');
    await step(plan.id, 'accountability', 'complete', { reason: 'Accountability letter read in session' });

    // Transparency and validation run together, changed by both clinicians on the team.
    await step(plan.id, 'transparency', 'activate');
    let current = await step(plan.id, 'validation', 'activate', {}, w.colleague);
    expect(current.activeSteps).toEqual(['transparency', 'validation']);
    await step(plan.id, 'transparency', 'complete');
    await step(plan.id, 'validation', 'complete', {}, w.colleague);

    for (const key of ['consistency', 'boundaries', 'root_cause']) {
      await step(plan.id, key, 'activate');
      await step(plan.id, key, 'complete');
    }

    // Before intimacy is active, readiness is not even asked.
    expect((await checkIn(c.a.actor, { forgivenessReadiness: 'ready' })).status).toBe(422);
    await step(plan.id, 'intimacy', 'activate', { reason: 'Weekly ritual of connection started' });

    // The injured partner is not ready yet; the involved partner is. Forgiveness waits.
    expectStatus(await checkIn(c.a.actor, { forgivenessReadiness: 'not_yet' }), 201);
    expectStatus(await checkIn(c.b.actor, { forgivenessReadiness: 'ready' }), 201);
    let refused = await stepAction(ctx, w.clinician, plan.id, 'forgiveness', 'activate', { confirmReadiness: true });
    expect(refused.body.code).toBe('forgiveness_readiness');
    await step(plan.id, 'intimacy', 'complete');

    // Weeks later, the injured partner says they are ready. Still nothing moves by itself.
    expectStatus(await checkIn(c.a.actor, { forgivenessReadiness: 'ready', trust: 8, connection: 8 }), 201);
    current = expectStatus(await http(ctx).get(`/v1/treatment-plans/${plan.id}`).set(...bearer(w.clinician)), 200).body;
    expect(current.forgivenessReadiness.allReady).toBe(true);
    expect(stateOf(current).forgiveness).toBe('not_started');
    refused = await stepAction(ctx, w.clinician, plan.id, 'forgiveness', 'activate');
    expect(refused.body.code).toBe('forgiveness_readiness');

    current = await step(plan.id, 'forgiveness', 'activate', { confirmReadiness: true, reason: 'Both ready; confirmed in a joint session' });
    expect(stateOf(current).forgiveness).toBe('active');
    await step(plan.id, 'forgiveness', 'complete', { reason: 'Decision made freely by both: together' });

    const closed = expectStatus(
      await planAction(ctx, w.clinician, plan.id, 'close', { outcome: 'reconciled', summary: 'Rebuilt trust together; renewed commitment' }),
      200,
    ).body;
    expect(closed).toMatchObject({ status: 'closed', outcome: 'reconciled', stepsDone: 9, stepsTotal: 9, activeSteps: [] });
    expect(Object.values(stateOf(closed))).toEqual(Array(9).fill('completed'));

    const history = expectStatus(await http(ctx).get(`/v1/treatment-plans/${plan.id}/history`).set(...bearer(w.clinician)).query({ limit: 100 }), 200).body
      .data as Array<{ kind: string; stepKey: string | null; reason: string | null; actor: { id: string } }>;
    expect(history[0].kind).toBe('plan_created');
    expect(history[history.length - 1]).toMatchObject({ kind: 'plan_closed', reason: 'reconciled', actor: { id: w.clinician.id } });
    expect(history.filter((e) => e.kind === 'step_completed').map((e) => e.stepKey)).toEqual([
      'stabilization',
      'accountability',
      'transparency',
      'validation',
      'consistency',
      'boundaries',
      'root_cause',
      'intimacy',
      'forgiveness',
    ]);
    expect(history.find((e) => e.kind === 'step_activated' && e.stepKey === 'validation')!.actor.id).toBe(w.colleague.id);
    expect(history.find((e) => e.kind === 'step_activated' && e.stepKey === 'forgiveness')!.reason).toBe('Both ready; confirmed in a joint session');

    // The partners no longer see a plan in progress; a new plan may start for the couple later.
    expect(expectStatus(await http(ctx).get('/v1/me/plan').set(...bearer(c.a.actor)), 200).body.data).toEqual([]);
  });

  it('couple two heals apart: forgiveness never reached, closed separated after root cause — a first-class outcome', async () => {
    const c = await portalCouple(ctx, w, ['Riley Injured', 'Sam Involved']);
    const plan = await createPlan(ctx, w.clinician, { coupleId: c.coupleId, presentingConcerns: 'Hidden debts and a second phone' });
    expectStatus(await planAction(ctx, w.clinician, plan.id, 'activate'), 200);

    await step(plan.id, 'stabilization', 'activate');
    await step(plan.id, 'stabilization', 'complete');
    await step(plan.id, 'accountability', 'activate');
    await step(plan.id, 'transparency', 'activate');
    await step(plan.id, 'accountability', 'complete');
    await step(plan.id, 'transparency', 'complete');
    await step(plan.id, 'validation', 'waive', { reason: 'Folded into transparency sessions' });
    await step(plan.id, 'consistency', 'activate');
    await step(plan.id, 'consistency', 'complete');
    await step(plan.id, 'boundaries', 'activate');
    await step(plan.id, 'boundaries', 'complete');
    await step(plan.id, 'root_cause', 'activate');

    // The partner sees the plan's progress through the portal, not the clinical reasons.
    const mine = expectStatus(await http(ctx).get('/v1/me/plan').set(...bearer(c.b.actor)), 200);
    expect(mine.body.data[0].steps.find((s: { key: string }) => s.key === 'validation').state).toBe('waived');
    expect(mine.text).not.toContain('Folded');

    await step(plan.id, 'root_cause', 'complete', { reason: 'Both can name the pattern; they choose to part' });
    // Forgiveness was never reached: the couple decided their future apart.
    await step(plan.id, 'intimacy', 'waive', { reason: 'Couple decided to separate' });
    await step(plan.id, 'forgiveness', 'waive', { reason: 'Couple decided to separate' });

    const closed = expectStatus(
      await planAction(ctx, w.clinician, plan.id, 'close', { outcome: 'separated', summary: 'Separated with care; co-parenting agreement in place' }),
      200,
    ).body;
    expect(closed).toMatchObject({
      status: 'closed',
      outcome: 'separated',
      closingSummary: 'Separated with care; co-parenting agreement in place',
      stepsDone: 9,
    });
    expect(stateOf(closed)).toMatchObject({ root_cause: 'completed', intimacy: 'waived', forgiveness: 'waived' });

    // Separated is listed and filtered exactly like any other closed plan.
    const listed = expectStatus(await http(ctx).get('/v1/treatment-plans').set(...bearer(w.clinician)).query({ status: 'closed', coupleId: c.coupleId }), 200).body
      .data;
    expect(listed).toEqual([expect.objectContaining({ id: plan.id, outcome: 'separated', status: 'closed' })]);
  });
});
