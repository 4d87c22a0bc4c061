/**
 * A notification that cannot be delivered on its channel however often it is retried: no email
 * address, no active webhook endpoint, a recipient no longer active. The deliver processor
 * should mark the row `skipped` with `reason` as its state_reason and not retry. The reason is a
 * short machine code, never personal data.
 */
export class UndeliverableError extends Error {
  constructor(readonly reason: UndeliverableReason) {
    super(`undeliverable: ${reason}`);
    this.name = 'UndeliverableError';
  }
}

export type UndeliverableReason =
  | 'no_email_address'
  | 'recipient_inactive'
  | 'recipient_not_found'
  | 'webhook_not_configured'
  | 'webhook_inactive'
  | 'webhook_url_refused'
  | 'wrong_channel';

export function isUndeliverable(err: unknown): err is UndeliverableError {
  return err instanceof UndeliverableError;
}

/**
 * A delivery attempt that failed and may succeed later (a non-2xx answer, a timeout, a refused
 * connection): thrown so that Bull retries with backoff. The message holds the status or error
 * code only — never the URL (it may carry a token), the body or the answer.
 */
export class TransientDeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'TransientDeliveryError';
  }
}
