import { authenticator } from 'otplib';
import { bearer, createPractice, createStaff, http, login, PASSWORD, PracticeWorld, uniqueEmail } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { AuditRow, auditFor, codeAtStep, currentStep, decodeClaims, mailedToken } from './auth-helpers';

/** Sign-in events reach the append-only audit trail: who, what, outcome, why, from where. */
describe('auth: audit trail of sign-in events', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'Audit Practice');
  });
  afterAll(() => ctx?.close());

  const reasons = (rows: AuditRow[]) => rows.map((r) => `${r.outcome}:${r.reason ?? ''}`);

  it('records an allowed login with the user, practice and address', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    expect((await login(ctx, clinician.email)).status).toBe(200);
    const rows = await auditFor(ctx, clinician.id, 'auth.login');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'allowed', reason: null, practice_id: world.practiceId, resource_type: 'user', resource_id: clinician.id });
    expect(rows[0].ip).toMatch(/127\.0\.0\.1|::1/);
  });

  it('records denied logins with their reason: wrong password, deactivated, suspended practice, wrong second factor', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    await login(ctx, clinician.email, 'the wrong password!');
    let rows = await auditFor(ctx, clinician.id, 'auth.login');
    expect(reasons(rows)).toEqual(['denied:bad_credentials']);
    expect(rows[0].practice_id).toBe(world.practiceId);
    expect(rows[0].ip).not.toBeNull();

    // Second factor.
    const enrolled = await createStaff(ctx, world, 'clinician');
    const begin = await http(ctx).post('/v1/me/totp').set(...bearer(enrolled)).send({ password: PASSWORD }).expect(201);
    await http(ctx).post('/v1/me/totp/confirm').set(...bearer(enrolled)).send({ code: authenticator.generate(begin.body.secret) }).expect(200);
    await login(ctx, enrolled.email, PASSWORD, { totpCode: codeAtStep(begin.body.secret, currentStep() + 6) });
    expect(reasons(await auditFor(ctx, enrolled.id, 'auth.login'))).toEqual(['denied:bad_second_factor']);

    // Deactivated, with the right password.
    await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(world.admin)).send({ status: 'deactivated' }).expect(200);
    await login(ctx, clinician.email);
    rows = await auditFor(ctx, clinician.id, 'auth.login');
    expect(reasons(rows)).toEqual(['denied:bad_credentials', 'denied:user_deactivated']);

    // Suspended practice.
    const other = await createPractice(ctx, 'Suspended Audit Practice');
    await ctx.db.query(`UPDATE practices SET status = 'suspended' WHERE id = $1`, [other.practiceId]);
    await login(ctx, other.admin.email);
    expect(reasons(await auditFor(ctx, other.admin.id, 'auth.login'))).toEqual(['denied:practice_suspended']);
  });

  it('records a login for an unknown email as denied, tied to no one, without the email', async () => {
    const email = uniqueEmail('ghost');
    const count = async () => {
      await ctx.flushAudit();
      const [r] = await ctx.db.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.login' AND actor_user_id IS NULL AND reason = 'bad_credentials'`,
      );
      return r.n as number;
    };
    const before = await count();
    await login(ctx, email, 'whatever password');
    expect(await count()).toBe(before + 1);
    const [leak] = await ctx.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE audit_events::text ILIKE $1`, [`%${email}%`]);
    expect(leak.n).toBe(0);
  });

  it('records refresh-token reuse against the session, and the logout of a session', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    const first = (await login(ctx, clinician.email)).body;
    const sid = decodeClaims(first.accessToken).sid;
    await http(ctx).post('/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200);
    await http(ctx).post('/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
    const reuse = await auditFor(ctx, clinician.id, 'auth.refresh');
    expect(reuse).toHaveLength(1);
    expect(reuse[0]).toMatchObject({ outcome: 'denied', reason: 'refresh_reuse_family_revoked', resource_type: 'session', resource_id: sid, practice_id: world.practiceId });

    const second = (await login(ctx, clinician.email)).body;
    await http(ctx).post('/v1/auth/logout').set(...bearer(second)).expect(204);
    const logout = await auditFor(ctx, clinician.id, 'auth.logout');
    expect(logout).toHaveLength(1);
    expect(logout[0]).toMatchObject({ outcome: 'allowed', resource_type: 'session', resource_id: decodeClaims(second.accessToken).sid, practice_id: world.practiceId });
    expect(logout[0].ip).not.toBeNull();
  });

  it('records password changes and resets, allowed and denied', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    await http(ctx).post('/v1/me/password').set(...bearer(clinician)).send({ currentPassword: 'not it at all', newPassword: 'a new passphrase here' }).expect(403);
    await http(ctx).post('/v1/me/password').set(...bearer(clinician)).send({ currentPassword: PASSWORD, newPassword: 'a new passphrase here' }).expect(204);
    expect(reasons(await auditFor(ctx, clinician.id, 'auth.password_change'))).toEqual(['denied:bad_credentials', 'allowed:']);

    const seen = ctx.mail.messages.length;
    await http(ctx).post('/v1/auth/password-reset/request').send({ email: clinician.email }).expect(202);
    const token = await mailedToken(ctx, clinician.email, /reset/i, seen);
    await http(ctx).post('/v1/auth/password-reset/confirm').send({ token, password: 'yet another passphrase' }).expect(204);
    expect(reasons(await auditFor(ctx, clinician.id, 'auth.password_reset_request'))).toEqual(['allowed:']);
    expect(reasons(await auditFor(ctx, clinician.id, 'auth.password_reset'))).toEqual(['allowed:']);
  });

  it('records an invitation accepted by the invitee', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    expect(reasons(await auditFor(ctx, clinician.id, 'auth.invitation_accept'))).toEqual(['allowed:']);
  });

  it('the practice admin sees the practice’s sign-in events through the API', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    await login(ctx, clinician.email, 'wrong password again');
    await login(ctx, clinician.email);
    const res = await http(ctx).get('/v1/audit-events').query({ actorId: clinician.id, action: 'auth.login' }).set(...bearer(world.admin)).expect(200);
    const seen = (res.body.data as Array<{ outcome: string; reason: string | null }>).map((e) => `${e.outcome}:${e.reason ?? ''}`).sort();
    expect(seen).toEqual(['allowed:', 'denied:bad_credentials']);
  });

  it('sign-in events cannot be altered or deleted', async () => {
    await ctx.flushAudit();
    await expect(ctx.db.query(`UPDATE audit_events SET outcome = 'allowed' WHERE action = 'auth.login'`)).rejects.toThrow(/append-only/);
    await expect(ctx.db.query(`DELETE FROM audit_events WHERE action = 'auth.login'`)).rejects.toThrow(/append-only/);
  });
});
