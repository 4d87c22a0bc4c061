import { bearer, createPractice, createStaff, http, login, PASSWORD, PracticeWorld, uniqueEmail } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { decodeClaims, meStatus, signToken, unsignedToken } from './auth-helpers';

describe('auth: login and access tokens', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'Login Practice');
  });
  afterAll(() => ctx?.close());

  describe('login', () => {
    it('the right password gives a working token pair', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const res = await login(ctx, clinician.email);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: ctx.config.ACCESS_TOKEN_TTL_SECONDS });
      expect(res.body.totpEnrolmentRequired).toBeUndefined();
      expect(new Date(res.body.refreshExpiresAt).getTime()).toBeGreaterThan(Date.now() + 86_400_000);
      const me = await http(ctx).get('/v1/me').set(...bearer(res.body)).expect(200);
      expect(me.body).toMatchObject({ id: clinician.id, role: 'clinician', practice: { id: world.practiceId } });
      const [user] = await ctx.db.query(`SELECT last_login_at FROM users WHERE id = $1`, [clinician.id]);
      expect(Date.now() - new Date(user.last_login_at).getTime()).toBeLessThan(60_000);
    });

    it('each login is its own session', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const a = await login(ctx, clinician.email);
      const b = await login(ctx, clinician.email);
      expect(decodeClaims(a.body.accessToken).sid).not.toBe(decodeClaims(b.body.accessToken).sid);
      expect(a.body.refreshToken).not.toBe(b.body.refreshToken);
    });

    it('a wrong password and an unknown email get the same 401', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const wrong = await login(ctx, clinician.email, 'not the password at all');
      const unknown = await login(ctx, uniqueEmail('nobody'), PASSWORD);
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body).toEqual(unknown.body);
      expect(wrong.body).toMatchObject({ statusCode: 401, code: 'invalid_credentials' });
      expect(wrong.body.accessToken).toBeUndefined();
      // A password that differs only in case is a wrong password.
      expect((await login(ctx, clinician.email, PASSWORD.toUpperCase())).status).toBe(401);
    });

    it('a deactivated user gets the same 401 even with the right password', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(world.admin)).send({ status: 'deactivated' }).expect(200);
      const res = await login(ctx, clinician.email);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('invalid_credentials');
      expect(res.body.accessToken).toBeUndefined();
    });

    it('bad input is 400 naming the field, not a login attempt', async () => {
      const res = await http(ctx).post('/v1/auth/login').send({ email: 'not-an-email', password: PASSWORD }).expect(400);
      expect(res.body.message).toContain('email:');
      const extra = await http(ctx).post('/v1/auth/login').send({ email: world.admin.email, password: PASSWORD, practiceId: world.practiceId }).expect(400);
      expect(extra.body.message).toContain('practiceId:');
      const code = await http(ctx).post('/v1/auth/login').send({ email: world.admin.email, password: PASSWORD, totpCode: '12345' }).expect(400);
      expect(code.body.message).toContain('totpCode:');
    });

    it('a suspended practice: login with the right password is 403, and its live tokens stop working', async () => {
      const other = await createPractice(ctx, 'To Be Suspended');
      const clinician = await createStaff(ctx, other, 'clinician');
      expect(await meStatus(ctx, clinician.accessToken)).toBe(200);

      await ctx.db.query(`UPDATE practices SET status = 'suspended' WHERE id = $1`, [other.practiceId]);
      const res = await login(ctx, clinician.email);
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ statusCode: 403, code: 'practice_suspended' });
      expect(res.body.accessToken).toBeUndefined();
      // The wrong password still answers 401: the 403 is reserved for proven credentials.
      expect((await login(ctx, clinician.email, 'not the password at all')).status).toBe(401);

      expect(await meStatus(ctx, clinician.accessToken)).toBe(401);
      expect(await meStatus(ctx, other.admin.accessToken)).toBe(401);
      // A refresh may not mint a token that works in a suspended practice.
      await http(ctx).post('/v1/auth/refresh').send({ refreshToken: clinician.refreshToken }).expect(401);

      // Another practice is untouched.
      expect(await meStatus(ctx, world.admin.accessToken)).toBe(200);

      await ctx.db.query(`UPDATE practices SET status = 'active' WHERE id = $1`, [other.practiceId]);
      expect((await login(ctx, clinician.email)).status).toBe(200);
    });
  });

  describe('access tokens', () => {
    it('a forged or stale token is 401; the same claims, properly signed, work (control)', async () => {
      const res = await login(ctx, world.admin.email);
      const claims = decodeClaims(res.body.accessToken);
      expect(claims).toMatchObject({ sub: world.admin.id, pid: world.practiceId, iss: 'kintsugi', aud: 'kintsugi-api' });
      const now = Math.floor(Date.now() / 1000);
      const secret = ctx.config.JWT_SECRET;
      const fresh = { ...claims, iat: now, exp: now + 300 };

      const control = signToken(fresh, secret);
      expect(await meStatus(ctx, control)).toBe(200);

      const forged: Array<[string, string]> = [
        ['expired', signToken({ ...claims, iat: now - 3600, exp: now - 60 }, secret)],
        ['signed with another secret', signToken(fresh, 'another-secret-that-is-long-enough-0123456789')],
        ['alg none', unsignedToken(fresh)],
        ['alg none with an empty signature dropped', unsignedToken(fresh).slice(0, -1)],
        ['HS512 with the right secret', signToken(fresh, secret, 'HS512')],
        ['another issuer', signToken({ ...fresh, iss: 'someone-else' }, secret)],
        ['another audience', signToken({ ...fresh, aud: 'another-api' }, secret)],
        ['no expiry', signToken({ sub: claims.sub, pid: claims.pid, sid: claims.sid, iss: claims.iss, aud: claims.aud, iat: now }, secret)],
        ['a lifetime longer than any we issue', signToken({ ...claims, iat: now, exp: now + 30 * 86_400 }, secret)],
        ['the signature of another token', `${control.split('.').slice(0, 2).join('.')}.${res.body.accessToken.split('.')[2]}`],
        ['a tampered payload', `${control.split('.')[0]}.${Buffer.from(JSON.stringify({ ...fresh, pid: '00000000-0000-4000-8000-000000000000' })).toString('base64url')}.${control.split('.')[2]}`],
        ['the refresh token', res.body.refreshToken],
        ['garbage', 'not.a.jwt'],
      ];
      for (const [label, token] of forged) {
        const r = await http(ctx).get('/v1/me').set('Authorization', `Bearer ${token}`);
        expect({ label, status: r.status }).toEqual({ label, status: 401 });
        expect(r.body).toMatchObject({ statusCode: 401 });
      }
    });

    it('validly signed claims that do not match a live session are 401', async () => {
      const res = await login(ctx, world.admin.email);
      const claims = decodeClaims(res.body.accessToken);
      const now = Math.floor(Date.now() / 1000);
      const secret = ctx.config.JWT_SECRET;
      const sign = (over: Partial<typeof claims>) => signToken({ ...claims, iat: now, exp: now + 300, ...over }, secret);
      const other = await createStaff(ctx, world, 'clinician');
      // Another user's id on this session, another practice, a made-up session.
      expect(await meStatus(ctx, sign({ sub: other.id }))).toBe(401);
      expect(await meStatus(ctx, sign({ pid: '00000000-0000-4000-8000-000000000000' }))).toBe(401);
      expect(await meStatus(ctx, sign({ sid: '00000000-0000-4000-8000-000000000000' }))).toBe(401);
      expect(await meStatus(ctx, sign({}))).toBe(200);
    });

    it('no token, or a malformed Authorization header, is 401', async () => {
      await http(ctx).get('/v1/me').expect(401);
      await http(ctx).get('/v1/me').set('Authorization', world.admin.accessToken).expect(401);
      await http(ctx).get('/v1/me').set('Authorization', `Basic ${world.admin.accessToken}`).expect(401);
    });

    it('an expired session (past its refresh lifetime) ends its access tokens too', async () => {
      const res = await login(ctx, world.admin.email);
      const { sid } = decodeClaims(res.body.accessToken);
      expect(await meStatus(ctx, res.body.accessToken)).toBe(200);
      await ctx.db.query(`UPDATE auth_sessions SET expires_at = now() - interval '1 minute' WHERE id = $1`, [sid]);
      expect(await meStatus(ctx, res.body.accessToken)).toBe(401);
      await http(ctx).post('/v1/auth/refresh').send({ refreshToken: res.body.refreshToken }).expect(401);
    });
  });
});
