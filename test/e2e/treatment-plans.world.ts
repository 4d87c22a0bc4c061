import type { Response } from 'supertest';
import { Actor, bearer, createPractice, createStaff, http, PracticeWorld } from '../factories';
import { addToCareTeam, insertClient, insertCouple } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import type { TestContext } from '../setup/test-app';

/**
 * The world of the treatment-plan tests: a practice with a clinician who owns the plans, a
 * colleague on the same care teams, a clinician on no team, the admin (on no team), and another
 * practice with its own admin and clinician. Partners each have their own portal account.
 */
export interface PlanWorld {
  practice: PracticeWorld;
  admin: Actor;
  clinician: Actor;
  colleague: Actor;
  unassigned: Actor;
  other: PracticeWorld;
  otherClinician: Actor;
}

export interface Partner {
  clientId: string;
  actor: Actor;
}

export interface PortalCouple {
  coupleId: string;
  a: Partner;
  b: Partner;
}

export const STEP_KEYS = ['stabilization', 'accountability', 'transparency', 'validation', 'consistency', 'boundaries', 'root_cause', 'intimacy', 'forgiveness'];

export async function buildPlanWorld(ctx: TestContext, name: string): Promise<PlanWorld> {
  const practice = await createPractice(ctx, name);
  const clinician = await createStaff(ctx, practice, 'clinician');
  const colleague = await createStaff(ctx, practice, 'clinician');
  const unassigned = await createStaff(ctx, practice, 'clinician');
  const other = await createPractice(ctx, `${name} Elsewhere`);
  const otherClinician = await createStaff(ctx, other, 'clinician');
  return { practice, admin: practice.admin, clinician, colleague, unassigned, other, otherClinician };
}

/** A couple on the clinician's (and the colleague's) care team; a is injured, b involved; both have portal accounts. */
export async function portalCouple(ctx: TestContext, w: PlanWorld, names: [string, string] = ['Alex Injured', 'Blair Involved']): Promise<PortalCouple> {
  const a = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, names[0]);
  const b = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, names[1]);
  const coupleId = await insertCouple(ctx, w.practice.practiceId, w.admin.id, [
    { clientId: a.clientId, role: 'injured' },
    { clientId: b.clientId, role: 'involved' },
  ]);
  await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { coupleId });
  await addToCareTeam(ctx, w.practice.practiceId, w.colleague.id, { coupleId });
  return { coupleId, a, b };
}

/** A client (no portal account) on the clinician's care team, for individual plans. */
export async function myClient(ctx: TestContext, w: PlanWorld, fullName = 'Casey Individual'): Promise<string> {
  const clientId = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName });
  await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { clientId });
  return clientId;
}

export function expectStatus(res: Response, status: number): Response {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}

export async function createPlan(ctx: TestContext, actor: Actor, body: Record<string, unknown>): Promise<Response['body']> {
  return expectStatus(await http(ctx).post('/v1/treatment-plans').set(...bearer(actor)).send(body), 201).body;
}

export function planAction(ctx: TestContext, actor: Actor, planId: string, action: string, body: Record<string, unknown> = {}) {
  return http(ctx).post(`/v1/treatment-plans/${planId}/${action}`).set(...bearer(actor)).send(body);
}

export function stepAction(ctx: TestContext, actor: Actor, planId: string, stepKey: string, action: string, body: Record<string, unknown> = {}) {
  return http(ctx).post(`/v1/treatment-plans/${planId}/steps/${stepKey}/${action}`).set(...bearer(actor)).send(body);
}

/** A created and activated plan. */
export async function activePlan(ctx: TestContext, actor: Actor, subject: { coupleId?: string; clientId?: string }): Promise<string> {
  const plan = await createPlan(ctx, actor, subject);
  expectStatus(await planAction(ctx, actor, plan.id, 'activate'), 200);
  return plan.id as string;
}

/** An active plan whose stabilization is completed, so later steps may activate. */
export async function stabilizedPlan(ctx: TestContext, actor: Actor, subject: { coupleId?: string; clientId?: string }): Promise<string> {
  const id = await activePlan(ctx, actor, subject);
  expectStatus(await stepAction(ctx, actor, id, 'stabilization', 'activate'), 200);
  expectStatus(await stepAction(ctx, actor, id, 'stabilization', 'complete'), 200);
  return id;
}

/** A readiness answer written straight to check_ins at a chosen instant (the check-ins module owns the endpoint). */
export async function insertReadiness(
  ctx: TestContext,
  practiceId: string,
  c: { clientId: string; coupleId: string | null; answer: 'ready' | 'not_yet' | null; at: Date },
): Promise<void> {
  await ctx.db.query(
    `INSERT INTO check_ins (practice_id, client_id, couple_id, submitted_at, local_date, trust, safety, connection, mood, forgiveness_readiness)
     VALUES ($1, $2, $3, $4, $4::timestamptz::date, 6, 6, 6, 3, $5)`,
    [practiceId, c.clientId, c.coupleId, c.at, c.answer],
  );
}

export function minutesAgo(n: number): Date {
  return new Date(Date.now() - n * 60_000);
}

/** Everything of the plan a refused request must leave untouched. */
export async function planSnapshot(ctx: TestContext, planId: string): Promise<{ plan: unknown; steps: unknown[]; events: unknown[] }> {
  const [plan] = await ctx.db.query(`SELECT * FROM treatment_plans WHERE id = $1`, [planId]);
  const steps = await ctx.db.query(`SELECT * FROM plan_steps WHERE plan_id = $1 ORDER BY position`, [planId]);
  const events = await ctx.db.query(`SELECT * FROM plan_events WHERE plan_id = $1 ORDER BY id`, [planId]);
  return { plan, steps, events };
}

export async function stepStates(ctx: TestContext, planId: string): Promise<Record<string, string>> {
  const rows: Array<{ step_key: string; state: string }> = await ctx.db.query(`SELECT step_key, state FROM plan_steps WHERE plan_id = $1`, [planId]);
  return Object.fromEntries(rows.map((r) => [r.step_key, r.state]));
}

export async function events(ctx: TestContext, planId: string): Promise<Array<Response['body']>> {
  return ctx.db.query(`SELECT * FROM plan_events WHERE plan_id = $1 ORDER BY occurred_at, id`, [planId]);
}

/** Raises a high-severity IPV flag on a partner through the safety-flags API; returns its id. */
export async function raiseIpv(ctx: TestContext, clinician: Actor, clientId: string): Promise<string> {
  const res = expectStatus(
    await http(ctx).post(`/v1/clients/${clientId}/safety-flags`).set(...bearer(clinician)).send({ kind: 'intimate_partner_violence', severity: 'high' }),
    201,
  );
  return res.body.id as string;
}

export async function resolveFlag(ctx: TestContext, clinician: Actor, clientId: string, flagId: string): Promise<void> {
  expectStatus(await http(ctx).post(`/v1/clients/${clientId}/safety-flags/${flagId}/resolve`).set(...bearer(clinician)).send({}), 200);
}
