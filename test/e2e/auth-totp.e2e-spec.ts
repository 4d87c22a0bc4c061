import { authenticator } from 'otplib';
import { LOGIN_PER_ACCOUNT } from '../../src/modules/auth/throttle-rules';
import { Actor, bearer, createPractice, createStaff, http, login, PASSWORD, PracticeWorld } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { codeAtStep, currentStep, expectRetryAfter, insertClientUser, unusedCode } from './auth-helpers';

interface Enrolled {
  actor: Actor;
  secret: string;
  recoveryCodes: string[];
  /** The last time step the server accepted a code for. */
  lastStep: number;
}

/**
 * TOTP second factor. A code is accepted one step either side of now, and never for a step at
 * or before the last one accepted, so each user here can sign in with a code at most once per
 * 30 seconds; tests use their own users instead of waiting.
 */
describe('auth: TOTP', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'TOTP Practice');
  });
  afterAll(() => ctx?.close());

  async function lastStepOf(userId: string): Promise<number> {
    const [row] = await ctx.db.query(`SELECT totp_last_step FROM users WHERE id = $1`, [userId]);
    return Number(row.totp_last_step);
  }

  async function enrolled(role: 'admin' | 'clinician' = 'clinician'): Promise<Enrolled> {
    const actor = await createStaff(ctx, world, role);
    const begin = await http(ctx).post('/v1/me/totp').set(...bearer(actor)).send({ password: PASSWORD }).expect(201);
    const secret = begin.body.secret as string;
    const res = await http(ctx).post('/v1/me/totp/confirm').set(...bearer(actor)).send({ code: authenticator.generate(secret) }).expect(200);
    return { actor, secret, recoveryCodes: res.body.recoveryCodes, lastStep: await lastStepOf(actor.id) };
  }

  /** Signs in with a code the server has not seen yet, and records its step. */
  async function loginWithCode(u: Enrolled) {
    const { code, step } = await unusedCode(u.secret, u.lastStep);
    const res = await login(ctx, u.actor.email, PASSWORD, { totpCode: code });
    if (res.status === 200) u.lastStep = step;
    return { res, code };
  }

  describe('enrolment', () => {
    it('begin gives a secret; a wrong code does not confirm; a right one returns 10 single-use recovery codes', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const begin = await http(ctx).post('/v1/me/totp').set(...bearer(clinician)).send({ password: PASSWORD }).expect(201);
      const secret = begin.body.secret as string;
      expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
      expect(begin.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Kintsugi:/);
      expect(begin.body.otpauthUrl).toContain(`secret=${secret}`);
      const [stored] = await ctx.db.query(`SELECT totp_secret, totp_enabled_at FROM users WHERE id = $1`, [clinician.id]);
      expect(stored.totp_secret).not.toContain(secret);
      expect(stored.totp_enabled_at).toBeNull();

      const wrongCode = codeAtStep(secret, currentStep() + 5);
      const wrong = await http(ctx).post('/v1/me/totp/confirm').set(...bearer(clinician)).send({ code: wrongCode }).expect(403);
      expect(wrong.body.message).toMatch(/^code:/);
      // Not on yet: password alone still signs in.
      expect((await login(ctx, clinician.email)).status).toBe(200);

      const res = await http(ctx).post('/v1/me/totp/confirm').set(...bearer(clinician)).send({ code: authenticator.generate(secret) }).expect(200);
      const codes: string[] = res.body.recoveryCodes;
      expect(codes).toHaveLength(10);
      expect(new Set(codes).size).toBe(10);
      for (const c of codes) expect(c).toMatch(/^[0-9a-f]{5}-[0-9a-f]{5}$/);
      const hashes: Array<{ code_hash: string }> = await ctx.db.query(`SELECT code_hash FROM totp_recovery_codes WHERE user_id = $1`, [clinician.id]);
      expect(hashes).toHaveLength(10);
      for (const h of hashes) expect(codes).not.toContain(h.code_hash.trim());

      const me = await http(ctx).get('/v1/me').set(...bearer(clinician)).expect(200);
      expect(me.body.totpEnabled).toBe(true);
      // Enrolling again, or confirming again, is a conflict, not a reset of the secret.
      await http(ctx).post('/v1/me/totp').set(...bearer(clinician)).send({ password: PASSWORD }).expect(409);
      await http(ctx).post('/v1/me/totp/confirm').set(...bearer(clinician)).send({ code: authenticator.generate(secret) }).expect(409);
    });

    it('an access token alone cannot start enrolment: the password is required, and wrong ones count toward the lockout', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const missing = await http(ctx).post('/v1/me/totp').set(...bearer(clinician)).send({}).expect(400);
      expect(missing.body.message).toContain('password:');
      for (let i = 0; i < 10; i += 1) {
        await http(ctx).post('/v1/me/totp').set(...bearer(clinician)).send({ password: 'not the password at all' }).expect(403);
      }
      const [stored] = await ctx.db.query(`SELECT totp_secret FROM users WHERE id = $1`, [clinician.id]);
      expect(stored.totp_secret).toBeNull();
      // The account's sign-in limit is spent: even the right password now waits.
      const locked = await http(ctx).post('/v1/me/totp').set(...bearer(clinician)).send({ password: PASSWORD }).expect(429);
      expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
      expect((await login(ctx, clinician.email)).status).toBe(429);
    });

    it('guessing codes with a stolen access token is throttled like sign-in', async () => {
      const u = await enrolled();
      let refused = 0;
      for (let i = 0; i < 12; i += 1) {
        const res = await http(ctx).post('/v1/me/totp/recovery-codes').set(...bearer(u.actor)).send({ code: codeAtStep(u.secret, currentStep() + 20 + i) });
        if (res.status === 429) refused += 1;
        else expect(res.status).toBe(403);
      }
      expect(refused).toBeGreaterThanOrEqual(2);
    });

    it('confirm before begin is a conflict; a malformed code is 400 naming the field', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      await http(ctx).post('/v1/me/totp/confirm').set(...bearer(clinician)).send({ code: '123456' }).expect(409);
      const bad = await http(ctx).post('/v1/me/totp/confirm').set(...bearer(clinician)).send({ code: '12ab56' }).expect(400);
      expect(bad.body.message).toContain('code:');
    });

    it('client portal accounts cannot enrol (TOTP is for staff)', async () => {
      const client = await insertClientUser(ctx, world.practiceId, PASSWORD);
      const signedIn = await login(ctx, client.email);
      expect(signedIn.status).toBe(200);
      await http(ctx).post('/v1/me/totp').set(...bearer(signedIn.body)).send({ password: PASSWORD }).expect(403);
    });
  });

  describe('login with TOTP', () => {
    it('needs a code (401 totp_required), refuses a wrong one, accepts a right one', async () => {
      const u = await enrolled();
      const noCode = await login(ctx, u.actor.email);
      expect(noCode.status).toBe(401);
      expect(noCode.body).toMatchObject({ statusCode: 401, code: 'totp_required' });
      expect(noCode.body.accessToken).toBeUndefined();

      const wrong = await login(ctx, u.actor.email, PASSWORD, { totpCode: codeAtStep(u.secret, currentStep() + 7) });
      expect(wrong.status).toBe(401);
      expect(wrong.body.code).toBe('invalid_totp');
      expect(wrong.body.accessToken).toBeUndefined();

      const { res } = await loginWithCode(u);
      expect(res.status).toBe(200);
      await http(ctx).get('/v1/me').set(...bearer(res.body)).expect(200);
    });

    it('a wrong password with a right code is 401 and does not use up the code', async () => {
      const u = await enrolled();
      const { code } = await unusedCode(u.secret, u.lastStep);
      const res = await login(ctx, u.actor.email, 'not the password here', { totpCode: code });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
      expect((await login(ctx, u.actor.email, PASSWORD, { totpCode: code })).status).toBe(200);
    });

    it('a code cannot be replayed for a second login', async () => {
      const u = await enrolled();
      const { res, code } = await loginWithCode(u);
      expect(res.status).toBe(200);
      const replay = await login(ctx, u.actor.email, PASSWORD, { totpCode: code });
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('invalid_totp');
      // Nor the older code of a step already passed (the one used to confirm enrolment).
      const older = await login(ctx, u.actor.email, PASSWORD, { totpCode: codeAtStep(u.secret, u.lastStep - 1) });
      expect(older.status).toBe(401);
    });

    it('the same code sent by two concurrent logins signs in only once', async () => {
      const u = await enrolled();
      const { code } = await unusedCode(u.secret, u.lastStep);
      const results = await Promise.all([0, 1, 2].map(() => login(ctx, u.actor.email, PASSWORD, { totpCode: code })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
    });

    it('a recovery code works once, instead of a code; others stay valid', async () => {
      const u = await enrolled();
      const [first, second] = u.recoveryCodes;
      const res = await login(ctx, u.actor.email, PASSWORD, { recoveryCode: first });
      expect(res.status).toBe(200);
      await http(ctx).get('/v1/me').set(...bearer(res.body)).expect(200);
      const again = await login(ctx, u.actor.email, PASSWORD, { recoveryCode: first });
      expect(again.status).toBe(401);
      expect(again.body.code).toBe('invalid_totp');
      // Typed in capitals it is the same code.
      expect((await login(ctx, u.actor.email, PASSWORD, { recoveryCode: second.toUpperCase() })).status).toBe(200);
      const [used] = await ctx.db.query(`SELECT count(*)::int AS n FROM totp_recovery_codes WHERE user_id = $1 AND used_at IS NOT NULL`, [u.actor.id]);
      expect(used.n).toBe(2);
    });

    it('the same recovery code sent by concurrent logins signs in only once', async () => {
      const u = await enrolled();
      const code = u.recoveryCodes[3];
      const results = await Promise.all([0, 1, 2].map(() => login(ctx, u.actor.email, PASSWORD, { recoveryCode: code })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
    });

    it('another user’s recovery code or code does not work', async () => {
      const a = await enrolled();
      const b = await enrolled();
      expect((await login(ctx, a.actor.email, PASSWORD, { recoveryCode: b.recoveryCodes[0] })).status).toBe(401);
      const { code } = await unusedCode(b.secret, b.lastStep);
      expect((await login(ctx, a.actor.email, PASSWORD, { totpCode: code })).status).toBe(401);
    });

    it('wrong codes count as failed sign-ins: after the limit, even the right password and code get 429', async () => {
      const u = await enrolled();
      const { code } = await unusedCode(u.secret, u.lastStep);
      let wrongStep = currentStep() + 10;
      for (let i = 0; i < LOGIN_PER_ACCOUNT.limit; i++) {
        const res = await login(ctx, u.actor.email, PASSWORD, { totpCode: codeAtStep(u.secret, wrongStep++) });
        expect(res.status).toBe(401);
      }
      const locked = await login(ctx, u.actor.email, PASSWORD, { totpCode: code });
      expectRetryAfter(locked, LOGIN_PER_ACCOUNT.windowSeconds);
      // Password-only probing (which answers totp_required) is locked too.
      expectRetryAfter(await login(ctx, u.actor.email), LOGIN_PER_ACCOUNT.windowSeconds);
    });
  });

  describe('recovery codes and disabling', () => {
    it('regenerating needs a current code; the old codes stop working, the new ones work', async () => {
      const u = await enrolled();
      await http(ctx).post('/v1/me/totp/recovery-codes').set(...bearer(u.actor)).send({ code: codeAtStep(u.secret, currentStep() + 9) }).expect(403);
      const { code } = await unusedCode(u.secret, u.lastStep);
      const res = await http(ctx).post('/v1/me/totp/recovery-codes').set(...bearer(u.actor)).send({ code }).expect(200);
      const fresh: string[] = res.body.recoveryCodes;
      expect(fresh).toHaveLength(10);
      expect(fresh.some((c) => u.recoveryCodes.includes(c))).toBe(false);
      expect((await login(ctx, u.actor.email, PASSWORD, { recoveryCode: u.recoveryCodes[0] })).status).toBe(401);
      expect((await login(ctx, u.actor.email, PASSWORD, { recoveryCode: fresh[0] })).status).toBe(200);
      // The code used to regenerate cannot then be used to sign in.
      expect((await login(ctx, u.actor.email, PASSWORD, { totpCode: code })).status).toBe(401);
    });

    it('disabling needs the password and a code; a refused attempt burns nothing', async () => {
      const u = await enrolled();
      const disable = (body: Record<string, string>) => http(ctx).post('/v1/me/totp/disable').set(...bearer(u.actor)).send(body);
      const { code } = await unusedCode(u.secret, u.lastStep);
      const recovery = u.recoveryCodes[0];

      await disable({ password: PASSWORD }).expect(403);
      await disable({ password: 'not the password here', code }).expect(403);
      await disable({ password: 'not the password here', recoveryCode: recovery }).expect(403);
      await disable({ password: PASSWORD, code: codeAtStep(u.secret, currentStep() + 8) }).expect(403);
      const [still] = await ctx.db.query(`SELECT totp_enabled_at FROM users WHERE id = $1`, [u.actor.id]);
      expect(still.totp_enabled_at).not.toBeNull();
      expect((await login(ctx, u.actor.email)).body.code).toBe('totp_required');

      // The recovery code offered with a wrong password was not spent by that refusal.
      await disable({ password: PASSWORD, recoveryCode: recovery }).expect(204);
      const me = await http(ctx).get('/v1/me').set(...bearer(u.actor)).expect(200);
      expect(me.body.totpEnabled).toBe(false);
      const [row] = await ctx.db.query(
        `SELECT totp_secret, totp_enabled_at, (SELECT count(*)::int FROM totp_recovery_codes WHERE user_id = $1) AS codes FROM users WHERE id = $1`,
        [u.actor.id],
      );
      expect(row).toEqual({ totp_secret: null, totp_enabled_at: null, codes: 0 });
      // Password alone signs in again.
      expect((await login(ctx, u.actor.email)).status).toBe(200);
    });

    it('disabling with a current code works', async () => {
      const u = await enrolled('admin');
      const { code } = await unusedCode(u.secret, u.lastStep);
      await http(ctx).post('/v1/me/totp/disable').set(...bearer(u.actor)).send({ password: PASSWORD, code }).expect(204);
      expect((await login(ctx, u.actor.email)).status).toBe(200);
    });
  });
});
