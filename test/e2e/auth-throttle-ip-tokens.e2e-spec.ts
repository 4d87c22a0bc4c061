import { RESET_REQUEST_PER_ACCOUNT, RESET_REQUEST_PER_IP, TOKEN_REDEEM_PER_IP } from '../../src/modules/auth/throttle-rules';
import { bearer, createPractice, http, PASSWORD, PracticeWorld, uniqueEmail } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { expectRetryAfter, mailedToken } from './auth-helpers';

/**
 * Limits on emailed-token flows: reset requests (per account and per address) and redeeming
 * invitation and reset tokens (per address). The tests run in order and share 127.0.0.1's
 * budgets, which they count.
 */
describe('auth: throttling of reset requests and token redemption', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  let resetRequestsFromIp = 0;
  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'Token Throttle Practice');
  });
  afterAll(() => ctx?.close());

  const requestReset = (email: string) => http(ctx).post('/v1/auth/password-reset/request').send({ email });
  const mailsTo = (email: string) => ctx.mail.messages.filter((m) => m.to.includes(email) && /reset/i.test(m.subject));

  it('reset requests are limited per account, known or not, and a refused one sends no mail', async () => {
    const unknown = uniqueEmail('nobody');
    for (const email of [unknown, world.admin.email]) {
      for (let i = 0; i < RESET_REQUEST_PER_ACCOUNT.limit; i++) {
        await requestReset(email).expect(202);
        resetRequestsFromIp += 1;
      }
      expectRetryAfter(await requestReset(email), RESET_REQUEST_PER_ACCOUNT.windowSeconds);
    }
    // Let the accepted requests' mail arrive, then check no sixth was sent.
    for (let waited = 0; mailsTo(world.admin.email).length < RESET_REQUEST_PER_ACCOUNT.limit && waited < 5000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo(world.admin.email)).toHaveLength(RESET_REQUEST_PER_ACCOUNT.limit);
    expect(mailsTo(unknown)).toHaveLength(0);
  });

  it('reset requests are limited per address across many emails (429 + Retry-After)', async () => {
    expect(resetRequestsFromIp).toBeLessThan(RESET_REQUEST_PER_IP.limit);
    while (resetRequestsFromIp < RESET_REQUEST_PER_IP.limit) {
      await requestReset(uniqueEmail('spray')).expect(202);
      resetRequestsFromIp += 1;
    }
    expectRetryAfter(await requestReset(uniqueEmail('spray')), RESET_REQUEST_PER_IP.windowSeconds);
    // A real account asking from this address is refused too, and gets no mail.
    const colleague = uniqueEmail('colleague');
    await http(ctx).post('/v1/users').set(...bearer(world.admin)).send({ email: colleague, role: 'clinician' }).expect(201);
    const invitation = await mailedToken(ctx, colleague, /invited/i);
    await http(ctx).post('/v1/auth/invitations/accept').send({ token: invitation, password: PASSWORD }).expect(200);
    expectRetryAfter(await requestReset(colleague), RESET_REQUEST_PER_IP.windowSeconds);
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo(colleague)).toHaveLength(0);
  });

  it('failed invitation accepts are limited per address: then even a valid invitation is 429 and stays unspent', async () => {
    const email = uniqueEmail('invitee');
    const invited = await http(ctx).post('/v1/users').set(...bearer(world.admin)).send({ email, role: 'clinician' }).expect(201);
    const token = await mailedToken(ctx, email, /invited/i);

    for (let i = 0; i < TOKEN_REDEEM_PER_IP.limit; i++) {
      const guess = `guessed-token-${i}-${'x'.repeat(30)}`;
      await http(ctx).post('/v1/auth/invitations/accept').send({ token: guess, password: PASSWORD }).expect(401);
    }
    const res = await http(ctx).post('/v1/auth/invitations/accept').send({ token, password: PASSWORD });
    expectRetryAfter(res, TOKEN_REDEEM_PER_IP.windowSeconds);
    expect(res.body.accessToken).toBeUndefined();
    const [user] = await ctx.db.query(`SELECT status FROM users WHERE id = $1`, [invited.body.id]);
    expect(user.status).toBe('invited');
    const [tok] = await ctx.db.query(`SELECT used_at FROM user_tokens WHERE user_id = $1 AND purpose = 'invitation'`, [invited.body.id]);
    expect(tok.used_at).toBeNull();
  });

  it('reset confirmations share the redemption limit', async () => {
    const res = await http(ctx).post('/v1/auth/password-reset/confirm').send({ token: 'y'.repeat(43), password: 'a fine new passphrase' });
    expectRetryAfter(res, TOKEN_REDEEM_PER_IP.windowSeconds);
  });
});
