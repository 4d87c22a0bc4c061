import { LOGIN_PER_ACCOUNT, LOGIN_PER_IP, SIGNUP_PER_IP } from '../../src/modules/auth/throttle-rules';
import { createPractice, http, login, PASSWORD, PracticeWorld, uniqueEmail } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { expectRetryAfter } from './auth-helpers';

/**
 * Per-address limits on sign-in and signup. Every request here comes from 127.0.0.1, so this
 * file exhausts that address's budget on purpose; nothing else shares it.
 */
describe('auth: per-IP sign-in and signup throttling', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'IP Throttle Practice');
  });
  afterAll(() => ctx?.close());

  it('failed logins spread over many accounts hit the per-IP limit; then even a right password from that address is 429', async () => {
    const perAccount = LOGIN_PER_ACCOUNT.limit - 1; // never enough to lock any one account
    const accounts = Math.ceil(LOGIN_PER_IP.limit / perAccount);
    let failures = 0;
    for (let a = 0; a < accounts && failures < LOGIN_PER_IP.limit; a++) {
      const email = uniqueEmail('sprayed');
      for (let i = 0; i < perAccount && failures < LOGIN_PER_IP.limit; i++) {
        const res = await login(ctx, email, 'password spraying attempt');
        expect(res.status).toBe(401);
        failures += 1;
      }
    }
    expect(failures).toBe(LOGIN_PER_IP.limit);

    const right = await login(ctx, world.admin.email, PASSWORD);
    expectRetryAfter(right, LOGIN_PER_IP.windowSeconds);
    expect(right.body.accessToken).toBeUndefined();
    // A fresh account is refused too: the address is limited, not the account.
    expectRetryAfter(await login(ctx, uniqueEmail('fresh'), 'x'.repeat(20)), LOGIN_PER_IP.windowSeconds);
  });

  it('a forged X-Forwarded-For does not buy a fresh budget (the proxy is not trusted by default)', async () => {
    expect(ctx.config.TRUST_PROXY).toBe(false);
    for (const ip of ['203.0.113.7', '198.51.100.23, 10.0.0.1']) {
      const res = await http(ctx).post('/v1/auth/login').set('X-Forwarded-For', ip).send({ email: world.admin.email, password: PASSWORD });
      expectRetryAfter(res, LOGIN_PER_IP.windowSeconds);
    }
  });

  it('signups from one address are limited per hour (bad input does not count)', async () => {
    for (let i = 0; i < 3; i++) {
      await http(ctx).post('/v1/auth/signup').send({ practiceName: 'X', timezone: 'Mars/Base', fullName: 'Y', email: uniqueEmail('bad'), password: PASSWORD }).expect(400);
    }
    // One signup was spent in beforeAll.
    for (let i = 1; i < SIGNUP_PER_IP.limit; i++) await createPractice(ctx, `Practice ${i}`);
    const before = await ctx.db.query(`SELECT count(*)::int AS n FROM practices`);
    const res = await http(ctx)
      .post('/v1/auth/signup')
      .send({ practiceName: 'One Too Many', timezone: 'Europe/Berlin', fullName: 'Z', email: uniqueEmail('late'), password: PASSWORD });
    expectRetryAfter(res, SIGNUP_PER_IP.windowSeconds);
    const after = await ctx.db.query(`SELECT count(*)::int AS n FROM practices`);
    expect(after[0].n).toBe(before[0].n);
  });
});
