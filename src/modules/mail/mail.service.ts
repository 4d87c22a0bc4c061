import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { EnvSchema } from '../../config/env.schema';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** A stable Message-ID (e.g. derived from an idempotency key), so a resend is recognisable. */
  messageId?: string;
  /** The body greets a person by name: the development log shows the subject only. */
  personal?: boolean;
}

/**
 * The one way the service sends email. Without SMTP_URL (development only; production refuses
 * to boot without it) the message is written to the log so the demo works without a mail server.
 */
@Injectable()
export class MailService implements OnModuleDestroy {
  private readonly logger = new Logger(MailService.name);
  private readonly transport: Transporter | null;

  constructor(private readonly config: EnvSchema) {
    this.transport = config.SMTP_URL ? createTransport(config.SMTP_URL) : null;
  }

  async send(message: MailMessage): Promise<{ messageId: string | null }> {
    if (!this.transport) {
      // Development convenience only: the link in the message is how a demo user proceeds.
      const devOutbox = message.personal ? { subject: message.subject } : { subject: message.subject, message: message.text };
      this.logger.warn({ devOutbox }, 'SMTP_URL unset: email written here instead of sent');
      return { messageId: message.messageId ?? null };
    }
    const info = await this.transport.sendMail({
      from: this.config.MAIL_FROM,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.messageId ? { messageId: message.messageId } : {}),
    });
    return { messageId: (info as { messageId?: string }).messageId ?? message.messageId ?? null };
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
