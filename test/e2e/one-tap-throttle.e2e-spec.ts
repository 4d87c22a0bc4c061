import { ONE_TAP_REDEEM_PER_IP } from '../../src/modules/one-tap/one-tap.policy';
import { OneTapService } from '../../src/modules/one-tap/one-tap.service';
import { LOGIN_PER_IP } from '../../src/modules/auth/throttle-rules';
import { createPractice, http, PracticeWorld } from '../factories';
import { insertClient } from '../factories/clinical';
import { startTestApp, TestContext } from '../setup/test-app';
import { expectRetryAfter } from './auth-helpers';

/**
 * Redeeming one-tap links is limited per address: failed attempts count (unknown, used or
 * expired tokens), successes give theirs back. Behind a trusted proxy so that each test speaks
 * from an address of its own.
 */
describe('one-tap links: throttling per IP', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  let clientId: string;

  beforeAll(async () => {
    ctx = await startTestApp({ TRUST_PROXY: 'true' });
    world = await createPractice(ctx, 'One-Tap Throttle Practice');
    clientId = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: 'Tess Throttle' });
  });
  afterAll(() => ctx?.close());

  const issue = async () =>
    (await ctx.app.get(OneTapService).issue(ctx.db.manager, { practiceId: world.practiceId, clientId, purpose: 'open_check_in', subjectId: clientId })).token;
  const redeem = (token: string, ip: string) => http(ctx).post('/v1/one-tap/redeem').set('X-Forwarded-For', ip).send({ token });
  const bogus = (i: number) => `guess-${i}-${'x'.repeat(30)}`;

  it(`allows ${ONE_TAP_REDEEM_PER_IP.limit} failures per address in ${ONE_TAP_REDEEM_PER_IP.windowSeconds / 60} minutes, then 429 with Retry-After — even for a good token`, async () => {
    const ip = '198.51.100.1';
    for (let i = 0; i < ONE_TAP_REDEEM_PER_IP.limit; i++) await redeem(bogus(i), ip).expect(404);
    expectRetryAfter(await redeem(bogus(99), ip), ONE_TAP_REDEEM_PER_IP.windowSeconds);
    const good = await issue();
    expectRetryAfter(await redeem(good, ip), ONE_TAP_REDEEM_PER_IP.windowSeconds);
    // Refused before it was looked at: the good token is still unspent, and works from elsewhere.
    await redeem(good, '198.51.100.2').expect(200);
    // Previews share the budget.
    expectRetryAfter(await http(ctx).post('/v1/one-tap/preview').set('X-Forwarded-For', ip).send({ token: good }), ONE_TAP_REDEEM_PER_IP.windowSeconds);
  });

  it('used and expired tokens count as failures too', async () => {
    const ip = '198.51.100.3';
    const used = await issue();
    await redeem(used, ip).expect(200);
    for (let i = 0; i < ONE_TAP_REDEEM_PER_IP.limit; i++) await redeem(used, ip).expect(410);
    expectRetryAfter(await redeem(used, ip), ONE_TAP_REDEEM_PER_IP.windowSeconds);
  });

  it('successes do not count: many good links from one address all work', async () => {
    const ip = '198.51.100.4';
    for (let i = 0; i < ONE_TAP_REDEEM_PER_IP.limit + 5; i++) await redeem(await issue(), ip).expect(200);
    await redeem(bogus(1), ip).expect(404);
  });

  it('its own bucket: exhausting it leaves sign-in from that address alone', async () => {
    const ip = '198.51.100.5';
    for (let i = 0; i < ONE_TAP_REDEEM_PER_IP.limit; i++) await redeem(bogus(i), ip).expect(404);
    expect(ONE_TAP_REDEEM_PER_IP.name).not.toBe(LOGIN_PER_IP.name);
    const login = await http(ctx).post('/v1/auth/login').set('X-Forwarded-For', ip).send({ email: world.admin.email, password: world.admin.password });
    expect(login.status).toBe(200);
  });

  it('refusals are audited as throttled, without the token', async () => {
    await ctx.flushAudit();
    const rows: Array<{ reason: string; ip: string }> = await ctx.db.query(`SELECT reason, ip FROM audit_events WHERE action = 'one_tap.redeem' AND outcome = 'denied'`);
    expect(rows.some((r) => r.reason === 'throttled' && r.ip === '198.51.100.1')).toBe(true);
    expect(rows.some((r) => r.reason === 'not_found')).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('guess-');
  });
});
