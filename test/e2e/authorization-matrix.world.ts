import { randomBytes } from 'node:crypto';
import { Actor, bearer, createPractice, createStaff, http, PracticeWorld, uniqueEmail } from '../factories';
import { addToCareTeam, insertClient, insertCouple } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import type { TestContext } from '../setup/test-app';

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
