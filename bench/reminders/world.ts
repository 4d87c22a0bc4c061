import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../src/bootstrap';
import { EnvSchema, loadConfig } from '../../src/config/env.schema';
import { typeormOptions } from '../../src/database/typeorm-options';
import { NotificationOutbox } from '../../src/modules/reminders/notification-outbox';
import type { PlannedReminder } from '../../src/modules/reminders/reminder.contracts';
import { OwnRedis } from '../../test/setup/redis-server';
import { WorkerProcess } from '../../test/setup/worker-process';

/** The server the bench creates its database on (never a database of yours: it makes its own and drops it). */
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function databaseUrl(name: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export interface Recipient {
  clientId: string;
  scheduleId: string;
}

/**
 * The bench's world, all of it its own: a fresh migrated database, a redis-server on a free port
 * (no persistence), the API in-process (it plans through the engine's outbox, as features do),
 * and the worker as a child process with the engine's settings (production defaults unless a
 * REMINDER_* variable is set in the bench's environment). `close()` removes everything.
 */
export class BenchWorld {
  readonly redis = new OwnRedis();
  readonly database = `kintsugi_bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  readonly prefix = `kt_bench:${randomBytes(3).toString('hex')}`;
  worker: WorkerProcess | null = null;
  app: NestFastifyApplication | null = null;
  db!: DataSource;
  outbox!: NotificationOutbox;
  practiceId = '';
  recipients: Recipient[] = [];
  private created = false;

  /** REMINDER_* settings the worker runs with (what the environment overrides). */
  readonly engineEnv: Record<string, string> = Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('REMINDER_') && typeof e[1] === 'string'),
  );

  async start(recipientCount: number): Promise<void> {
    await this.redis.start();
    await admin((c) => c.query(`CREATE DATABASE ${this.database}`));
    this.created = true;
    const migrate = new DataSource(typeormOptions(databaseUrl(this.database)));
    await migrate.initialize();
    await migrate.runMigrations({ transaction: 'each' });
    await migrate.destroy();

    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl(this.database),
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: this.prefix,
      LOG_LEVEL: 'silent',
      ...this.engineEnv,
    });
    this.app = await createApiApp(config);
    await this.app.init();
    this.db = this.app.get(DataSource);
    this.outbox = this.app.get(NotificationOutbox);
    await this.seed(recipientCount);

    this.worker = new WorkerProcess({
      DATABASE_URL: databaseUrl(this.database),
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: this.prefix,
      WORKER_QUEUES: 'all',
      ...this.engineEnv,
      // e.g. BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=.tmp" to see where the worker spends its time
    }, (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean));
    await this.worker.start();
  }

  /** One practice (no quiet hours) and `n` portal clients, each with a check-in schedule to be reminded about. */
  private async seed(n: number): Promise<void> {
    const [p]: Array<{ id: string }> = await this.db.query(
      `INSERT INTO practices (name, timezone, settings, version)
       VALUES ('Bench Practice', 'UTC', '{"defaultReminderChannels":["in_app"],"quietHours":null,"cliniciansSeeAllClients":false,"requireStaffTotp":false}', 1)
       RETURNING id`,
    );
    this.practiceId = p.id;
    const [owner]: Array<{ id: string }> = await this.db.query(
      `INSERT INTO users (practice_id, email, full_name, role, status) VALUES ($1, 'owner@bench.test', 'Owner', 'admin', 'active') RETURNING id`,
      [p.id],
    );
    await this.db.query(
      `INSERT INTO users (practice_id, email, full_name, role, status)
       SELECT $1, 'client' || g || '@bench.test', 'Client ' || g, 'client', 'active' FROM generate_series(1, $2) g`,
      [p.id, n],
    );
    await this.db.query(
      `INSERT INTO clients (practice_id, full_name, timezone, email, reminder_preferences, status, search_name, created_by, portal_user_id, version)
       SELECT $1, u.full_name, 'UTC', u.email, '{"channels":["in_app"],"quietHours":null}', 'active', lower(u.full_name), $2, u.id, 1
         FROM users u WHERE u.practice_id = $1 AND u.role = 'client'`,
      [p.id, owner.id],
    );
    this.recipients = await this.db.query(
      `INSERT INTO check_in_schedules (practice_id, client_id, rrule, local_time, active, materialized_until, created_by, version)
       SELECT $1, c.id, 'FREQ=DAILY', '20:00', true, '2100-01-01', $2, 1 FROM clients c WHERE c.practice_id = $1
       RETURNING client_id AS "clientId", id AS "scheduleId"`,
      [p.id, owner.id],
    );
    await this.db.query('ANALYZE');
  }

  /** An in-app check-in reminder for the k-th reminder of a run (recipients taken in turn). */
  reminder(tag: string, k: number, at: Date): PlannedReminder {
    const r = this.recipients[k % this.recipients.length];
    return {
      practiceId: this.practiceId,
      recipient: { kind: 'client', clientId: r.clientId },
      reason: 'check_in',
      subjectType: 'check_in_schedule',
      subjectId: r.scheduleId,
      occurrenceKey: `${tag}-${k}`,
      at,
      channels: ['in_app'],
    };
  }

  sweepIntervalMs(): number {
    return Number(this.engineEnv.REMINDER_SWEEP_INTERVAL_MS ?? new EnvSchema().REMINDER_SWEEP_INTERVAL_MS);
  }

  /** Plans through the outbox, as a feature does: one transaction per call. */
  async plan(reminders: PlannedReminder[]): Promise<void> {
    for (let i = 0; i < reminders.length; i += 2000) {
      const chunk = reminders.slice(i, i + 2000);
      await this.db.transaction((m) => this.outbox.plan(m, chunk));
    }
  }

  async close(): Promise<void> {
    await this.worker?.stop(10_000).catch(() => undefined);
    await this.app?.close().catch(() => undefined);
    await this.redis.stop().catch(() => undefined);
    if (this.created) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`)).catch(() => undefined);
  }
}
