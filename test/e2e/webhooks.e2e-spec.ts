import { FieldEncryption } from '../../src/common/security/field-encryption';
import { TransientDeliveryError, UndeliverableError } from '../../src/modules/notifications/senders/delivery-errors';
import { verifyWebhook } from '../../src/modules/notifications/webhook-signing';
import type { ChannelSender } from '../../src/modules/reminders/reminder.contracts';
import { Actor, bearer, createPractice, createStaff, http, PracticeWorld, uniqueEmail } from '../factories';
import { insertClient } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';
import { closedPort, insertNotification, loadNotification, startDeliveryChannels, WebhookReceiver } from './notifications.world';

const PATH = '/v1/practice/webhook';

describe('practice webhooks', () => {
  let ctx: TestContext;
  let channels: Awaited<ReturnType<typeof startDeliveryChannels>>;
  let webhook: ChannelSender;
  let receiver: WebhookReceiver;
  let a: PracticeWorld;
  let b: PracticeWorld;
  let clinician: Actor;
  let portal: Actor;
  let clientId: string;

  beforeAll(async () => {
    ctx = await startTestApp();
    channels = await startDeliveryChannels(ctx);
    webhook = channels.sender('webhook');
    receiver = new WebhookReceiver();
    await receiver.start();
    a = await createPractice(ctx, 'Practice A');
    b = await createPractice(ctx, 'Practice B');
    clinician = await createStaff(ctx, a, 'clinician');
    const p = await createPortalClient(ctx, a.practiceId, a.admin.id, 'Wren Calloway');
    portal = p.actor;
    clientId = p.clientId;
  });
  afterAll(async () => {
    await receiver?.stop();
    await channels?.close();
    await ctx?.close();
  });

  beforeEach(() => {
    receiver.status = 200;
    receiver.delayMs = 0;
    receiver.headers = {};
  });

  const put = (who: { accessToken: string }, body: object) => http(ctx).put(PATH).set(...bearer(who)).send(body);
  const endpointRow = async (practiceId: string) =>
    (await ctx.db.query(`SELECT * FROM webhook_endpoints WHERE practice_id = $1`, [practiceId]))[0] as Record<string, unknown> | undefined;
  const webhookNotification = (practiceId: string, over: Partial<Parameters<typeof insertNotification>[1]> = {}) =>
    insertNotification(ctx, { practiceId, recipientClientId: clientId, channel: 'webhook', reason: 'check_in', state: 'pending', ...over });

  describe('settings (admins)', () => {
    it('answers 404 before an endpoint exists', async () => {
      const res = await http(ctx).get(PATH).set(...bearer(b.admin)).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, code: 'not_found' });
    });

    it('creates the endpoint and shows the signing secret once; it is stored only encrypted and GET never shows it', async () => {
      const res = await put(a.admin, { url: receiver.url() }).expect(200);
      expect(res.body).toMatchObject({ url: receiver.url(), active: true, created: true });
      const secret = res.body.secret as string;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

      const row = await endpointRow(a.practiceId);
      expect(JSON.stringify(row)).not.toContain(secret);
      expect(ctx.app.get(FieldEncryption).decrypt(row!.secret_ciphertext as string, `webhook_endpoint:${a.practiceId}`)).toBe(secret);

      const got = await http(ctx).get(PATH).set(...bearer(a.admin)).expect(200);
      expect(got.body).toEqual({ url: receiver.url(), active: true, createdAt: expect.any(String), updatedAt: expect.any(String) });
      expect(got.text).not.toContain(secret);

      // Changing the URL or state keeps the secret and does not show it.
      const changed = await put(a.admin, { url: receiver.url('/other'), active: false }).expect(200);
      expect(changed.body).toMatchObject({ url: receiver.url('/other'), active: false, created: false });
      expect(changed.body.secret).toBeUndefined();
      expect((await endpointRow(a.practiceId))!.secret_ciphertext).toBe(row!.secret_ciphertext);
      // Omitting active leaves it as it was.
      const same = await put(a.admin, { url: receiver.url() }).expect(200);
      expect(same.body.active).toBe(false);
      await put(a.admin, { url: receiver.url(), active: true }).expect(200);
    });

    it('keeps each practice’s endpoint to itself: another practice’s admin sees and changes only theirs', async () => {
      await http(ctx).get(PATH).set(...bearer(b.admin)).expect(404);
      await http(ctx).delete(PATH).set(...bearer(b.admin)).expect(404);
      expect(await endpointRow(a.practiceId)).toBeDefined();
      const created = await put(b.admin, { url: receiver.url('/b') }).expect(200);
      expect(created.body.created).toBe(true);
      expect((await endpointRow(a.practiceId))!.url).toBe(receiver.url());
    });

    it.each([
      [{}, 'url'],
      [{ url: '' }, 'url'],
      [{ url: 'ftp://hooks.example.org/x' }, 'url'],
      [{ url: 'http://hooks.example.org/x' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ url: 'https://user:pw@hooks.example.org/x' }, 'url'],
      [{ url: `https://hooks.example.org/${'x'.repeat(500)}` }, 'url'],
      [{ url: 'https://hooks.example.org/x', active: 'yes' }, 'active'],
      [{ url: 'https://hooks.example.org/x', rotateSecret: 1 }, 'rotateSecret'],
      [{ url: 'https://hooks.example.org/x', secret: 'mine' }, 'secret'],
      [{ url: 'https://hooks.example.org/x', practiceId: '00000000-0000-4000-8000-000000000000' }, 'practiceId'],
    ])('refuses %j with 400 naming %s, and changes nothing', async (body, field) => {
      const before = await endpointRow(a.practiceId);
      const res = await put(a.admin, body).expect(400);
      expect(res.body.message).toContain(`${field}:`);
      expect(res.body.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(await endpointRow(a.practiceId)).toEqual(before);
    });

    it('refuses clinicians and portal clients (403) and anonymous callers (401), changing nothing', async () => {
      const before = await endpointRow(a.practiceId);
      for (const who of [clinician, portal]) {
        await http(ctx).get(PATH).set(...bearer(who)).expect(403);
        await put(who, { url: 'https://evil.example.org/x', rotateSecret: true }).expect(403);
        await http(ctx).delete(PATH).set(...bearer(who)).expect(403);
      }
      await http(ctx).get(PATH).expect(401);
      await http(ctx).put(PATH).send({ url: 'https://evil.example.org/x' }).expect(401);
      await http(ctx).delete(PATH).expect(401);
      expect(await endpointRow(a.practiceId)).toEqual(before);
    });

    it('accepts https to a public host', async () => {
      const p = await createPractice(ctx, 'Https Practice');
      const res = await put(p.admin, { url: 'https://hooks.example.org/kintsugi?tenant=7' }).expect(200);
      expect(res.body.url).toBe('https://hooks.example.org/kintsugi?tenant=7');
    });
  });

  describe('delivery (webhook sender, real HTTP receiver)', () => {
    let secret: string;

    beforeAll(async () => {
      const res = await put(a.admin, { url: receiver.url(), active: true, rotateSecret: true }).expect(200);
      secret = res.body.secret;
    });

    it('POSTs the ids as JSON, signed with the practice’s secret over timestamp.body, with the idempotency key', async () => {
      const id = await webhookNotification(a.practiceId, { reason: 'session_reminder', subjectType: 'session', scheduledFor: new Date('2030-01-02T03:04:05.678Z') });
      const n = await loadNotification(ctx, id);
      const before = receiver.received.length;
      const result = await webhook.send(n, `notification:${id}`);
      expect(result).toEqual({ providerId: null });
      expect(receiver.received.length).toBe(before + 1);

      const got = receiver.last();
      expect(got.method).toBe('POST');
      expect(got.url).toBe('/hooks/kintsugi');
      expect(got.headers['content-type']).toBe('application/json');
      expect(JSON.parse(got.body)).toEqual({
        id,
        practiceId: a.practiceId,
        reason: 'session_reminder',
        channel: 'webhook',
        subject: { type: 'session', id: n.subjectId },
        recipient: { clientId },
        scheduledFor: '2030-01-02T03:04:05.678Z',
      });
      const timestamp = got.headers['x-kintsugi-timestamp'] as string;
      expect(timestamp).toMatch(/^\d{10}$/);
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(10);
      const signature = got.headers['x-kintsugi-signature'] as string;
      expect(signature).toMatch(/^[0-9a-f]{64}$/);
      expect(verifyWebhook(secret, timestamp, got.body, signature)).toBe(true);
      expect(verifyWebhook('whsec_wrong', timestamp, got.body, signature)).toBe(false);
      expect(got.headers['idempotency-key']).toBe(`notification:${id}`);
      // Ids only: no name, no address.
      expect(got.body).not.toContain('Wren');
      expect(got.body).not.toContain('Calloway');
      expect(got.body).not.toContain(portal.email);
    });

    it('sends the same idempotency key on every retry of the same notification, another for another', async () => {
      const id = await webhookNotification(a.practiceId);
      const n = await loadNotification(ctx, id);
      await webhook.send(n, `notification:${id}`);
      await webhook.send(n, `notification:${id}`);
      const otherId = await webhookNotification(a.practiceId);
      await webhook.send(await loadNotification(ctx, otherId), `notification:${otherId}`);
      const keys = receiver.received.slice(-3).map((r) => r.headers['idempotency-key']);
      expect(keys).toEqual([`notification:${id}`, `notification:${id}`, `notification:${otherId}`]);
      for (const r of receiver.received.slice(-3)) {
        expect(verifyWebhook(secret, r.headers['x-kintsugi-timestamp'] as string, r.body, r.headers['x-kintsugi-signature'] as string)).toBe(true);
      }
    });

    it.each([500, 503, 404, 401, 429, 302])('throws on a %s answer, so that Bull retries it', async (status) => {
      receiver.status = status;
      if (status === 302) receiver.headers = { location: receiver.url('/elsewhere') };
      const id = await webhookNotification(a.practiceId);
      const before = receiver.received.length;
      const err = await webhook.send(await loadNotification(ctx, id), `notification:${id}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransientDeliveryError);
      expect((err as TransientDeliveryError).status).toBe(status);
      expect((err as Error).message).toBe(`webhook endpoint answered ${status}`);
      // A redirect is not followed.
      expect(receiver.received.length).toBe(before + 1);
    });

    it('gives up on an endpoint that does not answer within 5 s, and on one that refuses connections', async () => {
      receiver.delayMs = 7000;
      const id = await webhookNotification(a.practiceId);
      const started = Date.now();
      const err = await webhook.send(await loadNotification(ctx, id), `notification:${id}`).catch((e: unknown) => e);
      const took = Date.now() - started;
      expect(err).toBeInstanceOf(TransientDeliveryError);
      expect((err as Error).message).toBe('webhook request failed: timeout after 5000 ms');
      expect(took).toBeGreaterThanOrEqual(4900);
      expect(took).toBeLessThan(6500);

      const p = await createPractice(ctx, 'Closed Port Practice');
      await put(p.admin, { url: `http://127.0.0.1:${await closedPort()}/nothing-listens` }).expect(200);
      const c = await insertClient(ctx, p.practiceId, p.admin.id, { fullName: 'X Y', email: uniqueEmail('x') });
      const id2 = await insertNotification(ctx, { practiceId: p.practiceId, recipientClientId: c, channel: 'webhook', state: 'pending' });
      const refused = await webhook.send(await loadNotification(ctx, id2), `notification:${id2}`).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(TransientDeliveryError);
      expect((refused as Error).message).toBe('webhook request failed: ECONNREFUSED');
      expect((refused as Error).message).not.toContain('127.0.0.1');
    }, 20_000);

    it('signs a staff alert with the recipient’s user id', async () => {
      const id = await insertNotification(ctx, { practiceId: a.practiceId, recipientUserId: clinician.id, channel: 'webhook', reason: 'clinician_alert', subjectType: 'check_in', state: 'pending' });
      await webhook.send(await loadNotification(ctx, id), `notification:${id}`);
      expect(JSON.parse(receiver.last().body).recipient).toEqual({ userId: clinician.id });
    });

    it('uses each practice’s own URL and secret', async () => {
      const res = await put(b.admin, { url: receiver.url('/b'), rotateSecret: true }).expect(200);
      const bSecret = res.body.secret as string;
      const bClient = await insertClient(ctx, b.practiceId, b.admin.id, { fullName: 'B Client' });
      const id = await insertNotification(ctx, { practiceId: b.practiceId, recipientClientId: bClient, channel: 'webhook', state: 'pending' });
      await webhook.send(await loadNotification(ctx, id), `notification:${id}`);
      const got = receiver.last();
      expect(got.url).toBe('/b');
      const [ts, sig] = [got.headers['x-kintsugi-timestamp'] as string, got.headers['x-kintsugi-signature'] as string];
      expect(verifyWebhook(bSecret, ts, got.body, sig)).toBe(true);
      expect(verifyWebhook(secret, ts, got.body, sig)).toBe(false);
    });

    it('rotates the secret: the new one is shown once and signs from then on; the old one no longer verifies', async () => {
      const rotated = await put(a.admin, { url: receiver.url(), rotateSecret: true }).expect(200);
      expect(rotated.body.created).toBe(false);
      const fresh = rotated.body.secret as string;
      expect(fresh).toMatch(/^whsec_/);
      expect(fresh).not.toBe(secret);
      const got = await http(ctx).get(PATH).set(...bearer(a.admin)).expect(200);
      expect(got.text).not.toContain(fresh);

      const id = await webhookNotification(a.practiceId);
      await webhook.send(await loadNotification(ctx, id), `notification:${id}`);
      const r = receiver.last();
      const [ts, sig] = [r.headers['x-kintsugi-timestamp'] as string, r.headers['x-kintsugi-signature'] as string];
      expect(verifyWebhook(fresh, ts, r.body, sig)).toBe(true);
      expect(verifyWebhook(secret, ts, r.body, sig)).toBe(false);
      secret = fresh;
    });

    it('skips (without calling anything) a practice whose endpoint is inactive or deleted', async () => {
      const id = await webhookNotification(a.practiceId);
      const before = receiver.received.length;

      await put(a.admin, { url: receiver.url(), active: false }).expect(200);
      const inactive = await webhook.send(await loadNotification(ctx, id), `notification:${id}`).catch((e: unknown) => e);
      expect((inactive as UndeliverableError).reason).toBe('webhook_inactive');

      await http(ctx).delete(PATH).set(...bearer(a.admin)).expect(204);
      expect(await endpointRow(a.practiceId)).toBeUndefined();
      await http(ctx).get(PATH).set(...bearer(a.admin)).expect(404);
      await http(ctx).delete(PATH).set(...bearer(a.admin)).expect(404);
      const gone = await webhook.send(await loadNotification(ctx, id), `notification:${id}`).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(UndeliverableError);
      expect((gone as UndeliverableError).reason).toBe('webhook_not_configured');
      expect(receiver.received.length).toBe(before);

      // Creating it again issues a new secret, shown once.
      const again = await put(a.admin, { url: receiver.url() }).expect(200);
      expect(again.body.created).toBe(true);
      expect(again.body.secret).toMatch(/^whsec_/);
    });

    it('audits reads and changes of the settings, without the secret', async () => {
      await ctx.flushAudit();
      const rows: Array<{ action: string }> = await ctx.db.query(
        `SELECT action, outcome FROM audit_events WHERE practice_id = $1 AND resource_type = 'webhook_endpoint'`,
        [a.practiceId],
      );
      expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['practice.webhook.read', 'practice.webhook.update', 'practice.webhook.delete']));
      const dump = JSON.stringify(await ctx.db.query(`SELECT * FROM audit_events WHERE practice_id = $1`, [a.practiceId]));
      expect(dump).not.toContain('whsec_');
    });
  });
});
