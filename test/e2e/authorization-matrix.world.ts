import { randomBytes } from 'node:crypto';
import { Actor, bearer, createPractice, createStaff, http, PracticeWorld, uniqueEmail } from '../factories';
import { addToCareTeam, insertClient, insertCouple } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import type { TestContext } from '../setup/test-app';
import { createPlan, expectStatus, planAction, stepAction } from './treatment-plans.world';

/** A client with a portal account. */
export interface PortalPerson {
  clientId: string;
  fullName: string;
  /** Each partner lives in a different zone, so an answer shows whose record it read. */
  timezone: string;
  actor: Actor;
}

/**
 * The cast of the authorization matrix. Practice A has an admin (on no care team), the assigned
 * clinician (on the care team of every clinical record the matrix touches), a colleague (a second
 * clinician who joins teams so that one member can be removed), an unassigned clinician (on no
 * care team, ever), and a couple whose partners both have portal accounts: partner A is the
 * `client` column, partner B the `partner` column, each in a time zone of their own. Practice B has only its admin.
 */
export interface MatrixWorld {
  a: PracticeWorld & {
    clinician: Actor;
    colleague: Actor;
    unassigned: Actor;
    client: PortalPerson;
    partner: PortalPerson;
    coupleId: string;
  };
  b: PracticeWorld;
}

async function portalPerson(ctx: TestContext, a: PracticeWorld, fullName: string, timezone: string): Promise<PortalPerson> {
  const { clientId, actor } = await createPortalClient(ctx, a.practiceId, a.admin.id, fullName);
  await ctx.db.query(`UPDATE clients SET timezone = $1 WHERE id = $2`, [timezone, clientId]);
  return { clientId, fullName, timezone, actor };
}

export async function buildMatrixWorld(ctx: TestContext): Promise<MatrixWorld> {
  const a = await createPractice(ctx, 'Practice A');
  const clinician = await createStaff(ctx, a, 'clinician');
  const colleague = await createStaff(ctx, a, 'clinician');
  const unassigned = await createStaff(ctx, a, 'clinician');
  const client = await portalPerson(ctx, a, `Avery Quillfeather ${tag()}`, 'Europe/Lisbon');
  const partner = await portalPerson(ctx, a, `Blake Quillfeather ${tag()}`, 'Asia/Tokyo');
  const coupleId = await insertCouple(ctx, a.practiceId, a.admin.id, [
    { clientId: client.clientId, role: 'injured' },
    { clientId: partner.clientId, role: 'involved' },
  ]);
  await addToCareTeam(ctx, a.practiceId, clinician.id, { coupleId });
  const b = await createPractice(ctx, 'Practice B');
  return { a: { ...a, clinician, colleague, unassigned, client, partner, coupleId }, b };
}

/** A short random tag that makes a name findable by search and unmistakable in a response body. */
export function tag(): string {
  return randomBytes(4).toString('hex');
}

/** A client of practice A with the assigned clinician (and any others given) on its own care team. */
export async function newClient(
  ctx: TestContext,
  w: MatrixWorld,
  over: { email?: boolean; archived?: boolean; alsoOnTeam?: Actor[] } = {},
): Promise<{ id: string; fullName: string }> {
  const fullName = `Matrix Client ${tag()}`;
  const id = await insertClient(ctx, w.a.practiceId, w.a.admin.id, { fullName, email: over.email ? uniqueEmail('matrix-client') : undefined });
  for (const member of [w.a.clinician, ...(over.alsoOnTeam ?? [])]) await addToCareTeam(ctx, w.a.practiceId, member.id, { clientId: id }, w.a.admin.id);
  if (over.archived) await ctx.db.query(`UPDATE clients SET status = 'archived', archived_at = now() WHERE id = $1`, [id]);
  return { id, fullName };
}

/** Two clients of practice A formed into a couple with the assigned clinician (and any others given) on its care team. */
export async function newCouple(ctx: TestContext, w: MatrixWorld, alsoOnTeam: Actor[] = []): Promise<{ id: string; partnerIds: [string, string] }> {
  const first = await insertClient(ctx, w.a.practiceId, w.a.admin.id, { fullName: `Matrix Partner ${tag()}` });
  const second = await insertClient(ctx, w.a.practiceId, w.a.admin.id, { fullName: `Matrix Partner ${tag()}` });
  const id = await insertCouple(ctx, w.a.practiceId, w.a.admin.id, [
    { clientId: first, role: 'injured' },
    { clientId: second, role: 'involved' },
  ]);
  for (const member of [w.a.clinician, ...alsoOnTeam]) await addToCareTeam(ctx, w.a.practiceId, member.id, { coupleId: id }, w.a.admin.id);
  return { id, partnerIds: [first, second] };
}

let soon = 0;
let later = 0;
const HOUR = 3_600_000;

function slotAt(start: number): { startsAt: string; endsAt: string } {
  return { startsAt: new Date(start).toISOString(), endsAt: new Date(start + 50 * 60_000).toISOString() };
}

/**
 * A free hour of the assigned clinician. `soon` slots lie in the next day (ahead of every other
 * session, so they lead the portal's upcoming list); the others start a week ahead.
 */
export function nextSlot(kind: 'soon' | 'later' = 'later'): { startsAt: string; endsAt: string } {
  const base = Math.ceil(Date.now() / HOUR) * HOUR;
  if (kind === 'soon') {
    soon += 1;
    if (soon > 20) throw new Error('out of soon slots');
    return slotAt(base + (1 + soon) * HOUR);
  }
  later += 1;
  return slotAt(base + 7 * 24 * HOUR + later * HOUR);
}

/** Books a session of the assigned clinician through the API; returns its id and version. */
export async function book(
  ctx: TestContext,
  w: MatrixWorld,
  subject: { coupleId: string } | { clientId: string },
  when: 'soon' | 'later' = 'later',
): Promise<{ id: string; version: number }> {
  const body =
    'coupleId' in subject ? { kind: 'couple', coupleId: subject.coupleId } : { kind: 'individual', participantClientIds: [subject.clientId] };
  const res = await http(ctx)
    .post('/v1/sessions')
    .set(...bearer(w.a.clinician))
    .send({ ...body, ...nextSlot(when), timezone: 'America/New_York', location: 'Room 1' });
  if (res.status !== 201) throw new Error(`booking answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { id: res.body.id as string, version: res.body.version as number };
}

export const DAP = {
  data: 'Partners reviewed the week; one disclosure conversation held.',
  assessment: 'Stabilising; some defensiveness from the involved partner.',
  plan: 'Continue the transparency agreement; check-ins daily.',
};

/** Writes a complete DAP draft on the session as the assigned clinician (version 1). */
export async function writeNote(ctx: TestContext, w: MatrixWorld, sessionId: string): Promise<void> {
  await http(ctx).put(`/v1/sessions/${sessionId}/note`).set(...bearer(w.a.clinician)).send({ form: 'dap', sections: DAP }).expect(201);
}

export async function signNote(ctx: TestContext, w: MatrixWorld, sessionId: string): Promise<void> {
  await http(ctx).post(`/v1/sessions/${sessionId}/note/sign`).set(...bearer(w.a.clinician)).send({ version: 1 }).expect(200);
}

/** Raises a low-severity flag on the client as the assigned clinician (it pauses nothing). */
export async function raiseFlag(ctx: TestContext, w: MatrixWorld, clientId: string): Promise<string> {
  const res = await http(ctx)
    .post(`/v1/clients/${clientId}/safety-flags`)
    .set(...bearer(w.a.clinician))
    .send({ kind: 'substance_use', severity: 'low', note: 'Mentions drinking more since the discovery.' })
    .expect(201);
  return res.body.id as string;
}

/** Creates or rotates the clinician's calendar feed; returns the secret token. */
export async function rotateFeed(ctx: TestContext, clinician: Actor): Promise<string> {
  const res = await http(ctx).post('/v1/me/calendar-feed').set(...bearer(clinician)).send({}).expect(201);
  const m = /^\/v1\/calendar\/([A-Za-z0-9_-]+)\.ics$/.exec(res.body.path as string);
  if (!m) throw new Error(`unexpected feed path ${res.body.path}`);
  return m[1];
}

// ── Treatment plans, goals, check-ins and agreements (issue 4) ────────────────────────────

/** A plan made through the API by the assigned clinician, with the clinical text it holds. */
export interface MatrixPlan {
  id: string;
  coupleId: string | null;
  clientId: string | null;
  /** The plan's version now (for PATCH). */
  version: number;
  /** Presenting concerns: clinical text, for the care team only. */
  concerns: string;
  /** The reason given for its last step change (shown in the plan, its history and progress), if any. */
  reason: string | null;
}

/** How far a plan has come: its status, and for an active plan where stabilization stands. */
export type PlanStage = 'draft' | 'active' | 'paused' | 'stabilizing' | 'stabilized';


/**
 * A plan of the assigned clinician for the subject (default: a fresh couple with the assigned
 * clinician, and any others given, on its care team), brought to the stage asked for.
 */
export async function newPlan(
  ctx: TestContext,
  w: MatrixWorld,
  stage: PlanStage,
  over: { alsoOnTeam?: Actor[]; subject?: { coupleId: string } | { clientId: string } } = {},
): Promise<MatrixPlan> {
  const subject = over.subject ?? { coupleId: (await newCouple(ctx, w, over.alsoOnTeam ?? [])).id };
  const concerns = `Presenting concerns ${tag()}: discovered messages; both want to try.`;
  const as = w.a.clinician;
  const id = (await createPlan(ctx, as, { ...subject, presentingConcerns: concerns })).id as string;
  let reason: string | null = null;
  if (stage !== 'draft') expectStatus(await planAction(ctx, as, id, 'activate'), 200);
  if (stage === 'paused') expectStatus(await planAction(ctx, as, id, 'pause', { reason: 'Family emergency; resuming next month' }), 200);
  if (stage === 'stabilizing' || stage === 'stabilized') {
    reason = `Safety plan agreed ${tag()}`;
    expectStatus(await stepAction(ctx, as, id, 'stabilization', 'activate', { reason }), 200);
  }
  if (stage === 'stabilized') {
    reason = `Stable for three weeks ${tag()}`;
    expectStatus(await stepAction(ctx, as, id, 'stabilization', 'complete', { reason }), 200);
  }
  const [{ version }]: Array<{ version: number }> = await ctx.db.query(`SELECT version FROM treatment_plans WHERE id = $1`, [id]);
  return {
    id,
    coupleId: 'coupleId' in subject ? subject.coupleId : null,
    clientId: 'clientId' in subject ? subject.clientId : null,
    version,
    concerns,
    reason,
  };
}

/** The portal couple's plans: their couple plan and each partner's own individual plan, all in progress. */
export interface PortalPlans {
  couple: MatrixPlan;
  client: MatrixPlan;
  partner: MatrixPlan;
}

const portalPlansOf = new WeakMap<MatrixWorld, Promise<PortalPlans>>();

/**
 * Made once per world: the couple's plan (transparency under way) and an individual plan for
 * each partner (the assigned clinician joins each partner's own care team to start it).
 */
export function portalPlans(ctx: TestContext, w: MatrixWorld): Promise<PortalPlans> {
  let made = portalPlansOf.get(w);
  if (!made) {
    made = (async () => {
      const couple = await newPlan(ctx, w, 'stabilized', { subject: { coupleId: w.a.coupleId } });
      const individual = async (p: PortalPerson) => {
        await addToCareTeam(ctx, w.a.practiceId, w.a.clinician.id, { clientId: p.clientId }, w.a.admin.id);
        return newPlan(ctx, w, 'stabilizing', { subject: { clientId: p.clientId } });
      };
      return { couple, client: await individual(w.a.client), partner: await individual(w.a.partner) };
    })();
    portalPlansOf.set(w, made);
  }
  return made;
}

/** A goal with one objective, added by the assigned clinician; its title and objective are clinical text. */
export async function newGoal(ctx: TestContext, w: MatrixWorld, planId: string): Promise<{ id: string; title: string; objectiveId: string; objective: string }> {
  const title = `Rebuild a daily rhythm ${tag()}`;
  const objective = `Check in on 5 of 7 days ${tag()}`;
  const res = expectStatus(
    await http(ctx)
      .post(`/v1/treatment-plans/${planId}/goals`)
      .set(...bearer(w.a.clinician))
      .send({ title, stepKey: 'stabilization', objectives: [{ description: objective, metric: 'checkin_days', params: { daysPerWeek: 5, weeks: 4 } }] }),
    201,
  );
  return { id: res.body.id as string, title, objectiveId: res.body.objectives[0].id as string, objective };
}

/** A check-in through the portal account of the person; returns its id and its free text. */
export async function checkIn(
  ctx: TestContext,
  person: PortalPerson,
  over: { feelsUnsafe?: boolean } = {},
): Promise<{ id: string; freeText: string }> {
  const freeText = `Private check-in words ${tag()}`;
  const res = expectStatus(
    await http(ctx)
      .post('/v1/me/check-ins')
      .set(...bearer(person.actor))
      .send({ trust: 4, safety: over.feelsUnsafe ? 1 : 6, connection: 5, mood: 2, agreementsKept: 'partly', feelsUnsafe: over.feelsUnsafe ?? false, freeText }),
    201,
  );
  return { id: res.body.id as string, freeText };
}

/** A transparency agreement of the couple, written by the assigned clinician (revision 1, version 1). */
export async function newAgreement(ctx: TestContext, w: MatrixWorld, coupleId: string): Promise<{ id: string; title: string; item: string }> {
  const title = `Phone open on request ${tag()}`;
  const item = `Location shared with each other for 90 days ${tag()}`;
  const reviewOn = new Date(Date.now() + 30 * 24 * 3_600_000).toISOString().slice(0, 10);
  const res = expectStatus(
    await http(ctx)
      .post('/v1/agreements')
      .set(...bearer(w.a.clinician))
      .send({ coupleId, stepKey: 'transparency', kind: 'transparency', title, items: [item], reviewOn }),
    201,
  );
  return { id: res.body.id as string, title, item };
}

/** A homework template of practice A's own (tenant data, unlike the framework's starter library); returns its title. */
export async function insertPracticeTemplate(ctx: TestContext, w: MatrixWorld): Promise<string> {
  const title = `Practice A's own worksheet ${tag()}`;
  await ctx.db.query(
    `INSERT INTO homework_templates (practice_id, framework_version, step_key, title, instructions, kind, audience, default_cadence, questions, created_by)
     VALUES ($1, 1, 'transparency', $2, 'Write down one thing you held back this week.', 'worksheet', 'each', 'once', '[]', $3)`,
    [w.a.practiceId, title, w.a.clinician.id],
  );
  return title;
}
