import type { Response } from 'supertest';
import { Actor, bearer, http } from '../factories';
import { addToCareTeam, insertCouple } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import type { TestContext } from '../setup/test-app';
import { insertPlan } from './check-ins.world';
import { buildPlanWorld, PlanWorld } from './treatment-plans.world';

export { insertPlan };
export type { PlanWorld };

/**
 * The world of the homework tests: the treatment-plan world (a clinician who owns the plans, a
 * colleague on the same care teams, a clinician on no team, the admin on no team, another
 * practice with its admin and clinician), couples whose partners each sign in to their portal,
 * and plans written straight to the database with the steps a test needs (the plans module
 * owns those endpoints).
 */
export const buildHomeworkWorld = buildPlanWorld;

export interface Partner {
  clientId: string;
  actor: Actor;
}

export interface HomeworkCouple {
  coupleId: string;
  /** The injured partner. */
  a: Partner;
  /** The involved partner. */
  b: Partner;
  /** An active plan with stabilization completed and accountability, transparency and validation active. */
  planId: string;
}

/** A couple on the clinician's and the colleague's care team with an active plan; a is injured, b involved. */
export async function homeworkCouple(
  ctx: TestContext,
  w: PlanWorld,
  opts: { policy?: 'no_secrets' | 'limited_secrets'; timezones?: [string, string]; names?: [string, string] } = {},
): Promise<HomeworkCouple> {
  const [na, nb] = opts.names ?? ['Alex Injured', 'Blair Involved'];
  const a = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, na);
  const b = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, nb);
  if (opts.timezones) {
    await ctx.db.query(`UPDATE clients SET timezone = $2 WHERE id = $1`, [a.clientId, opts.timezones[0]]);
    await ctx.db.query(`UPDATE clients SET timezone = $2 WHERE id = $1`, [b.clientId, opts.timezones[1]]);
  }
  const coupleId = await insertCouple(
    ctx,
    w.practice.practiceId,
    w.admin.id,
    [
      { clientId: a.clientId, role: 'injured' },
      { clientId: b.clientId, role: 'involved' },
    ],
    opts.policy ?? 'limited_secrets',
  );
  await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { coupleId });
  await addToCareTeam(ctx, w.practice.practiceId, w.colleague.id, { coupleId });
  const planId = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId }, 'active', {
    stabilization: 'completed',
    accountability: 'active',
    transparency: 'active',
    validation: 'active',
  });
  return { coupleId, a, b, planId };
}

/** A client (with a portal account) on the clinician's care team with an active individual plan. */
export async function individualClient(ctx: TestContext, w: PlanWorld, name = 'Casey Individual'): Promise<{ clientId: string; actor: Actor; planId: string }> {
  const c = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, name);
  await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { clientId: c.clientId });
  const planId = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { clientId: c.clientId }, 'active', { stabilization: 'active' });
  return { ...c, planId };
}

export function expectStatus(res: Response, status: number): Response {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res;
}

export const QUESTIONS = [
  { key: 'q1', kind: 'text', prompt: 'What did you notice this week?' },
  { key: 'q2', kind: 'scale_0_10', prompt: 'How safe did you feel?' },
  { key: 'q3', kind: 'choice', prompt: 'Did you keep the time-out agreement?', options: ['Yes', 'Partly', 'No'] },
  { key: 'q4', kind: 'checklist', prompt: 'What helped?', options: ['Walking', 'Breathing', 'Calling a friend'], required: false },
];

export const GOOD_ANSWERS = { q1: 'I noticed I slept better after our talk on Tuesday', q2: 7, q3: 'Partly', q4: ['Walking'] };

/** An ad-hoc one-off body for the couple's plan (accountability step, each partner), due in `hours`. */
export function adHoc(planId: string, over: Record<string, unknown> = {}, hours = 48): Record<string, unknown> {
  return {
    planId,
    stepKey: 'accountability',
    title: 'Weekly reflection',
    instructions: 'Write down, in your own words, one moment this week when you felt heard.',
    kind: 'journal',
    questions: QUESTIONS,
    dueAt: new Date(Date.now() + hours * 3_600_000).toISOString(),
    ...over,
  };
}

export function assign(ctx: TestContext, actor: Actor, body: object) {
  return http(ctx).post('/v1/homework').set(...bearer(actor)).send(body);
}

export async function assigned(ctx: TestContext, actor: Actor, body: object): Promise<Response['body']> {
  return expectStatus(await assign(ctx, actor, body), 201).body;
}

export function submit(ctx: TestContext, actor: Actor, instanceId: string, answers: unknown) {
  return http(ctx).post(`/v1/me/homework/${instanceId}/submission`).set(...bearer(actor)).send({ answers });
}

/** The library template of a library key (current framework). */
export async function libraryTemplate(ctx: TestContext, key: string): Promise<string> {
  const rows: Array<{ id: string }> = await ctx.db.query(
    `SELECT t.id FROM homework_templates t JOIN framework_versions v ON v.version = t.framework_version AND v.is_current WHERE t.library_key = $1`,
    [key],
  );
  if (!rows[0]) throw new Error(`no library template ${key}`);
  return rows[0].id;
}

/** Everything stored about the homework of a plan, to show a refused request changed nothing. */
export async function homeworkState(ctx: TestContext, planId: string): Promise<unknown> {
  return {
    assignments: await ctx.db.query(`SELECT * FROM homework_assignments WHERE plan_id = $1 ORDER BY created_at, id`, [planId]),
    assignees: await ctx.db.query(
      `SELECT x.* FROM homework_assignees x JOIN homework_assignments a ON a.id = x.assignment_id WHERE a.plan_id = $1 ORDER BY x.assignment_id, x.client_id`,
      [planId],
    ),
    instances: await ctx.db.query(
      `SELECT i.* FROM homework_instances i JOIN homework_assignments a ON a.id = i.assignment_id WHERE a.plan_id = $1 ORDER BY i.id`,
      [planId],
    ),
    submissions: await ctx.db.query(
      `SELECT s.* FROM homework_submissions s JOIN homework_instances i ON i.id = s.instance_id JOIN homework_assignments a ON a.id = i.assignment_id
        WHERE a.plan_id = $1 ORDER BY s.id`,
      [planId],
    ),
    notifications: await ctx.db.query(
      `SELECT n.id, n.state, n.reason, n.scheduled_for FROM notifications n JOIN homework_instances i ON i.id = n.subject_id
         JOIN homework_assignments a ON a.id = i.assignment_id WHERE a.plan_id = $1 ORDER BY n.id`,
      [planId],
    ),
  };
}

/** The notification rows about one instance. */
export function notificationsOf(ctx: TestContext, instanceId: string): Promise<Array<{ reason: string; state: string; channel: string; scheduled_for: Date; planned_for: Date; state_reason: string | null }>> {
  return ctx.db.query(`SELECT * FROM notifications WHERE subject_type = 'homework_instance' AND subject_id = $1 ORDER BY planned_for, channel`, [instanceId]);
}
