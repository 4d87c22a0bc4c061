import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { EnvSchema } from '../../config/env.schema';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
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

  async send(message: MailMessage): Promise<void> {
    if (!this.transport) {
      // Development convenience only: the link in the message is how a demo user proceeds.
      this.logger.warn({ devOutbox: { subject: message.subject, message: message.text } }, 'SMTP_URL unset: email written here instead of sent');
      return;
    }
    await this.transport.sendMail({ from: this.config.MAIL_FROM, to: message.to, subject: message.subject, text: message.text });
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
