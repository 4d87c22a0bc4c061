import { authenticator } from 'otplib';
import { Actor, bearer, createPractice, createStaff, http, login, PASSWORD, PracticeWorld, uniqueEmail } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { insertClientUser, mailedToken, unusedCode } from './auth-helpers';

/** A practice that requires staff to use TOTP (settings.requireStaffTotp). */
describe('auth: practice requires staff TOTP', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  /** The admin enrols before switching the rule on, as a careful admin would. */
  let adminSecret: string;
  let adminLastStep: number;
  let clinicianBefore: Actor;
  let client: { id: string; email: string };

  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'Strict TOTP Practice');
    clinicianBefore = await createStaff(ctx, world, 'clinician');
    client = await insertClientUser(ctx, world.practiceId, PASSWORD);

    const begin = await http(ctx).post('/v1/me/totp').set(...bearer(world.admin)).send({ password: PASSWORD }).expect(201);
    adminSecret = begin.body.secret;
    await http(ctx).post('/v1/me/totp/confirm').set(...bearer(world.admin)).send({ code: authenticator.generate(adminSecret) }).expect(200);
    const [row] = await ctx.db.query(`SELECT totp_last_step FROM users WHERE id = $1`, [world.admin.id]);
    adminLastStep = Number(row.totp_last_step);

    const res = await http(ctx).patch('/v1/practice').set(...bearer(world.admin)).send({ settings: { requireStaffTotp: true } }).expect(200);
    expect(res.body.settings.requireStaffTotp).toBe(true);
  });
  afterAll(() => ctx?.close());

  const enrolmentRequired = (res: { status: number; body: { code?: string } }) => {
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('totp_enrolment_required');
  };

  it('an unenrolled clinician signs in to a restricted session: only me, enrolment and logout answer', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    const signedIn = await login(ctx, clinician.email);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.totpEnrolmentRequired).toBe(true);
    const session = signedIn.body;

    enrolmentRequired(await http(ctx).get('/v1/practice').set(...bearer(session)));
    enrolmentRequired(await http(ctx).post('/v1/me/password').set(...bearer(session)).send({ currentPassword: PASSWORD, newPassword: 'some new passphrase' }));
    enrolmentRequired(await http(ctx).post('/v1/me/totp/recovery-codes').set(...bearer(session)).send({ code: '123456' }));
    enrolmentRequired(await http(ctx).get('/v1/audit-events').set(...bearer(session)));
    const me = await http(ctx).get('/v1/me').set(...bearer(session)).expect(200);
    expect(me.body.totpEnrolmentRequired).toBe(true);

    // Refreshing does not shed the restriction.
    const refreshed = await http(ctx).post('/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(200);
    expect(refreshed.body.totpEnrolmentRequired).toBe(true);
    enrolmentRequired(await http(ctx).get('/v1/practice').set(...bearer(refreshed.body)));

    // Enrolling lifts it for this very session.
    const begin = await http(ctx).post('/v1/me/totp').set(...bearer(refreshed.body)).send({ password: PASSWORD }).expect(201);
    const secret = begin.body.secret as string;
    const confirmed = await http(ctx).post('/v1/me/totp/confirm').set(...bearer(refreshed.body)).send({ code: authenticator.generate(secret) }).expect(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    await http(ctx).get('/v1/practice').set(...bearer(refreshed.body)).expect(200);
    const after = await http(ctx).get('/v1/me').set(...bearer(refreshed.body)).expect(200);
    expect(after.body.totpEnrolmentRequired).toBe(false);
    const next = await http(ctx).post('/v1/auth/refresh').send({ refreshToken: refreshed.body.refreshToken }).expect(200);
    expect(next.body.totpEnrolmentRequired).toBeUndefined();

    // From now on the clinician signs in with a code, and the session is a full one.
    expect((await login(ctx, clinician.email)).body.code).toBe('totp_required');
    const [row] = await ctx.db.query(`SELECT totp_last_step FROM users WHERE id = $1`, [clinician.id]);
    const { code } = await unusedCode(secret, Number(row.totp_last_step));
    const full = await login(ctx, clinician.email, PASSWORD, { totpCode: code });
    expect(full.status).toBe(200);
    expect(full.body.totpEnrolmentRequired).toBeUndefined();
    await http(ctx).get('/v1/practice').set(...bearer(full.body)).expect(200);
  });

  it('a restricted session can still log out', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    const signedIn = (await login(ctx, clinician.email)).body;
    await http(ctx).post('/v1/auth/logout').set(...bearer(signedIn)).expect(204);
    await http(ctx).get('/v1/me').set(...bearer(signedIn)).expect(401);
  });

  it('a session opened before the rule was switched on is restricted too, until the clinician enrols', async () => {
    enrolmentRequired(await http(ctx).get('/v1/practice').set(...bearer(clinicianBefore)));
    const me = await http(ctx).get('/v1/me').set(...bearer(clinicianBefore)).expect(200);
    expect(me.body.totpEnrolmentRequired).toBe(true);
    const refreshed = await http(ctx).post('/v1/auth/refresh').send({ refreshToken: clinicianBefore.refreshToken }).expect(200);
    expect(refreshed.body.totpEnrolmentRequired).toBe(true);
    enrolmentRequired(await http(ctx).get('/v1/practice').set(...bearer(refreshed.body)));

    const begin = await http(ctx).post('/v1/me/totp').set(...bearer(refreshed.body)).send({ password: PASSWORD }).expect(201);
    await http(ctx).post('/v1/me/totp/confirm').set(...bearer(refreshed.body)).send({ code: authenticator.generate(begin.body.secret) }).expect(200);
    await http(ctx).get('/v1/practice').set(...bearer(refreshed.body)).expect(200);
  });

  it('accepting an invitation into the practice gives a restricted session', async () => {
    const email = uniqueEmail('newcomer');
    const seen = ctx.mail.messages.length;
    await http(ctx).post('/v1/users').set(...bearer(world.admin)).send({ email, role: 'clinician' }).expect(201);
    const token = await mailedToken(ctx, email, /invited/i, seen);
    const accepted = await http(ctx).post('/v1/auth/invitations/accept').send({ token, password: PASSWORD }).expect(200);
    expect(accepted.body.totpEnrolmentRequired).toBe(true);
    enrolmentRequired(await http(ctx).get('/v1/practice').set(...bearer(accepted.body)));
  });

  it('clients are not asked: they sign in to a full session', async () => {
    const res = await login(ctx, client.email);
    expect(res.status).toBe(200);
    expect(res.body.totpEnrolmentRequired).toBeUndefined();
    const me = await http(ctx).get('/v1/me').set(...bearer(res.body)).expect(200);
    expect(me.body).toMatchObject({ role: 'client', totpEnrolmentRequired: false });
  });

  it('an enrolled admin keeps working and cannot switch TOTP off while the practice requires it', async () => {
    await http(ctx).get('/v1/practice').set(...bearer(world.admin)).expect(200);
    const { code, step } = await unusedCode(adminSecret, adminLastStep);
    const res = await http(ctx).post('/v1/me/totp/disable').set(...bearer(world.admin)).send({ password: PASSWORD, code }).expect(403);
    expect(res.body.code).toBe('totp_required_by_practice');
    const signedIn = await login(ctx, world.admin.email, PASSWORD, { totpCode: code });
    expect(signedIn.status).toBe(200);
    adminLastStep = step;
    expect(signedIn.body.totpEnrolmentRequired).toBeUndefined();
  });

  it('an admin who switches the rule on without having enrolled must enrol next, like any staff', async () => {
    const other = await createPractice(ctx, 'Hasty Admin Practice');
    await http(ctx).patch('/v1/practice').set(...bearer(other.admin)).send({ settings: { requireStaffTotp: true } }).expect(200);
    enrolmentRequired(await http(ctx).get('/v1/practice').set(...bearer(other.admin)));
    const begin = await http(ctx).post('/v1/me/totp').set(...bearer(other.admin)).send({ password: PASSWORD }).expect(201);
    await http(ctx).post('/v1/me/totp/confirm').set(...bearer(other.admin)).send({ code: authenticator.generate(begin.body.secret) }).expect(200);
    await http(ctx).get('/v1/practice').set(...bearer(other.admin)).expect(200);
    // The first practice is unaffected by the second's rule.
    await http(ctx).get('/v1/users').set(...bearer(world.admin)).expect(200);
  });

  it('when the rule is switched off, unenrolled staff sign in to full sessions again', async () => {
    const clinician = await createStaff(ctx, world, 'clinician');
    const restricted = (await login(ctx, clinician.email)).body;
    expect(restricted.totpEnrolmentRequired).toBe(true);
    await http(ctx).patch('/v1/practice').set(...bearer(world.admin)).send({ settings: { requireStaffTotp: false } }).expect(200);
    const res = await login(ctx, clinician.email);
    expect(res.body.totpEnrolmentRequired).toBeUndefined();
    await http(ctx).get('/v1/practice').set(...bearer(res.body)).expect(200);
    // The session restricted under the rule is a full one now that the rule is off.
    await http(ctx).get('/v1/practice').set(...bearer(restricted)).expect(200);
  });
});
