import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string[];
  raw: string;
  /** The decoded text body (quoted-printable undone). */
  text: string;
  subject: string;
}

function decodeQuotedPrintable(s: string): string {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** A real SMTP server on a free port; tests read tokens out of what it receives. */
export class MailCatcher {
  readonly messages: CaughtMail[] = [];
  private server!: SMTPServer;
  port = 0;
  private waiters: Array<() => void> = [];

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const [head, ...body] = raw.split(/\r?\n\r?\n/);
          const subject = /^Subject: (.*)$/m.exec(head)?.[1] ?? '';
          const qp = /Content-Transfer-Encoding: quoted-printable/i.test(head);
          const text = qp ? decodeQuotedPrintable(body.join('\n\n')) : body.join('\n\n');
          this.messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, text, subject });
          this.waiters.splice(0).forEach((w) => w());
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async waitFor(to: string, timeoutMs = 5000): Promise<CaughtMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = [...this.messages].reverse().find((m) => m.to.includes(to));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail for ${to} within ${timeoutMs}ms`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  /** The token query parameter of the last link mailed to `to`. */
  async tokenFor(to: string): Promise<string> {
    const mail = await this.waitFor(to);
    const m = /token=([A-Za-z0-9_-]+)/.exec(mail.text);
    if (!m) throw new Error('no token in mail');
    return m[1];
  }

  clear(): void {
    this.messages.length = 0;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
