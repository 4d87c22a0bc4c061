import { Injectable } from '@nestjs/common';
import { FieldEncryption } from '../../../common/security/field-encryption';
import { EnvSchema } from '../../../config/env.schema';
import { Clock } from '../../../common/time/clock';
import type { ChannelSender } from '../../reminders/reminder.contracts';
import type { Notification } from '../notification.entity';
import { WebhookEndpointsRepository } from '../webhook-endpoints.repository';
import { signWebhook, webhookPayload, webhookSecretAad, webhookUrlProblem } from '../webhook-signing';
import { TransientDeliveryError, UndeliverableError } from './delivery-errors';

export const WEBHOOK_TIMEOUT_MS = 5000;

/** The delivery headers a practice's endpoint verifies. */
export const WEBHOOK_HEADERS = {
  timestamp: 'X-Kintsugi-Timestamp',
  signature: 'X-Kintsugi-Signature',
  idempotencyKey: 'Idempotency-Key',
} as const;

/**
 * A signed POST to the practice's endpoint (how a practice plugs in SMS or chat). The body holds
 * ids only; the signature is hex HMAC-SHA256 of `${timestamp}.${body}` with the practice's
 * secret; the Idempotency-Key is the same on every retry of the same notification, so the
 * receiver can drop a repeat. Anything but a 2xx within 5 s throws, and Bull retries with backoff.
 */
@Injectable()
export class WebhookChannelSender implements ChannelSender {
  readonly channel = 'webhook' as const;

  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly encryption: FieldEncryption,
    private readonly config: EnvSchema,
    private readonly clock: Clock,
  ) {}

  async send(notification: Notification, idempotencyKey: string): Promise<{ providerId: string | null }> {
    if (notification.channel !== this.channel) throw new UndeliverableError('wrong_channel');
    const endpoint = await this.endpoints.find(notification.practiceId);
    if (!endpoint) throw new UndeliverableError('webhook_not_configured');
    if (!endpoint.active) throw new UndeliverableError('webhook_inactive');
    // Checked again at send time: a URL stored under development rules is not called in production.
    if (webhookUrlProblem(endpoint.url, this.config.NODE_ENV === 'production')) throw new UndeliverableError('webhook_url_refused');

    const secret = this.encryption.decrypt(endpoint.secretCiphertext, webhookSecretAad(notification.practiceId));
    const body = JSON.stringify(webhookPayload(notification));
    const timestamp = String(Math.floor(this.clock.now().getTime() / 1000));

    let res: Response;
    try {
      res = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Kintsugi-Webhooks/1',
          [WEBHOOK_HEADERS.timestamp]: timestamp,
          [WEBHOOK_HEADERS.signature]: signWebhook(secret, timestamp, body),
          [WEBHOOK_HEADERS.idempotencyKey]: idempotencyKey,
        },
        body,
        // A redirect is an answer we do not follow: the signed body goes only where the admin said.
        redirect: 'manual',
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
    } catch (err) {
      throw new TransientDeliveryError(`webhook request failed: ${describeFetchError(err)}`);
    }
    // The answer's body is not read, logged or stored; release the connection.
    await res.body?.cancel().catch(() => undefined);
    if (res.status < 200 || res.status > 299) {
      throw new TransientDeliveryError(`webhook endpoint answered ${res.status}`, res.status);
    }
    return { providerId: null };
  }
}

/** An error code or name only: a fetch error's message may quote the URL. */
function describeFetchError(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `timeout after ${WEBHOOK_TIMEOUT_MS} ms`;
  const code = e?.cause?.code ?? e?.code ?? e?.cause?.name ?? e?.name ?? 'unknown';
  return /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : 'unknown';
}
