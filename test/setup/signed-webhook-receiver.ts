import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { WEBHOOK_HEADERS } from '../../src/modules/notifications/senders/webhook.sender';
import { verifyWebhook } from '../../src/modules/notifications/webhook-signing';

interface KeyRecord {
  /** Requests with this Idempotency-Key whose body arrived with a valid signature. */
  received: number;
  /** Of those, answered 2xx on a connection still open (the sender could see the answer). */
  acknowledged: number;
  /** The notification id in the signed body. */
  notificationId: string;
}

/**
 * A practice's webhook endpoint as an integrator would write it, on 127.0.0.1: it checks the
 * HMAC-SHA256 signature over `${timestamp}.${body}` with the practice's secret (401 otherwise)
 * and records every delivery by its Idempotency-Key. `delayMs` holds each answer back, so that
 * deliveries are in flight when a test kills the worker.
 */
export class SignedWebhookReceiver {
  secret = '';
  delayMs = 0;
  readonly byKey = new Map<string, KeyRecord>();
  badSignatures = 0;
  /** Requests whose answer is being held back right now. */
  inFlight = 0;
  port = 0;
  private server!: Server;
  private readonly timers = new Set<NodeJS.Timeout>();

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const header = (name: string) => String(req.headers[name.toLowerCase()] ?? '');
        const key = header(WEBHOOK_HEADERS.idempotencyKey);
        if (!this.secret || !key || !verifyWebhook(this.secret, header(WEBHOOK_HEADERS.timestamp), body, header(WEBHOOK_HEADERS.signature))) {
          this.badSignatures += 1;
          res.writeHead(401).end();
          return;
        }
        const record = this.byKey.get(key) ?? { received: 0, acknowledged: 0, notificationId: (JSON.parse(body) as { id: string }).id };
        record.received += 1;
        this.byKey.set(key, record);
        const answer = () => {
          this.inFlight -= 1;
          if (res.destroyed || req.socket.destroyed) return;
          res.writeHead(204).end(() => {
            record.acknowledged += 1;
          });
        };
        this.inFlight += 1;
        if (this.delayMs > 0) {
          const t = setTimeout(() => {
            this.timers.delete(t);
            answer();
          }, this.delayMs);
          this.timers.add(t);
        } else answer();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/kintsugi`;
  }

  /** Distinct Idempotency-Keys received. */
  keys(): string[] {
    return [...this.byKey.keys()];
  }

  /** Keys received more than once (a resend after a crash: the receiver drops the repeat by key). */
  repeated(): string[] {
    return [...this.byKey.entries()].filter(([, r]) => r.received > 1).map(([k]) => k);
  }

  stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
