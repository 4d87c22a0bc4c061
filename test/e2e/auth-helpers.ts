/**
 * Helpers shared by the auth-*.e2e-spec.ts files: TOTP codes at chosen time steps, forged
 * access tokens, and direct reads of what the API wrote.
 */
import { JwtService } from '@nestjs/jwt';
import { authenticator } from 'otplib';
import type request from 'supertest';
import { hashPassword } from '../../src/common/security/passwords';
import { bearer, http, uniqueEmail } from '../factories';
import type { TestContext } from '../setup/test-app';

export const STEP_MS = 30_000;

export const currentStep = (): number => Math.floor(Date.now() / STEP_MS);

/** The TOTP code of one 30-second time step. */
export function codeAtStep(secret: string, step: number): string {
  return authenticator.clone({ epoch: step * STEP_MS }).generate(secret);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A code the server has not seen: for a step after `lastUsedStep`, waiting for the clock when
 * the next unused step is still more than one step (the accepted drift) in the future.
 */
export async function unusedCode(secret: string, lastUsedStep: number): Promise<{ code: string; step: number }> {
  const step = Math.max(lastUsedStep + 1, currentStep());
  while (step > currentStep() + 1) await sleep(250);
  return { code: codeAtStep(secret, step), step };
}

export interface Claims {
  sub: string;
  pid: string;
  sid: string;
  iss?: string;
  aud?: string;
  iat?: number;
  exp?: number;
}

export function decodeClaims(accessToken: string): Claims {
  return JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as Claims;
}

/** Signs claims as-is (exp included) with the given secret and algorithm. */
export function signToken(claims: Claims, secret: string, algorithm: 'HS256' | 'HS512' = 'HS256'): string {
  return new JwtService({ secret }).sign({ ...claims }, { algorithm });
}

export function unsignedToken(claims: Claims): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims)}.`;
}

/** A client portal account written straight to the database (no client API exists yet). */
export async function insertClientUser(ctx: TestContext, practiceId: string, password: string): Promise<{ id: string; email: string }> {
  const email = uniqueEmail('client');
  const rows: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO users (practice_id, email, full_name, role, status, password_hash, password_changed_at)
     VALUES ($1, $2, 'A client', 'client', 'active', $3, now()) RETURNING id`,
    [practiceId, email, await hashPassword(password)],
  );
  return { id: rows[0].id, email };
}

export interface AuditRow {
  action: string;
  outcome: 'allowed' | 'denied';
  reason: string | null;
  actor_user_id: string | null;
  practice_id: string | null;
  resource_type: string;
  resource_id: string | null;
  ip: string | null;
}

export async function auditFor(ctx: TestContext, userId: string, action: string): Promise<AuditRow[]> {
  await ctx.flushAudit();
  return ctx.db.query(
    `SELECT action, outcome, reason, actor_user_id, practice_id, resource_type, resource_id, ip
       FROM audit_events WHERE actor_user_id = $1 AND action = $2 ORDER BY id`,
    [userId, action],
  );
}

/**
 * The token of the newest mail to `to` whose subject matches, waiting for it to arrive (mail
 * may be sent after the response). Pass `after` = messages already seen, to skip older mail.
 */
export async function mailedToken(ctx: TestContext, to: string, subject: RegExp, after = 0, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mail = ctx.mail.messages.slice(after).reverse().find((m) => m.to.includes(to) && subject.test(m.subject));
    const token = mail && /token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    if (token) return token;
    if (Date.now() > deadline) throw new Error(`no mail for ${to} matching ${subject}`);
    await sleep(25);
  }
}

/** 200 when the access token still opens a session. */
export async function meStatus(ctx: TestContext, accessToken: string): Promise<number> {
  return (await http(ctx).get('/v1/me').set(...bearer({ accessToken }))).status;
}

export async function refreshStatus(ctx: TestContext, refreshToken: string): Promise<number> {
  return (await http(ctx).post('/v1/auth/refresh').send({ refreshToken })).status;
}

/** Asserts a 429 in the API's error shape with an integer Retry-After, and returns it. */
export function expectRetryAfter(res: request.Response, maxSeconds: number): number {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'too_many_requests' });
  const header = res.headers['retry-after'];
  expect(header).toMatch(/^\d+$/);
  const seconds = Number(header);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(maxSeconds);
  return seconds;
}
