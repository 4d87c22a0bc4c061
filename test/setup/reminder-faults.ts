import 'reflect-metadata';
import Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/config/env.schema';
import { typeormOptions } from '../../src/database/typeorm-options';
import { AuditService } from '../../src/modules/audit/audit.service';
import type { Channel, NotificationState } from '../../src/modules/notifications/notification.entity';
import { mailDomainOf, messageIdFor } from '../../src/modules/notifications/senders/email.sender';
import { NotificationOutbox } from '../../src/modules/reminders/notification-outbox';
import type { PlannedReminder } from '../../src/modules/reminders/reminder.contracts';
import { Actor, bearer, createPractice, PracticeWorld } from '../factories';
import { createPortalClient } from '../factories/portal';
import { until } from './free-port';
import { isolate, Isolation } from './isolation';
import { MailCatcher } from './mail-catcher';
import { OwnPostgres } from './pg-cluster';
import { OwnRedis } from './redis-server';
import { SignedWebhookReceiver } from './signed-webhook-receiver';
import type { TestContext } from './test-app';
import { WorkerProcess } from './worker-process';

/**
 * Engine settings for fault tests: sweeps every 250 ms, reconciliation after 1 s, a 5 s claim
 * lease (the smallest allowed), fast retries. Production defaults are slower, not different.
 */
export const FAULT_ENGINE: Record<string, string> = {
  REMINDER_SWEEP_INTERVAL_MS: '250',
  REMINDER_RECONCILE_GRACE_SECONDS: '1',
  REMINDER_NEAR_TERM_WINDOW_SECONDS: '60',
  REMINDER_RETRY_BACKOFF_MS: '250',
  REMINDER_CLAIM_LEASE_SECONDS: '5',
  REMINDER_SHUTDOWN_GRACE_MS: '3000',
  REMINDER_DELIVERY_ATTEMPTS: '10',
};

/** The worker's connections carry this name, so a test can find (and terminate) them alone. */
export const WORKER_APP_NAME = 'kintsugi-fault-worker';

export interface FaultRecipient {
  clientId: string;
  actor: Actor;
  scheduleId: string;
}

export interface PlannedRow {
  id: string;
  channel: Channel;
  clientId: string;
}

export interface FaultWorldOptions {
  /** clone: a database cloned from the run's template on the shared server; own: a cluster of the test's own (it can be restarted). */
  postgres: 'clone' | 'own';
}

/**
 * Everything a fault test needs, all its own: a redis-server it may flush or kill, a database
 * (cloned on the shared PostgreSQL, or in a throwaway cluster it may restart), a real SMTP
 * server, a signature-checking webhook receiver, the API in-process (it plans through the
 * outbox and serves the inbox) and worker child processes. `close()` removes all of it.
 *
 * To look closer: FAULT_VERBOSE=1 prints each test's counts and lateness, FAULT_LOG_DIR=<dir>
 * keeps the workers' logs there, FAULT_WORKER_LOG_LEVEL=debug makes them talkative.
 */
export class FaultWorld {
  readonly redis = new OwnRedis();
  readonly mail = new MailCatcher();
  readonly webhook = new SignedWebhookReceiver();
  readonly workers: WorkerProcess[] = [];
  readonly prefix = `kt_fault:${randomBytes(4).toString('hex')}`;
  pg: OwnPostgres | null = null;
  private isolation: Isolation | null = null;
  databaseUrl = '';
  ctx!: TestContext;
  practice!: PracticeWorld;
  outbox!: NotificationOutbox;
  /** Notification ids whose claim the workers reported taking over after its lease (a resend). */
  readonly takenOver = new Set<string>();

  private constructor(private readonly options: FaultWorldOptions) {}

  static async start(options: FaultWorldOptions): Promise<FaultWorld> {
    const w = new FaultWorld(options);
    try {
      await w.boot();
    } catch (err) {
      await w.close();
      throw err;
    }
    return w;
  }

  private async boot(): Promise<void> {
    await this.redis.start();
    await this.mail.start();
    await this.webhook.start();
    if (this.options.postgres === 'own') {
      this.pg = new OwnPostgres();
      await this.pg.init();
      await this.pg.query('postgres', 'CREATE DATABASE kintsugi_faults');
      this.databaseUrl = this.pg.url('kintsugi_faults');
      const ds = new DataSource(typeormOptions(this.databaseUrl));
      await ds.initialize();
      await ds.runMigrations({ transaction: 'each' });
      await ds.destroy();
    } else {
      this.isolation = await isolate();
      this.databaseUrl = this.isolation.databaseUrl;
    }

    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: this.prefix,
      SMTP_URL: this.mail.url,
      LOG_LEVEL: 'silent',
      AUDIT_FLUSH_INTERVAL_MS: '50',
      ...FAULT_ENGINE,
    });
    const app = await createApiApp(config);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 5 });
    this.ctx = {
      app,
      db: app.get(DataSource),
      mail: this.mail,
      config,
      redis,
      flushAudit: () => app.get(AuditService).flush(),
      close: async () => {
        await app.close();
        redis.disconnect();
      },
    };
    this.outbox = app.get(NotificationOutbox);
    this.practice = await createPractice(this.ctx, 'Fault Practice');
    await this.ctx.db.query(`UPDATE practices SET settings = settings || '{"quietHours": null}'::jsonb WHERE id = $1`, [this.practice.practiceId]);
    const hook = await this.http().put('/v1/practice/webhook').set(...bearer(this.practice.admin)).send({ url: this.webhook.url });
    if (hook.status !== 200 || !hook.body.secret) throw new Error(`webhook setup failed: ${hook.status} ${JSON.stringify(hook.body)}`);
    this.webhook.secret = hook.body.secret;
  }

  http() {
    return request(this.ctx.app.getHttpServer());
  }

  /** The worker's environment: the same database, Redis and prefix as the API, the test's SMTP server. */
  workerEnv(): Record<string, string> {
    const url = new URL(this.databaseUrl);
    url.searchParams.set('application_name', WORKER_APP_NAME);
    return {
      DATABASE_URL: url.toString(),
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: this.prefix,
      SMTP_URL: this.mail.url,
      WORKER_QUEUES: 'all',
      ...FAULT_ENGINE,
    };
  }

  async startWorker(): Promise<WorkerProcess> {
    const worker = new WorkerProcess(this.workerEnv());
    this.workers.push(worker);
    await worker.start();
    return worker;
  }

  /** Portal clients (email, inbox) who accept email, in-app and webhook, each with a check-in schedule to be reminded about. */
  async recipients(n: number): Promise<FaultRecipient[]> {
    const out: FaultRecipient[] = [];
    for (let i = 0; i < n; i++) {
      const { clientId, actor } = await createPortalClient(this.ctx, this.practice.practiceId, this.practice.admin.id);
      await this.ctx.db.query(`UPDATE clients SET reminder_preferences = '{"channels":["email","in_app","webhook"],"quietHours":null}' WHERE id = $1`, [clientId]);
      const [schedule]: Array<{ id: string }> = await this.ctx.db.query(
        `INSERT INTO check_in_schedules (practice_id, client_id, rrule, local_time, active, materialized_until, created_by, version)
         VALUES ($1, $2, 'FREQ=DAILY', '20:00', true, '2100-01-01', $3, 1) RETURNING id`,
        [this.practice.practiceId, clientId, this.practice.admin.id],
      );
      out.push({ clientId, actor, scheduleId: schedule.id });
    }
    return out;
  }

  /**
   * Plans `perRecipient` check-in reminders for each recipient on all three channels, through
   * the engine's outbox in one transaction, due at `dueAt(i)` for the i-th reminder overall.
   */
  async plan(recipients: FaultRecipient[], perRecipient: number, dueAt: (i: number) => Date): Promise<PlannedRow[]> {
    const tag = randomUUID().slice(0, 8);
    const reminders: PlannedReminder[] = [];
    let i = 0;
    for (let k = 0; k < perRecipient; k++) {
      for (const r of recipients) {
        reminders.push({
          practiceId: this.practice.practiceId,
          recipient: { kind: 'client', clientId: r.clientId },
          reason: 'check_in',
          subjectType: 'check_in_schedule',
          subjectId: r.scheduleId,
          occurrenceKey: `${tag}-${k}`,
          at: dueAt(i++),
          channels: ['email', 'in_app', 'webhook'],
        });
      }
    }
    await this.ctx.db.transaction((m) => this.outbox.plan(m, reminders));
    const rows: Array<{ id: string; channel: Channel; clientId: string; state: NotificationState }> = await this.ctx.db.query(
      `SELECT id, channel, recipient_client_id AS "clientId", state FROM notifications WHERE practice_id = $1 AND occurrence_key LIKE $2 ORDER BY id`,
      [this.practice.practiceId, `${tag}-%`],
    );
    const notPending = rows.filter((r) => r.state !== 'pending');
    if (notPending.length || rows.length !== reminders.length * 3) {
      throw new Error(`planning made ${rows.length} rows (${notPending.length} not pending) for ${reminders.length} reminders × 3 channels`);
    }
    return rows.map(({ id, channel, clientId }) => ({ id, channel, clientId }));
  }

  /** Rows by state (for progress and for a failing test's message). */
  async states(rows: PlannedRow[]): Promise<Record<string, number>> {
    const found: Array<{ state: string; n: number }> = await this.ctx.db.query(
      `SELECT state, count(*)::int AS n FROM notifications WHERE id = ANY($1::uuid[]) GROUP BY state`,
      [rows.map((r) => r.id)],
    );
    return Object.fromEntries(found.map((f) => [f.state, f.n]));
  }

  /** Forgets what the SMTP server and the webhook receiver got so far (between tests of one world). */
  forgetDeliveries(): void {
    this.mail.clear();
    this.webhook.byKey.clear();
    this.webhook.badSignatures = 0;
  }

  /** Rows the sweep has put in Redis (enqueued_at set) or already delivered. */
  async queuedOrSent(rows: PlannedRow[]): Promise<number> {
    const [r]: Array<{ n: number }> = await this.ctx.db.query(
      `SELECT count(*)::int AS n FROM notifications WHERE id = ANY($1::uuid[]) AND (enqueued_at IS NOT NULL OR state = 'sent')`,
      [rows.map((x) => x.id)],
    );
    return r.n;
  }

  /** Delivery time minus due time of the sent rows, in ms (p50 and max). */
  async lateness(rows: PlannedRow[]): Promise<{ p50: number; max: number }> {
    const [r]: Array<{ p50: number | null; max: number | null }> = await this.ctx.db.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, max(ms) AS max
         FROM (SELECT extract(epoch FROM sent_at - scheduled_for) * 1000 AS ms FROM notifications WHERE id = ANY($1::uuid[]) AND state = 'sent') t`,
      [rows.map((x) => x.id)],
    );
    return { p50: Math.round(r.p50 ?? 0), max: Math.round(r.max ?? 0) };
  }

  /** Waits until every row is sent (or something is no longer pending without being sent). */
  async allSent(rows: PlannedRow[], timeoutMs: number): Promise<void> {
    try {
      await until(
        async () => {
          const s = await this.states(rows);
          const stuck = Object.keys(s).filter((k) => k !== 'pending' && k !== 'sent');
          if (stuck.length) throw new Error(`rows left pending for good: ${JSON.stringify(s)}`);
          return (s.sent ?? 0) === rows.length;
        },
        `${rows.length} notifications to be sent`,
        timeoutMs,
        250,
      );
    } catch (err) {
      const s = await this.states(rows).catch(() => ({}));
      throw new Error(`${(err as Error).message}; states ${JSON.stringify(s)}; worker log: ${this.workers.at(-1)?.tail(2000) ?? ''}`);
    }
  }

  /** Takeover warnings in the workers' logs: the only sends the engine repeats (same idempotency key). */
  collectTakeovers(): Set<string> {
    for (const w of this.workers) {
      for (const line of w.log.join('').split('\n')) {
        if (!line.includes('taking over an expired delivery claim')) continue;
        const id = /"notificationId":"([0-9a-f-]{36})"/.exec(line)?.[1];
        if (id) this.takenOver.add(id);
      }
    }
    return this.takenOver;
  }

  /** Every in-app notification in a recipient's inbox, through GET /v1/me/notifications (all pages). */
  async inbox(actor: Actor): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await this.http()
        .get('/v1/me/notifications')
        .query({ limit: 100, ...(cursor ? { cursor } : {}) })
        .set(...bearer(actor));
      if (res.status !== 200) throw new Error(`inbox answered ${res.status}: ${JSON.stringify(res.body)}`);
      ids.push(...(res.body.data as Array<{ id: string }>).map((n) => n.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    return ids;
  }

  /**
   * Counts every delivery where it landed and checks it against the plan: each email row once in
   * the SMTP server (by Message-ID, to the right address), each webhook row once at the receiver
   * (by Idempotency-Key, signature checked), each in-app row once in its recipient's inbox, and
   * one completed ledger row per notification. `mayRepeat` are the notifications whose send was
   * cut off by the fault and taken over after the lease: they may have reached the wire twice
   * with the SAME key (the receiver drops the repeat); nothing else may.
   */
  async deliveryReport(rows: PlannedRow[], recipients: FaultRecipient[]): Promise<DeliveryReport> {
    const ours = new Set(rows.map((r) => r.id));
    const mayRepeat = new Set([...this.collectTakeovers()].filter((id) => ours.has(id)));
    const domain = mailDomainOf(this.ctx.config.MAIL_FROM);
    const emailRows = rows.filter((r) => r.channel === 'email');
    const expectedMessageIds = new Map(emailRows.map((r) => [messageIdFor(r.id, domain), r]));
    const emailOf = new Map(recipients.map((r) => [r.clientId, r.actor.email]));

    const byMessageId = new Map<string, number>();
    let strayMails = 0;
    let misaddressed = 0;
    for (const m of this.mail.messages) {
      const id = /^Message-ID:\s*(<[^>]+>)/im.exec(m.raw)?.[1];
      const row = id ? expectedMessageIds.get(id) : undefined;
      if (!id || !row) {
        strayMails += 1;
        continue;
      }
      if (!m.to.includes(emailOf.get(row.clientId) ?? '')) misaddressed += 1;
      byMessageId.set(id, (byMessageId.get(id) ?? 0) + 1);
    }

    const webhookRows = rows.filter((r) => r.channel === 'webhook');
    const expectedKeys = new Set(webhookRows.map((r) => r.id));
    const strayHooks = this.webhook.keys().filter((k) => !expectedKeys.has(k)).length;

    const inAppRows = rows.filter((r) => r.channel === 'in_app');
    const inboxIds: string[] = [];
    for (const r of recipients) inboxIds.push(...(await this.inbox(r.actor)));
    const planned = new Set(inAppRows.map((r) => r.id));
    const inboxCounts = new Map<string, number>();
    for (const id of inboxIds) if (planned.has(id)) inboxCounts.set(id, (inboxCounts.get(id) ?? 0) + 1);

    const [ledger]: Array<{ rows: number; delivered: number; notifications: number }> = await this.ctx.db.query(
      `SELECT count(*)::int AS rows, count(delivered_at)::int AS delivered, count(DISTINCT notification_id)::int AS notifications
         FROM notification_deliveries WHERE notification_id = ANY($1::uuid[])`,
      [rows.map((r) => r.id)],
    );

    const count = (ids: string[], seen: (id: string) => number) => {
      let lost = 0;
      let once = 0;
      const repeated: string[] = [];
      for (const id of ids) {
        const n = seen(id);
        if (n === 0) lost += 1;
        else if (n === 1) once += 1;
        else repeated.push(id);
      }
      return { planned: ids.length, once, lost, repeated, repeatedNotTakenOver: repeated.filter((id) => !mayRepeat.has(id)).length };
    };
    const messageIdOf = new Map(emailRows.map((r) => [r.id, messageIdFor(r.id, domain)]));
    return {
      email: { ...count(emailRows.map((r) => r.id), (id) => byMessageId.get(messageIdOf.get(id)!) ?? 0), stray: strayMails, misaddressed },
      webhook: {
        ...count(webhookRows.map((r) => r.id), (id) => this.webhook.byKey.get(id)?.received ?? 0),
        stray: strayHooks,
        badSignatures: this.webhook.badSignatures,
        acknowledgedTwice: webhookRows.filter((r) => (this.webhook.byKey.get(r.id)?.acknowledged ?? 0) > 1 && !mayRepeat.has(r.id)).length,
      },
      inApp: { ...count(inAppRows.map((r) => r.id), (id) => inboxCounts.get(id) ?? 0), stray: inboxIds.length - [...inboxCounts.values()].reduce((a, b) => a + b, 0) },
      ledger,
      takenOver: mayRepeat.size,
    };
  }

  async close(): Promise<void> {
    for (const w of this.workers) await w.stop(5000).catch(() => undefined);
    if (process.env.FAULT_LOG_DIR) {
      this.workers.forEach((w, i) => writeFileSync(join(process.env.FAULT_LOG_DIR!, `worker-${this.prefix.replace(/:/g, '_')}-${i}.log`), w.log.join('')));
    }
    await this.ctx?.close().catch(() => undefined);
    await this.webhook.stop().catch(() => undefined);
    await this.mail.stop().catch(() => undefined);
    await this.redis.stop().catch(() => undefined);
    await this.isolation?.release().catch(() => undefined);
    await this.pg?.destroy().catch(() => undefined);
  }
}

export interface ChannelCount {
  planned: number;
  /** Delivered exactly once. */
  once: number;
  /** Never delivered. */
  lost: number;
  /** Delivered more than once (same key): notification ids. */
  repeated: string[];
  /** Of those, repeats the engine did not report as a takeover of a cut-off send: must be 0. */
  repeatedNotTakenOver: number;
  /** Deliveries of something this test did not plan. */
  stray: number;
}

export interface DeliveryReport {
  email: ChannelCount & { misaddressed: number };
  webhook: ChannelCount & { badSignatures: number; acknowledgedTwice: number };
  inApp: ChannelCount;
  ledger: { rows: number; delivered: number; notifications: number };
  takenOver: number;
}

/** The report a test expects when every planned notification was delivered exactly once. */
export function exactlyOnce(rows: PlannedRow[]) {
  const per = (channel: Channel) => rows.filter((r) => r.channel === channel).length;
  const n = rows.length;
  return {
    ledger: { rows: n, delivered: n, notifications: n },
    email: expect.objectContaining({ planned: per('email'), lost: 0, repeatedNotTakenOver: 0, stray: 0, misaddressed: 0 }),
    webhook: expect.objectContaining({ planned: per('webhook'), lost: 0, repeatedNotTakenOver: 0, stray: 0, badSignatures: 0, acknowledgedTwice: 0 }),
    inApp: expect.objectContaining({ planned: per('in_app'), once: per('in_app'), lost: 0, repeated: [], stray: 0 }),
  };
}
