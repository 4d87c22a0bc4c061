import { http, login, PASSWORD, uniqueEmail } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';

/** Signup makes a practice and its first admin, or nothing at all. (Signups count against a
 * per-IP limit of 10 an hour, so this file makes few of them.) */
describe('auth: signup', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx?.close());

  const valid = (over: Record<string, unknown> = {}) => ({
    practiceName: 'Harbour Light Couples Therapy',
    timezone: 'Europe/Lisbon',
    fullName: 'Dr. Inês Rocha',
    email: uniqueEmail('signup'),
    password: PASSWORD,
    ...over,
  });

  async function counts(): Promise<{ practices: number; users: number; sessions: number }> {
    const [row] = await ctx.db.query(
      `SELECT (SELECT count(*) FROM practices)::int AS practices,
              (SELECT count(*) FROM users)::int AS users,
              (SELECT count(*) FROM auth_sessions)::int AS sessions`,
    );
    return row;
  }

  it('creates the practice and its first active admin, hashes the password, and signs in', async () => {
    const body = valid({ email: `  New.Owner.${Date.now()}@Example.TEST ` });
    const res = await http(ctx).post('/v1/auth/signup').send(body).expect(201);
    const email = body.email.trim().toLowerCase();

    expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: ctx.config.ACCESS_TOKEN_TTL_SECONDS });
    expect(typeof res.body.accessToken).toBe('string');
    expect(typeof res.body.refreshToken).toBe('string');
    expect(res.body.me).toMatchObject({ email, role: 'admin', status: 'active', totpEnabled: false });
    expect(res.body.me.practice).toMatchObject({ name: body.practiceName, timezone: 'Europe/Lisbon' });
    expect(JSON.stringify(res.body)).not.toContain(PASSWORD);

    const [practice] = await ctx.db.query(`SELECT name, timezone, status FROM practices WHERE id = $1`, [res.body.me.practice.id]);
    expect(practice).toEqual({ name: body.practiceName, timezone: 'Europe/Lisbon', status: 'active' });
    const users = await ctx.db.query(`SELECT id, email, role, status, password_hash FROM users WHERE practice_id = $1`, [res.body.me.practice.id]);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ id: res.body.me.id, email, role: 'admin', status: 'active' });
    expect(users[0].password_hash).toMatch(/^\$argon2id\$/);

    const me = await http(ctx).get('/v1/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body.id).toBe(res.body.me.id);
    // The stored email is normalised, so the owner signs in however they type it.
    expect((await login(ctx, email.toUpperCase())).status).toBe(200);
  });

  it('refuses a taken email with 409, whatever its case, and writes nothing', async () => {
    const email = uniqueEmail('taken');
    await http(ctx).post('/v1/auth/signup').send(valid({ email })).expect(201);
    const before = await counts();

    const res = await http(ctx).post('/v1/auth/signup').send(valid({ email: email.toUpperCase(), practiceName: 'Copycat' })).expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
    expect(res.body.message).toMatch(/^email:/);
    expect(await counts()).toEqual(before);
    const [copy] = await ctx.db.query(`SELECT count(*)::int AS n FROM practices WHERE name = 'Copycat'`);
    expect(copy.n).toBe(0);
  });

  it('two concurrent signups with one email: one practice, and the other gets 409 naming the email', async () => {
    const email = uniqueEmail('race');
    const before = await counts();
    const results = await Promise.all([
      http(ctx).post('/v1/auth/signup').send(valid({ email, practiceName: 'Race A' })),
      http(ctx).post('/v1/auth/signup').send(valid({ email, practiceName: 'Race B' })),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.message).toMatch(/^email:/);
    const after = await counts();
    expect(after.practices).toBe(before.practices + 1);
    expect(after.users).toBe(before.users + 1);
    expect(after.sessions).toBe(before.sessions + 1);
  });

  describe('bad input is refused with 400 naming the field, and leaves no rows', () => {
    const short = 'aaaaa b b b'; // 11 characters
    const long = 'x y z '.repeat(21) + 'abc'; // 129 characters
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['an 11-character password', { password: short }, 'password:'],
      ['a 129-character password', { password: long }, 'password:'],
      ['a common password', { password: 'Password1234' }, 'password:'],
      ['a password of one repeated character', { password: 'zzzzzzzzzzzzzzzz' }, 'password:'],
      ['a non-string password', { password: 123456789012345 }, 'password:'],
      ['a timezone that does not exist', { timezone: 'Mars/Base' }, 'timezone:'],
      ['a bad email', { email: 'not-an-email' }, 'email:'],
      ['an empty practice name', { practiceName: '' }, 'practiceName:'],
      ['a missing timezone', { timezone: undefined }, 'timezone:'],
      ['an unknown extra field', { isSuperuser: true }, 'isSuperuser:'],
      ['a role smuggled in', { role: 'client' }, 'role:'],
      ['a practice id smuggled in', { practiceId: '00000000-0000-4000-8000-000000000000' }, 'practiceId:'],
    ];

    it('uses the lengths it says it uses', () => {
      expect([short.length, long.length]).toEqual([11, 129]);
    });

    it.each(cases)('%s', async (_label, over, field) => {
      const body = valid(over);
      const before = await counts();
      const res = await http(ctx).post('/v1/auth/signup').send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toContain(field);
      // The error never echoes the password back.
      if (typeof body.password === 'string') expect(JSON.stringify(res.body)).not.toContain(body.password);
      expect(await counts()).toEqual(before);
      const [n] = await ctx.db.query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [String(body.email).toLowerCase()]);
      expect(n.n).toBe(0);
    });

    it('names every bad field at once', async () => {
      const res = await http(ctx).post('/v1/auth/signup').send(valid({ password: 'short', timezone: 'Mars/Base', email: 'x' })).expect(400);
      for (const f of ['password:', 'timezone:', 'email:']) expect(res.body.message).toContain(f);
    });

    it('accepts exactly 12 and exactly 128 characters (boundaries) — checked without signing up', async () => {
      // A bad timezone keeps the request from creating anything; only the timezone is named.
      for (const password of ['river stone1', 'r'.repeat(60) + ' stones and water ' + 's'.repeat(50)]) {
        expect([12, 128]).toContain(password.length);
        const res = await http(ctx).post('/v1/auth/signup').send(valid({ password, timezone: 'Mars/Base' })).expect(400);
        expect(res.body.message).not.toContain('password:');
      }
    });
  });
});
