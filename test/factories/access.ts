import { authenticator } from 'otplib';
import type { TestContext } from '../setup/test-app';
import { Actor, bearer, http, login, PracticeWorld, uniqueEmail } from './index';

/** An invited staff member who has not accepted yet (status 'invited'). */
export interface InvitedUser {
  id: string;
  email: string;
}

export async function inviteOnly(ctx: TestContext, world: PracticeWorld, role: 'admin' | 'clinician' = 'clinician'): Promise<InvitedUser> {
  const email = uniqueEmail(`invited-${role}`);
  const res = await http(ctx).post('/v1/users').set(...bearer(world.admin)).send({ email, role }).expect(201);
  return { id: res.body.id as string, email };
}

/** A new session for an existing account, so a test may end it without touching the actor's main one. */
export async function freshSession(ctx: TestContext, actor: Actor): Promise<Actor> {
  const res = await login(ctx, actor.email, actor.password);
  if (res.status !== 200) throw new Error(`login for ${actor.email} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { ...actor, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
}

/** The number of mails the catcher holds for `to` so far; pass it to nextMail to wait for a newer one. */
export function mailCount(ctx: TestContext, to: string): number {
  return ctx.mail.messages.filter((m) => m.to.includes(to)).length;
}

/** Waits for a mail to `to` newer than the first `since` ones, and returns its token link parameter. */
export async function nextMailToken(ctx: TestContext, to: string, since: number, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mails = ctx.mail.messages.filter((m) => m.to.includes(to));
    if (mails.length > since) {
      const m = /token=([A-Za-z0-9_-]+)/.exec(mails[mails.length - 1].text);
      if (!m) throw new Error('no token in mail');
      return m[1];
    }
    if (Date.now() > deadline) throw new Error(`no new mail for ${to} within ${timeoutMs}ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A TOTP code for the secret at now + offsetSeconds (the server accepts one step either side). */
export function totpCode(secret: string, offsetSeconds = 0): string {
  return authenticator.clone({ epoch: Date.now() + offsetSeconds * 1000 }).generate(secret);
}

/** Starts and confirms TOTP for the actor; returns the secret and the recovery codes. */
export async function enrolTotp(ctx: TestContext, actor: Actor): Promise<{ secret: string; recoveryCodes: string[] }> {
  const begun = await http(ctx).post('/v1/me/totp').set(...bearer(actor)).send({ password: actor.password }).expect(201);
  const secret = begun.body.secret as string;
  const confirmed = await http(ctx).post('/v1/me/totp/confirm').set(...bearer(actor)).send({ code: totpCode(secret) }).expect(200);
  return { secret, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}

/**
 * Everything of one practice that a request could change (audit rows excepted: they append).
 * Two snapshots that compare equal mean the request left the practice untouched.
 */
export async function snapshotPractice(ctx: TestContext, practiceId: string): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => ctx.db.query(sql, [practiceId]) as Promise<unknown[]>;
  /** A tenant-owned table, every row of the practice in a stable order. */
  const owned = (table: string, order = 'id') => q(`SELECT * FROM ${table} WHERE practice_id = $1 ORDER BY ${order}`);
  const tables = {
    practices: q(`SELECT * FROM practices WHERE id = $1`),
    users: owned('users'),
    sessions: owned('auth_sessions'),
    refreshTokens: q(`SELECT r.* FROM refresh_tokens r JOIN auth_sessions s ON s.id = r.session_id WHERE s.practice_id = $1 ORDER BY r.id`),
    userTokens: owned('user_tokens'),
    recoveryCodes: q(`SELECT c.* FROM totp_recovery_codes c JOIN users u ON u.id = c.user_id WHERE u.practice_id = $1 ORDER BY c.id`),
    clients: owned('clients'),
    couples: owned('couples'),
    coupleMembers: owned('couple_members', 'couple_id, client_id'),
    careTeamMembers: owned('care_team_members'),
    safetyFlags: owned('safety_flags'),
    clinicalSessions: owned('clinical_sessions'),
    sessionParticipants: owned('session_participants', 'session_id, client_id'),
    clinicalNotes: owned('clinical_notes'),
    clinicalNoteAddenda: owned('clinical_note_addenda'),
    calendarFeeds: owned('calendar_feeds'),
    treatmentPlans: owned('treatment_plans'),
    planSteps: owned('plan_steps', 'plan_id, step_key'),
    planEvents: owned('plan_events'),
    planGoals: owned('plan_goals'),
    planObjectives: owned('plan_objectives'),
    checkIns: owned('check_ins'),
    agreements: owned('agreements'),
    agreementRevisions: owned('agreement_revisions'),
    agreementAcknowledgements: owned('agreement_acknowledgements', 'agreement_id, revision, client_id'),
    notifications: owned('notifications'),
    notificationDeliveries: owned('notification_deliveries', 'notification_id'),
    webhookEndpoints: owned('webhook_endpoints', 'practice_id'),
    homeworkTemplates: owned('homework_templates'),
    homeworkAssignments: owned('homework_assignments'),
    homeworkAssignees: owned('homework_assignees', 'assignment_id, client_id'),
    homeworkInstances: owned('homework_instances'),
    homeworkSubmissions: owned('homework_submissions'),
  };
  const rows = await Promise.all(Object.values(tables));
  return Object.fromEntries(Object.keys(tables).map((name, i) => [name, rows[i]]));
}
