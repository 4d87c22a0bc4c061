import { Actor, bearer, createPractice, createStaff, http, login, PASSWORD, PracticeWorld, uniqueEmail } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { mailedToken, meStatus, refreshStatus } from './auth-helpers';

const NEW_PASSWORD = 'lanterns over still water 9';

/** Password reset by emailed, single-use, expiring token (read from the real SMTP catch). */
describe('auth: password reset', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'Reset Practice');
  });
  afterAll(() => ctx?.close());

  const requestReset = (email: string) => http(ctx).post('/v1/auth/password-reset/request').send({ email });
  const confirm = (token: string, password = NEW_PASSWORD) =>
    http(ctx).post('/v1/auth/password-reset/confirm').send({ token, password });
  const mailsTo = (email: string) => ctx.mail.messages.filter((m) => m.to.includes(email));

  /** Waits for the reset email to `email` and returns the token in its link. */
  async function resetToken(actor: Actor): Promise<string> {
    const seen = ctx.mail.messages.length;
    await requestReset(actor.email).expect(202);
    return mailedToken(ctx, actor.email, /reset/i, seen);
  }

  it('answers 202 for an unknown email too, and sends it nothing', async () => {
    const nobody = uniqueEmail('nobody');
    const res = await requestReset(nobody).expect(202);
    const known = await requestReset(world.admin.email).expect(202);
    expect(res.body).toEqual(known.body);
    await mailedToken(ctx, world.admin.email, /reset/i);
    // The known address got its mail; give a stray one for the unknown address time to arrive.
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo(nobody)).toHaveLength(0);
    const [n] = await ctx.db.query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [nobody]);
    expect(n.n).toBe(0);
  });

  it('the token from the email resets the password once; old sessions die; only the new password signs in', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    const second = (await login(ctx, clinician.email)).body;
    const token = await resetToken(clinician);
    const mail = mailsTo(clinician.email).at(-1)!;
    // The raw token is only in the email: the database holds its hash.
    const stored = await ctx.db.query(`SELECT token_hash FROM user_tokens WHERE user_id = $1 AND purpose = 'password_reset'`, [clinician.id]);
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).not.toContain(token);
    expect(mail.text).toContain(token);

    await confirm(token).expect(204);

    for (const pair of [clinician, second]) {
      expect(await meStatus(ctx, pair.accessToken)).toBe(401);
      expect(await refreshStatus(ctx, pair.refreshToken)).toBe(401);
    }
    expect((await login(ctx, clinician.email, PASSWORD)).status).toBe(401);
    expect((await login(ctx, clinician.email, NEW_PASSWORD)).status).toBe(200);

    // Used once: a second use fails and does not change the password again.
    const again = await confirm(token, 'a different good passphrase').expect(401);
    expect(again.body.code).toBe('invalid_token');
    expect((await login(ctx, clinician.email, NEW_PASSWORD)).status).toBe(200);
  });

  it('two concurrent confirms with one token: exactly one succeeds', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    const token = await resetToken(clinician);
    const results = await Promise.all([
      confirm(token, 'first concurrent passphrase'),
      confirm(token, 'second concurrent passphrase'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([204, 401]);
    const winner = results[0].status === 204 ? 'first concurrent passphrase' : 'second concurrent passphrase';
    expect((await login(ctx, clinician.email, winner)).status).toBe(200);
  });

  it('an expired token fails and leaves the password as it was', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    const token = await resetToken(clinician);
    await ctx.db.query(`UPDATE user_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1 AND purpose = 'password_reset'`, [clinician.id]);
    const res = await confirm(token).expect(401);
    expect(res.body.code).toBe('invalid_token');
    expect(await meStatus(ctx, clinician.accessToken)).toBe(200);
    expect((await login(ctx, clinician.email, PASSWORD)).status).toBe(200);
    expect((await login(ctx, clinician.email, NEW_PASSWORD)).status).toBe(401);
  });

  it('a newer request voids the older link', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    const older = await resetToken(clinician);
    ctx.mail.clear();
    const newer = await resetToken(clinician);
    expect(newer).not.toBe(older);
    await confirm(older).expect(401);
    await confirm(newer).expect(204);
  });

  it('a reset token is not an invitation token, nor the other way round', async () => {
    const email = uniqueEmail('invitee');
    await http(ctx).post('/v1/users').set(...bearer(world.admin)).send({ email, role: 'clinician' }).expect(201);
    const invitation = await ctx.mail.tokenFor(email);
    await confirm(invitation).expect(401);
    // The failed reset attempt did not spend the invitation.
    await http(ctx).post('/v1/auth/invitations/accept').send({ token: invitation, password: PASSWORD }).expect(200);

    const clinician = await createStaff(ctx, world, 'clinician');
    const reset = await resetToken(clinician);
    await http(ctx).post('/v1/auth/invitations/accept').send({ token: reset, password: NEW_PASSWORD }).expect(401);
    await confirm(reset).expect(204);
  });

  it('invited and deactivated accounts get no reset email', async () => {
    const invitedEmail = uniqueEmail('invited');
    await http(ctx).post('/v1/users').set(...bearer(world.admin)).send({ email: invitedEmail, role: 'clinician' }).expect(201);
    await ctx.mail.waitFor(invitedEmail);
    const deactivated = await createStaff(ctx, world, 'clinician');
    await http(ctx).patch(`/v1/users/${deactivated.id}`).set(...bearer(world.admin)).send({ status: 'deactivated' }).expect(200);
    ctx.mail.clear();

    await requestReset(invitedEmail).expect(202);
    await requestReset(deactivated.email).expect(202);
    await requestReset(world.admin.email).expect(202);
    await mailedToken(ctx, world.admin.email, /reset/i);
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo(invitedEmail)).toHaveLength(0);
    expect(mailsTo(deactivated.email)).toHaveLength(0);
  });

  it('a token issued before deactivation does not work after it', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    const token = await resetToken(clinician);
    await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(world.admin)).send({ status: 'deactivated' }).expect(200);
    await confirm(token).expect(401);
    await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(world.admin)).send({ status: 'active' }).expect(200);
    expect((await login(ctx, clinician.email, NEW_PASSWORD)).status).toBe(401);
  });

  it('bad input is 400 naming the field; a weak new password does not spend the token', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    const token = await resetToken(clinician);
    const weak = await confirm(token, 'password1234').expect(400);
    expect(weak.body.message).toContain('password:');
    const bad = await requestReset('not-an-email').expect(400);
    expect(bad.body.message).toContain('email:');
    const extra = await http(ctx).post('/v1/auth/password-reset/confirm').send({ token, password: NEW_PASSWORD, userId: clinician.id }).expect(400);
    expect(extra.body.message).toContain('userId:');
    await confirm(token).expect(204);
  });
});
