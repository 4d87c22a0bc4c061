import { createHmac } from 'node:crypto';
import type { Notification } from './notification.entity';
import { newWebhookSecret, signWebhook, verifyWebhook, webhookPayload, webhookUrlProblem } from './webhook-signing';

describe('webhook signing', () => {
  it('is hex HMAC-SHA256 over `${timestamp}.${body}`', () => {
    const sig = signWebhook('s3cret', '1700000000', '{"a":1}');
    expect(sig).toBe(createHmac('sha256', 's3cret').update('1700000000.{"a":1}').digest('hex'));
    expect(verifyWebhook('s3cret', '1700000000', '{"a":1}', sig)).toBe(true);
    expect(verifyWebhook('s3cret', '1700000001', '{"a":1}', sig)).toBe(false);
    expect(verifyWebhook('other', '1700000000', '{"a":1}', sig)).toBe(false);
    expect(verifyWebhook('s3cret', '1700000000', '{"a":1}', 'zz')).toBe(false);
  });

  it('makes long random secrets', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it('puts ids only in the payload', () => {
    const n = {
      id: 'n1', practiceId: 'p1', reason: 'check_in', channel: 'webhook', subjectType: 'check_in_schedule', subjectId: 's1',
      recipientClientId: 'c1', recipientUserId: null, scheduledFor: new Date('2026-03-10T19:00:00.000Z'),
      occurrenceKey: '2026-03-10', dedupeKey: 'k', lastError: 'x',
    } as unknown as Notification;
    expect(webhookPayload(n)).toEqual({
      id: 'n1', practiceId: 'p1', reason: 'check_in', channel: 'webhook', subject: { type: 'check_in_schedule', id: 's1' },
      recipient: { clientId: 'c1' }, scheduledFor: '2026-03-10T19:00:00.000Z',
    });
    expect(webhookPayload({ ...n, recipientClientId: null, recipientUserId: 'u1' } as Notification).recipient).toEqual({ userId: 'u1' });
  });
});

describe('webhookUrlProblem', () => {
  it.each([
    ['https://hooks.example.org/k', false, null],
    ['https://hooks.example.org/k', true, null],
    ['http://localhost:8080/hook', false, null],
    ['http://127.0.0.1:9/x', false, null],
    ['http://[::1]:9/x', false, null],
  ])('accepts %s (production %s)', (url, production, expected) => {
    expect(webhookUrlProblem(url, production)).toBe(expected);
  });

  it.each([
    ['http://localhost:8080/hook', true, /https/],
    ['http://hooks.example.org/k', false, /https/],
    ['ftp://hooks.example.org/k', false, /https/],
    ['not a url', false, /absolute https URL/],
    ['https://user:pw@hooks.example.org/k', false, /credentials/],
    ['https://hooks.example.org/k#frag', false, /fragment/],
    ['https://127.0.0.1/k', true, /public host/],
    ['https://10.1.2.3/k', true, /public host/],
    ['https://169.254.169.254/latest', true, /public host/],
    ['https://192.168.0.10/k', true, /public host/],
    ['https://localhost/k', true, /public host/],
    ['https://[fd00::1]/k', true, /public host/],
  ])('refuses %s (production %s)', (url, production, expected) => {
    expect(webhookUrlProblem(url, production)).toMatch(expected);
  });
});
