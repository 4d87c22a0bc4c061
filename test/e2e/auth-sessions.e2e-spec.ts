import { Actor, bearer, createPractice, createStaff, http, login, PASSWORD, PracticeWorld } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { decodeClaims, meStatus, refreshStatus } from './auth-helpers';

interface Pair {
  accessToken: string;
  refreshToken: string;
}

/** Refresh rotation, reuse detection, logout, deactivation and password change. */
describe('auth: sessions', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'Sessions Practice');
  });
  afterAll(() => ctx?.close());

  async function signIn(actor: Actor, password = PASSWORD): Promise<Pair> {
    const res = await login(ctx, actor.email, password);
    expect(res.status).toBe(200);
    return res.body as Pair;
  }

  const refresh = (refreshToken: string) => http(ctx).post('/v1/auth/refresh').send({ refreshToken });

  describe('refresh rotation', () => {
    it('gives a new working pair in the same session', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const first = await signIn(clinician);
      const res = await refresh(first.refreshToken).expect(200);
      expect(res.body.refreshToken).not.toBe(first.refreshToken);
      expect(decodeClaims(res.body.accessToken).sid).toBe(decodeClaims(first.accessToken).sid);
      expect(await meStatus(ctx, res.body.accessToken)).toBe(200);
      // Rotating again from the new token works too: it is a chain.
      const third = await refresh(res.body.refreshToken).expect(200);
      expect(await meStatus(ctx, third.body.accessToken)).toBe(200);
    });

    it('reusing a spent refresh token is 401 and ends the whole family, and only that family', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const otherDevice = await signIn(clinician);
      const first = await signIn(clinician);
      const second = (await refresh(first.refreshToken).expect(200)).body as Pair;
      const third = (await refresh(second.refreshToken).expect(200)).body as Pair;
      expect(await meStatus(ctx, third.accessToken)).toBe(200);

      // An attacker (or a confused client) replays the first, long-spent token.
      const reuse = await refresh(first.refreshToken).expect(401);
      expect(reuse.body).toMatchObject({ statusCode: 401, code: 'invalid_refresh_token' });

      // The newest pair of that family is dead: access at once, refresh too.
      expect(await meStatus(ctx, third.accessToken)).toBe(401);
      expect(await refreshStatus(ctx, third.refreshToken)).toBe(401);
      expect(await meStatus(ctx, first.accessToken)).toBe(401);
      const [session] = await ctx.db.query(`SELECT revoked_at, revoked_reason FROM auth_sessions WHERE id = $1`, [decodeClaims(first.accessToken).sid]);
      expect(session.revoked_at).not.toBeNull();
      expect(session.revoked_reason).toBe('refresh_reuse');

      // The user's other device was not part of that family.
      expect(await meStatus(ctx, otherDevice.accessToken)).toBe(200);
      expect(await refreshStatus(ctx, otherDevice.refreshToken)).toBe(200);
    });

    it('reusing the token just spent (the most recent one) also ends the family', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const first = await signIn(clinician);
      const second = (await refresh(first.refreshToken).expect(200)).body as Pair;
      await refresh(first.refreshToken).expect(401);
      expect(await meStatus(ctx, second.accessToken)).toBe(401);
      expect(await refreshStatus(ctx, second.refreshToken)).toBe(401);
    });

    it('two concurrent refreshes of one token: exactly one succeeds', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const first = await signIn(clinician);
      const results = await Promise.all(Array.from({ length: 5 }, () => refresh(first.refreshToken)));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 401, 401, 401, 401]);
      // Only one new refresh token was ever issued from it.
      const [row] = await ctx.db.query(`SELECT count(*)::int AS n FROM refresh_tokens WHERE session_id = $1`, [decodeClaims(first.accessToken).sid]);
      expect(row.n).toBe(2);
      // The losers presented a spent token: that is reuse, so the family ends, winner included.
      const winner = results.find((r) => r.status === 200)!.body as Pair;
      expect(await meStatus(ctx, winner.accessToken)).toBe(401);
    });

    it('unknown, malformed and missing refresh tokens are refused without a crash', async () => {
      await refresh('x'.repeat(43)).expect(401);
      await refresh('short').expect(400);
      await http(ctx).post('/v1/auth/refresh').send({}).expect(400);
      await http(ctx).post('/v1/auth/refresh').send({ refreshToken: world.admin.accessToken }).expect((r) => expect([400, 401]).toContain(r.status));
    });
  });

  describe('logout', () => {
    it('ends this session: its access and refresh tokens stop working; another session keeps working', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const phone = await signIn(clinician);
      const laptop = await signIn(clinician);

      await http(ctx).post('/v1/auth/logout').set(...bearer(phone)).expect(204);

      expect(await meStatus(ctx, phone.accessToken)).toBe(401);
      expect(await refreshStatus(ctx, phone.refreshToken)).toBe(401);
      await http(ctx).post('/v1/auth/logout').set(...bearer(phone)).expect(401);

      expect(await meStatus(ctx, laptop.accessToken)).toBe(200);
      expect(await refreshStatus(ctx, laptop.refreshToken)).toBe(200);
    });

    it('an access token minted by refresh before logout dies with the session', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const first = await signIn(clinician);
      const rotated = (await refresh(first.refreshToken).expect(200)).body as Pair;
      await http(ctx).post('/v1/auth/logout').set(...bearer(first)).expect(204);
      expect(await meStatus(ctx, rotated.accessToken)).toBe(401);
      expect(await refreshStatus(ctx, rotated.refreshToken)).toBe(401);
    });

    it('needs an access token', async () => {
      await http(ctx).post('/v1/auth/logout').expect(401);
    });
  });

  describe('deactivation', () => {
    it('ends every session of the user at once; their refresh fails; other users are untouched', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const colleague = await createStaff(ctx, world, 'clinician');
      const a = await signIn(clinician);
      const b = await signIn(clinician);
      expect(await meStatus(ctx, a.accessToken)).toBe(200);

      const res = await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(world.admin)).send({ status: 'deactivated' }).expect(200);
      expect(res.body.status).toBe('deactivated');

      for (const pair of [a, b, clinician]) {
        expect(await meStatus(ctx, pair.accessToken)).toBe(401);
        expect(await refreshStatus(ctx, pair.refreshToken)).toBe(401);
      }
      expect((await login(ctx, clinician.email)).status).toBe(401);
      expect(await meStatus(ctx, colleague.accessToken)).toBe(200);
    });

    it('reactivation does not bring old sessions back; a fresh login works', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(world.admin)).send({ status: 'deactivated' }).expect(200);
      await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(world.admin)).send({ status: 'active' }).expect(200);
      expect(await meStatus(ctx, clinician.accessToken)).toBe(401);
      expect(await refreshStatus(ctx, clinician.refreshToken)).toBe(401);
      const fresh = await signIn(clinician);
      expect(await meStatus(ctx, fresh.accessToken)).toBe(200);
    });
  });

  describe('password change', () => {
    const NEW_PASSWORD = 'quiet harbour lanterns 77';

    it('keeps the current session, ends the others, and only the new password signs in', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const current = await signIn(clinician);
      const other = await signIn(clinician);

      await http(ctx)
        .post('/v1/me/password')
        .set(...bearer(current))
        .send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD })
        .expect(204);

      expect(await meStatus(ctx, current.accessToken)).toBe(200);
      expect(await meStatus(ctx, other.accessToken)).toBe(401);
      expect(await refreshStatus(ctx, other.refreshToken)).toBe(401);
      expect(await meStatus(ctx, clinician.accessToken)).toBe(401);
      // The current session goes on rotating.
      const rotated = await refresh(current.refreshToken).expect(200);
      expect(await meStatus(ctx, rotated.body.accessToken)).toBe(200);

      expect((await login(ctx, clinician.email, PASSWORD)).status).toBe(401);
      expect((await login(ctx, clinician.email, NEW_PASSWORD)).status).toBe(200);
    });

    it('a wrong current password is refused and changes nothing', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const current = await signIn(clinician);
      const other = await signIn(clinician);
      const res = await http(ctx)
        .post('/v1/me/password')
        .set(...bearer(current))
        .send({ currentPassword: 'not my password at all', newPassword: NEW_PASSWORD })
        .expect(403);
      expect(res.body.message).toContain('currentPassword');
      expect(await meStatus(ctx, other.accessToken)).toBe(200);
      expect((await login(ctx, clinician.email, NEW_PASSWORD)).status).toBe(401);
      expect((await login(ctx, clinician.email, PASSWORD)).status).toBe(200);
    });

    it('the new password must be acceptable (400 naming newPassword), and nothing changes', async () => {
      const clinician = await createStaff(ctx, world, 'clinician');
      const current = await signIn(clinician);
      const other = await signIn(clinician);
      for (const newPassword of ['short', 'password1234', 'y'.repeat(129)]) {
        const res = await http(ctx).post('/v1/me/password').set(...bearer(current)).send({ currentPassword: PASSWORD, newPassword }).expect(400);
        expect(res.body.message).toContain('newPassword:');
      }
      expect(await meStatus(ctx, other.accessToken)).toBe(200);
      expect((await login(ctx, clinician.email, PASSWORD)).status).toBe(200);
    });

    it('needs an access token', async () => {
      await http(ctx).post('/v1/me/password').send({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD }).expect(401);
    });
  });
});
