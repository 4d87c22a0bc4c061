import { LOGIN_PER_ACCOUNT } from '../../src/modules/auth/throttle-rules';
import { createPractice, createStaff, login, PASSWORD } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { auditFor } from './auth-helpers';

/** Fakes Date only; timers, I/O and the database keep real time. */
const fakeDateOnly = () =>
  jest.useFakeTimers({
    advanceTimers: true,
    doNotFake: [
      'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate',
      'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout',
    ],
  });

/**
 * An attacker hammering one account for a whole hour gets no more than 100 passwords checked.
 * The clock is moved forward (Date only; real timers keep running) so that the sliding window
 * lets new attempts in as a real hour would. Its own file: the moved clock leaves attempts
 * "in the future" in this file's Redis prefix.
 */
describe('auth: failed sign-ins per account per hour', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(async () => {
    jest.useRealTimers();
    await ctx?.close();
  });

  it('the owner is not locked out for good: their right password works once the window has passed', async () => {
    // Locked now ...
    const world = await createPractice(ctx, 'Lockout Window Practice');
    const target = await createStaff(ctx, world, 'clinician');
    for (let i = 0; i < LOGIN_PER_ACCOUNT.limit; i++) await login(ctx, target.email, 'wrong wrong wrong');
    expect((await login(ctx, target.email, PASSWORD)).status).toBe(429);
    // ... and lifts once the window has passed.
    fakeDateOnly();
    jest.setSystemTime(Date.now() + (LOGIN_PER_ACCOUNT.windowSeconds + 1) * 1000);
    const res = await login(ctx, target.email, PASSWORD);
    jest.useRealTimers();
    expect(res.status).toBe(200);
  });

  it('a wrong password every few seconds for an hour: at most 100 are evaluated', async () => {
    const world = await createPractice(ctx, 'Hourly Practice');
    const target = await createStaff(ctx, world, 'clinician');

    fakeDateOnly();
    const start = Date.now();
    let evaluated = 0;
    let refused = 0;
    // One attempt every 20 simulated seconds for 60 minutes: 180 attempts.
    for (let s = 0; s < 3600; s += 20) {
      jest.setSystemTime(start + s * 1000);
      const res = await login(ctx, target.email, 'still guessing the password');
      if (res.status === 401) evaluated += 1;
      else {
        expect(res.status).toBe(429);
        expect(res.headers['retry-after']).toMatch(/^\d+$/);
        refused += 1;
      }
    }
    jest.useRealTimers();

    expect(evaluated + refused).toBe(180);
    expect(evaluated).toBeLessThanOrEqual(100);
    // And not far more than the rules intend: `limit` per window, 4 windows an hour.
    expect(evaluated).toBeLessThanOrEqual(LOGIN_PER_ACCOUNT.limit * Math.ceil(3600 / LOGIN_PER_ACCOUNT.windowSeconds));
    const checked = (await auditFor(ctx, target.id, 'auth.login')).filter((e) => e.reason === 'bad_credentials');
    expect(checked).toHaveLength(evaluated);
  }, 60_000);
});
