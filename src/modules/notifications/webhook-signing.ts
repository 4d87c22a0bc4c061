import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Notification } from './notification.entity';

/** What a practice's endpoint receives: ids only, never a name, an address or clinical text. */
export interface WebhookPayload {
  id: string;
  practiceId: string;
  reason: Notification['reason'];
  channel: Notification['channel'];
  subject: { type: Notification['subjectType']; id: string };
  recipient: { clientId: string } | { userId: string };
  scheduledFor: string;
}

export function webhookPayload(n: Notification): WebhookPayload {
  return {
    id: n.id,
    practiceId: n.practiceId,
    reason: n.reason,
    channel: n.channel,
    subject: { type: n.subjectType, id: n.subjectId },
    recipient: n.recipientClientId ? { clientId: n.recipientClientId } : { userId: n.recipientUserId as string },
    scheduledFor: n.scheduledFor.toISOString(),
  };
}

/** A new signing secret: shown to the admin once, then kept only encrypted. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Hex HMAC-SHA256 over `${timestamp}.${body}`: the X-Kintsugi-Signature header. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** How a receiver checks a delivery (documented for integrators; used by the tests). */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'hex');
  const given = /^[0-9a-f]{64}$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The additional data the secret's AES-GCM envelope is bound to, so it cannot be moved to another practice. */
export const webhookSecretAad = (practiceId: string) => `webhook_endpoint:${practiceId}`;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Private, loopback, link-local and unspecified address literals: never a production webhook target. */
function isInternalAddress(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) return true;
  const kind = isIP(host);
  if (kind === 4) {
    const [a, b] = host.split('.').map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (kind === 6) {
    return host === '::' || host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || host.startsWith('::ffff:');
  }
  return false;
}

/**
 * Why a webhook URL is refused, or null when it is acceptable: https to a public host; plain
 * http only to this machine (localhost, 127.0.0.1, [::1]) and only outside production. No
 * credentials or fragment in the URL (it is shown back to admins and kept unencrypted).
 */
export function webhookUrlProblem(raw: string, production: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute https URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  if (url.hash) return 'must not contain a fragment';
  if (url.protocol === 'https:') {
    if (production && isInternalAddress(url.hostname)) return 'must point to a public host';
    return null;
  }
  if (url.protocol === 'http:') {
    if (production) return 'must be an https URL';
    return LOOPBACK_HOSTS.has(url.hostname) ? null : 'must be an https URL (plain http only to localhost or 127.0.0.1 outside production)';
  }
  return 'must be an https URL';
}
