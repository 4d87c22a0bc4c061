import { hashPassword } from '../../src/common/security/passwords';
import { Actor, createPractice, createStaff, login, PASSWORD, PracticeWorld, uniqueEmail } from '../factories';
import { addToCareTeam, insertClient, insertCouple } from '../factories/clinical';
import type { TestContext } from '../setup/test-app';

/**
 * The cast of the sessions, notes and calendar tests: a practice with an admin, a clinician on
 * the care team of a couple (partners A and B, each with a portal account) and of an individual
 * client, a clinician on no care team, and another practice's admin.
 */
export interface SessionsWorld {
  practice: PracticeWorld;
  admin: Actor;
  clinician: Actor;
  unassigned: Actor;
  otherAdmin: Actor;
  partnerA: { clientId: string; portal: Actor };
  partnerB: { clientId: string; portal: Actor };
  coupleId: string;
  soloClientId: string;
}

/** A client portal account, made straight in the database (the invite flow belongs to clients). */
export async function createPortalAccount(ctx: TestContext, practiceId: string, clientId: string): Promise<Actor> {
  const email = uniqueEmail('client');
  const rows: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO users (practice_id, email, full_name, password_hash, role, status) VALUES ($1, $2, 'Portal Person', $3, 'client', 'active') RETURNING id`,
    [practiceId, email, await hashPassword(PASSWORD)],
  );
  await ctx.db.query(`UPDATE clients SET portal_user_id = $1 WHERE id = $2`, [rows[0].id, clientId]);
  const res = await login(ctx, email);
  if (res.status !== 200) throw new Error(`portal login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    id: rows[0].id,
    email,
    password: PASSWORD,
    role: 'client',
    accessToken: res.body.accessToken,
    refreshToken: res.body.refreshToken,
    practiceId,
  };
}

export async function buildSessionsWorld(ctx: TestContext): Promise<SessionsWorld> {
  const practice = await createPractice(ctx, 'Sessions Practice');
  const other = await createPractice(ctx, 'Other Practice');
  const clinician = await createStaff(ctx, practice, 'clinician');
  const unassigned = await createStaff(ctx, practice, 'clinician');
  const a = await insertClient(ctx, practice.practiceId, practice.admin.id, { fullName: 'Avery Quill', preferredName: 'Avery' });
  const b = await insertClient(ctx, practice.practiceId, practice.admin.id, { fullName: 'Blake Quill' });
  const solo = await insertClient(ctx, practice.practiceId, practice.admin.id, { fullName: 'Sol Oakes' });
  const coupleId = await insertCouple(ctx, practice.practiceId, practice.admin.id, [
    { clientId: a, role: 'injured' },
    { clientId: b, role: 'involved' },
  ]);
  await addToCareTeam(ctx, practice.practiceId, clinician.id, { coupleId });
  await addToCareTeam(ctx, practice.practiceId, clinician.id, { clientId: solo });
  return {
    practice,
    admin: practice.admin,
    clinician,
    unassigned,
    otherAdmin: other.admin,
    partnerA: { clientId: a, portal: await createPortalAccount(ctx, practice.practiceId, a) },
    partnerB: { clientId: b, portal: await createPortalAccount(ctx, practice.practiceId, b) },
    coupleId,
    soloClientId: solo,
  };
}

/** A slot `days` from now at a whole hour, as ISO instants. */
export function slot(days: number, hour = 15, minutes = 50): { startsAt: string; endsAt: string } {
  const start = new Date(Date.now() + days * 86_400_000);
  start.setUTCHours(hour, 0, 0, 0);
  return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + minutes * 60_000).toISOString() };
}
