import { LOGIN_PER_ACCOUNT, LOGIN_PER_IP } from '../../src/modules/auth/throttle-rules';
import { createPractice, createStaff, http, login, PASSWORD, PracticeWorld, uniqueEmail } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { auditFor, expectRetryAfter, mailedToken } from './auth-helpers';

const WRONG = 'definitely not the password';

/**
 * Per-account sign-in limits. All of this file's failed logins also count against the one
 * per-IP limit (127.0.0.1), so it stays under LOGIN_PER_IP failures in total.
 */
describe('auth: per-account sign-in throttling', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'Throttle Practice');
  });
  afterAll(() => ctx?.close());

  it('the rules cap failures at no more than 100 per account per hour', () => {
    const windowsPerHour = Math.ceil(3600 / LOGIN_PER_ACCOUNT.windowSeconds);
    // A sliding window admits `limit` failures in any window-long span; an hour spans this many.
    expect(LOGIN_PER_ACCOUNT.limit * (windowsPerHour + 1)).toBeLessThanOrEqual(100);
    // This file's budget of IP-wide failures (4 lockouts) fits under the per-IP limit.
    expect(4 * LOGIN_PER_ACCOUNT.limit).toBeLessThan(LOGIN_PER_IP.limit);
  });

  it('of 120 wrong passwords fired in concurrent bursts, at most the limit are evaluated; the rest get 429', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    const statuses: number[] = [];
    for (let burst = 0; burst < 10; burst++) {
      const results = await Promise.all(Array.from({ length: 12 }, () => login(ctx, clinician.email, WRONG)));
      for (const r of results) {
        statuses.push(r.status);
        if (r.status === 429) expectRetryAfter(r, LOGIN_PER_ACCOUNT.windowSeconds);
      }
    }
    const evaluated = statuses.filter((s) => s === 401).length;
    expect(statuses).toHaveLength(120);
    expect(evaluated).toBeLessThanOrEqual(LOGIN_PER_ACCOUNT.limit);
    expect(evaluated).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 429)).toHaveLength(120 - evaluated);

    // The audit trail agrees: only that many passwords were ever checked.
    const events = await auditFor(ctx, clinician.id, 'auth.login');
    expect(events.filter((e) => e.reason === 'bad_credentials')).toHaveLength(evaluated);
    expect(events.filter((e) => e.reason === 'throttled')).toHaveLength(120 - evaluated);
    expect(events.every((e) => e.outcome === 'denied')).toBe(true);
  });

  it('after the limit of wrong passwords the account is locked: 429 + Retry-After, even for the right password', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    for (let i = 0; i < LOGIN_PER_ACCOUNT.limit; i++) {
      const res = await login(ctx, clinician.email, WRONG);
      expect({ attempt: i + 1, status: res.status }).toEqual({ attempt: i + 1, status: 401 });
    }
    const locked = await login(ctx, clinician.email, WRONG);
    const wait = expectRetryAfter(locked, LOGIN_PER_ACCOUNT.windowSeconds);
    expect(wait).toBeGreaterThan(LOGIN_PER_ACCOUNT.windowSeconds - 120);

    const right = await login(ctx, clinician.email, PASSWORD);
    expectRetryAfter(right, LOGIN_PER_ACCOUNT.windowSeconds);
    expect(right.body.accessToken).toBeUndefined();
    // The same account typed another way is the same account.
    expectRetryAfter(await login(ctx, `  ${clinician.email.toUpperCase()} `, PASSWORD), LOGIN_PER_ACCOUNT.windowSeconds);

    // Other accounts, from the same address, are not locked.
    expect((await login(ctx, world.admin.email, PASSWORD)).status).toBe(200);
  });

  it('an unknown email locks the same way, so a 429 does not reveal whether the account exists', async () => {
    const nobody = uniqueEmail('nobody');
    for (let i = 0; i < LOGIN_PER_ACCOUNT.limit; i++) expect((await login(ctx, nobody, WRONG)).status).toBe(401);
    expectRetryAfter(await login(ctx, nobody, WRONG), LOGIN_PER_ACCOUNT.windowSeconds);
  });

  it('a password reset lifts the lock: the new password signs in at once', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    for (let i = 0; i < LOGIN_PER_ACCOUNT.limit; i++) await login(ctx, clinician.email, WRONG);
    expect((await login(ctx, clinician.email, PASSWORD)).status).toBe(429);

    const seen = ctx.mail.messages.length;
    await http(ctx).post('/v1/auth/password-reset/request').send({ email: clinician.email }).expect(202);
    const token = await mailedToken(ctx, clinician.email, /reset/i, seen);
    const newPassword = 'after the storm, calm seas';
    await http(ctx).post('/v1/auth/password-reset/confirm').send({ token, password: newPassword }).expect(204);
    expect((await login(ctx, clinician.email, newPassword)).status).toBe(200);
  });

  it('changing the password while signed in shares the account limit', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_PER_ACCOUNT.limit; i++) {
      const res = await http(ctx)
        .post('/v1/me/password')
        .set('Authorization', `Bearer ${clinician.accessToken}`)
        .send({ currentPassword: WRONG, newPassword: 'a brand new passphrase' });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, LOGIN_PER_ACCOUNT.limit).every((s) => s === 403)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expectRetryAfter(await login(ctx, clinician.email, PASSWORD), LOGIN_PER_ACCOUNT.windowSeconds);
  });
});
