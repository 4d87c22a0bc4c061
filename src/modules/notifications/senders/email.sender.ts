import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EnvSchema } from '../../../config/env.schema';
import { MailService } from '../../mail/mail.service';
import { OneTapService } from '../../one-tap/one-tap.service';
import type { ChannelSender } from '../../reminders/reminder.contracts';
import { NotificationFactsRepository } from '../notification-facts.repository';
import { renderEmail } from '../notification-messages';
import type { Notification } from '../notification.entity';
import { UndeliverableError } from './delivery-errors';

/** The domain of MAIL_FROM's address ("Kintsugi <no-reply@kintsugi.local>" → kintsugi.local). */
export function mailDomainOf(mailFrom: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(mailFrom.trim());
  return m ? m[1].toLowerCase() : 'kintsugi.local';
}

/**
 * The Message-ID of a notification's email: a hash of its idempotency key, so every resend of
 * the same notification carries the same id (mail clients and relays recognise the duplicate)
 * and the key itself is not exposed.
 */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  return `<kt-${digest}@${domain}>`;
}

/**
 * Email over SMTP through MailService. The message is rendered from ids at send time, with
 * fresh one-tap links for a client; the recipient's address and name are read here and go
 * nowhere else (not the job, not the log).
 */
@Injectable()
export class EmailChannelSender implements ChannelSender {
  readonly channel = 'email' as const;
  private readonly domain: string;

  constructor(
    private readonly mail: MailService,
    private readonly facts: NotificationFactsRepository,
    private readonly config: EnvSchema,
    private readonly oneTap: OneTapService,
  ) {
    this.domain = mailDomainOf(config.MAIL_FROM);
  }

  async send(notification: Notification, idempotencyKey: string): Promise<{ providerId: string | null }> {
    if (notification.channel !== this.channel) throw new UndeliverableError('wrong_channel');
    const facts = await this.facts.forDelivery(notification);
    if (!facts?.recipient) throw new UndeliverableError('recipient_not_found');
    const { recipient } = facts;
    if (!recipient.active) throw new UndeliverableError('recipient_inactive');
    if (!recipient.email) throw new UndeliverableError('no_email_address');

    // Fresh single-use links for a client (open the thing, confirm or cancel the session); staff sign in.
    const oneTap = recipient.kind === 'client' ? await this.oneTap.linksForNotification(notification) : {};
    const message = renderEmail(notification.reason, {
      practiceName: facts.practiceName,
      when: facts.when,
      greetingName: recipient.greetingName,
      recipientKind: recipient.kind,
      links: { signIn: this.config.APP_BASE_URL, ...oneTap },
    });
    const messageId = messageIdFor(idempotencyKey, this.domain);
    await this.mail.send({ to: recipient.email, subject: message.subject, text: message.text, messageId, personal: true });
    return { providerId: messageId };
  }
}
