import { bearer, createPractice, http, login, PASSWORD, PracticeWorld, uniqueEmail } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { mailedToken, meStatus } from './auth-helpers';

/** Staff invitations: emailed, single-use, expiring, voided by a resend. */
describe('auth: invitations', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'Invitations Practice');
  });
  afterAll(() => ctx?.close());

  async function invite(role: 'admin' | 'clinician' = 'clinician'): Promise<{ id: string; email: string; token: string }> {
    const email = uniqueEmail('invitee');
    const seen = ctx.mail.messages.length;
    const res = await http(ctx).post('/v1/users').set(...bearer(world.admin)).send({ email, role, fullName: 'New Colleague' }).expect(201);
    expect(res.body.status).toBe('invited');
    return { id: res.body.id, email, token: await mailedToken(ctx, email, /invited/i, seen) };
  }
  const accept = (token: string, password = PASSWORD, extra: Record<string, unknown> = {}) =>
    http(ctx).post('/v1/auth/invitations/accept').send({ token, password, ...extra });

  it('accepting sets the password, activates the account and signs in with the invited role', async () => {
    const inv = await invite('admin');
    const res = await accept(inv.token, PASSWORD, { fullName: 'Dr. Accepted' }).expect(200);
    const me = await http(ctx).get('/v1/me').set(...bearer(res.body)).expect(200);
    expect(me.body).toMatchObject({ id: inv.id, email: inv.email, role: 'admin', status: 'active', fullName: 'Dr. Accepted', practice: { id: world.practiceId } });
    expect((await login(ctx, inv.email)).status).toBe(200);
  });

  it('the invited user cannot sign in before accepting, with any password', async () => {
    const inv = await invite();
    for (const password of [PASSWORD, '', 'anything at all here']) {
      const res = await login(ctx, inv.email, password);
      expect(res.status).toBe(401);
      expect(res.body.accessToken).toBeUndefined();
    }
    await accept(inv.token).expect(200);
    expect((await login(ctx, inv.email)).status).toBe(200);
  });

  it('is single-use: a second accept fails and cannot overwrite the password', async () => {
    const inv = await invite();
    const first = await accept(inv.token).expect(200);
    const second = await accept(inv.token, 'hijacker chosen passphrase').expect(401);
    expect(second.body).toMatchObject({ statusCode: 401, code: 'invalid_token' });
    expect(second.body.accessToken).toBeUndefined();
    expect((await login(ctx, inv.email, 'hijacker chosen passphrase')).status).toBe(401);
    expect((await login(ctx, inv.email, PASSWORD)).status).toBe(200);
    expect(await meStatus(ctx, first.body.accessToken)).toBe(200);
  });

  it('two concurrent accepts of one invitation: exactly one succeeds', async () => {
    const inv = await invite();
    const results = await Promise.all([accept(inv.token, 'first racer passphrase'), accept(inv.token, 'second racer passphrase')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    const [sessions] = await ctx.db.query(`SELECT count(*)::int AS n FROM auth_sessions WHERE user_id = $1`, [inv.id]);
    expect(sessions.n).toBe(1);
  });

  it('an expired invitation fails and the account stays invited', async () => {
    const inv = await invite();
    await ctx.db.query(`UPDATE user_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1 AND purpose = 'invitation'`, [inv.id]);
    const res = await accept(inv.token).expect(401);
    expect(res.body.code).toBe('invalid_token');
    const [user] = await ctx.db.query(`SELECT status, password_hash FROM users WHERE id = $1`, [inv.id]);
    expect(user).toEqual({ status: 'invited', password_hash: null });
    expect((await login(ctx, inv.email)).status).toBe(401);
  });

  it('resending voids the old link; the new one works', async () => {
    const inv = await invite();
    const seen = ctx.mail.messages.length;
    await http(ctx).post(`/v1/users/${inv.id}/invitation`).set(...bearer(world.admin)).expect(204);
    const fresh = await mailedToken(ctx, inv.email, /invited/i, seen);
    expect(fresh).not.toBe(inv.token);
    await accept(inv.token).expect(401);
    await accept(fresh).expect(200);
    // And once accepted there is nothing left to resend.
    await http(ctx).post(`/v1/users/${inv.id}/invitation`).set(...bearer(world.admin)).expect(409);
  });

  it('an expired invitation can be resent, and the resent link works', async () => {
    const inv = await invite();
    await ctx.db.query(`UPDATE user_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1`, [inv.id]);
    const seen = ctx.mail.messages.length;
    await http(ctx).post(`/v1/users/${inv.id}/invitation`).set(...bearer(world.admin)).expect(204);
    await accept(await mailedToken(ctx, inv.email, /invited/i, seen)).expect(200);
  });

  it('an invitation withdrawn by deactivation cannot be accepted', async () => {
    const inv = await invite();
    await http(ctx).patch(`/v1/users/${inv.id}`).set(...bearer(world.admin)).send({ status: 'deactivated' }).expect(200);
    await accept(inv.token).expect(401);
    const [user] = await ctx.db.query(`SELECT status FROM users WHERE id = $1`, [inv.id]);
    expect(user.status).toBe('deactivated');
    expect((await login(ctx, inv.email)).status).toBe(401);
  });

  it('an admin cannot activate an invited account without the invitee accepting', async () => {
    const inv = await invite();
    await http(ctx).patch(`/v1/users/${inv.id}`).set(...bearer(world.admin)).send({ status: 'active' }).expect(409);
    expect((await login(ctx, inv.email)).status).toBe(401);
  });

  it('the invitation email carries the token; the database only its hash', async () => {
    const inv = await invite();
    const rows = await ctx.db.query(`SELECT token_hash FROM user_tokens WHERE user_id = $1`, [inv.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].token_hash).not.toBe(inv.token);
  });

  it('inviting a taken email is 409, also when two invitations race', async () => {
    const inv = await invite();
    const dup = await http(ctx).post('/v1/users').set(...bearer(world.admin)).send({ email: inv.email.toUpperCase(), role: 'clinician' }).expect(409);
    expect(dup.body.message).toMatch(/^email:/);
    const email = uniqueEmail('race');
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map(() => http(ctx).post('/v1/users').set(...bearer(world.admin)).send({ email, role: 'clinician' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.message).toMatch(/^email:/);
  });

  it('bad input is 400 naming the field, and does not spend the invitation', async () => {
    const inv = await invite();
    const weak = await accept(inv.token, 'qwerty123456').expect(400);
    expect(weak.body.message).toContain('password:');
    const extra = await accept(inv.token, PASSWORD, { role: 'admin' }).expect(400);
    expect(extra.body.message).toContain('role:');
    const res = await accept(inv.token).expect(200);
    const me = await http(ctx).get('/v1/me').set(...bearer(res.body)).expect(200);
    expect(me.body.role).toBe('clinician');
  });
});
