import { Test } from '@nestjs/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import type { Channel, NotificationReason, NotificationState, NotificationSubject } from '../../src/modules/notifications/notification.entity';
import { Notification } from '../../src/modules/notifications/notification.entity';
import { ClockModule } from '../../src/common/time/clock.module';
import { DeliveryChannelsModule } from '../../src/modules/notifications/delivery-channels.module';
import { CHANNEL_SENDERS, ChannelSender } from '../../src/modules/reminders/reminder.contracts';
import type { TestContext } from '../setup/test-app';

export interface NotificationSeed {
  practiceId: string;
  recipientClientId?: string;
  recipientUserId?: string;
  channel?: Channel;
  reason?: NotificationReason;
  subjectType?: NotificationSubject;
  subjectId?: string;
  state?: NotificationState;
  stateReason?: string | null;
  attempts?: number;
  lastError?: string | null;
  scheduledFor?: Date;
  plannedFor?: Date;
  sentAt?: Date | null;
  readAt?: Date | null;
  providerId?: string | null;
}

/**
 * A notification row written straight to the outbox table, as the engine would have left it.
 * A sent row gets a sent_at (its scheduled time unless given).
 */
export async function insertNotification(ctx: TestContext, s: NotificationSeed): Promise<string> {
  const scheduledFor = s.scheduledFor ?? new Date(Date.now() - 60_000);
  const state = s.state ?? 'sent';
  const sentAt = s.sentAt !== undefined ? s.sentAt : state === 'sent' ? scheduledFor : null;
  const rows: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO notifications (practice_id, recipient_client_id, recipient_user_id, channel, reason, subject_type, subject_id,
                                occurrence_key, dedupe_key, scheduled_for, planned_for, state, state_reason, attempts, last_error,
                                sent_at, read_at, provider_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
    [
      s.practiceId,
      s.recipientClientId ?? null,
      s.recipientUserId ?? null,
      s.channel ?? 'in_app',
      s.reason ?? 'check_in',
      s.subjectType ?? 'check_in_schedule',
      s.subjectId ?? randomUUID(),
      'occ',
      `test:${randomBytes(8).toString('hex')}`,
      scheduledFor,
      s.plannedFor ?? scheduledFor,
      state,
      s.stateReason ?? null,
      s.attempts ?? (state === 'sent' ? 1 : 0),
      s.lastError ?? null,
      sentAt,
      s.readAt ?? null,
      s.providerId ?? null,
    ],
  );
  return rows[0].id;
}

export async function loadNotification(ctx: TestContext, id: string): Promise<Notification> {
  const n = await ctx.db.manager.findOneBy(Notification, { id });
  if (!n) throw new Error(`no notification ${id}`);
  return n;
}

/** A scheduled session of one client with one clinician, written straight to the database. */
export async function insertSession(
  ctx: TestContext,
  practiceId: string,
  clinicianId: string,
  clientId: string,
  startsAt: Date,
  extra: { location?: string; telehealthUrl?: string } = {},
): Promise<string> {
  const rows: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO clinical_sessions (practice_id, kind, clinician_id, starts_at, ends_at, timezone, location, telehealth_url, created_by, version)
     VALUES ($1, 'individual', $2, $3, $4, 'America/New_York', $5, $6, $2, 1) RETURNING id`,
    [practiceId, clinicianId, startsAt, new Date(startsAt.getTime() + 50 * 60_000), extra.location ?? null, extra.telehealthUrl ?? null],
  );
  await ctx.db.query(`INSERT INTO session_participants (session_id, client_id, practice_id) VALUES ($1, $2, $3)`, [rows[0].id, clientId, practiceId]);
  return rows[0].id;
}

/**
 * The delivery channels as the worker builds them (DeliveryChannelsModule), on the test app's
 * database and SMTP server.
 */
export async function startDeliveryChannels(ctx: TestContext) {
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(ctx.config), ClockModule, DatabaseModule, DeliveryChannelsModule],
  }).compile();
  await moduleRef.init();
  const senders = moduleRef.get<ChannelSender[]>(CHANNEL_SENDERS);
  const sender = (channel: Channel): ChannelSender => {
    const found = senders.find((s) => s.channel === channel);
    if (!found) throw new Error(`no ${channel} sender`);
    return found;
  };
  return { moduleRef, senders, sender, close: () => moduleRef.close() };
}

/** A local port where nothing listens (a server is opened on it and closed again). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ReceivedWebhook {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 that records what it gets and answers as told. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** The status of the next answers; a function may vary it per request. */
  status: number | ((n: number) => number) = 200;
  /** Delay before answering, in ms (to provoke the sender's timeout). */
  delayMs = 0;
  /** Extra headers of the answer (e.g. a Location for a redirect). */
  headers: Record<string, string> = {};
  private server!: Server;
  private timers = new Set<NodeJS.Timeout>();
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const status = typeof this.status === 'function' ? this.status(this.received.length) : this.status;
        const answer = () => {
          if (res.destroyed) return;
          res.writeHead(status, { 'content-type': 'text/plain', ...this.headers });
          res.end('answer body the sender must not keep');
        };
        if (this.delayMs > 0) {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            answer();
          }, this.delayMs);
          this.timers.add(timer);
        } else answer();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path = '/hooks/kintsugi'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  last(): ReceivedWebhook {
    const r = this.received[this.received.length - 1];
    if (!r) throw new Error('no webhook received');
    return r;
  }

  stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
