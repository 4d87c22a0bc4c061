import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { NotificationDeliverer } from '../../src/modules/reminders/notification-deliverer';
import { NotificationOutbox } from '../../src/modules/reminders/notification-outbox';
import type { PlannedReminder } from '../../src/modules/reminders/reminder.contracts';
import { QUEUES } from '../../src/modules/queue/queue.constants';
import type { Channel, NotificationState } from '../../src/modules/notifications/notification.entity';
import { insertClient } from '../factories/clinical';
import { Actor, createPractice, PracticeWorld } from '../factories';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';
import { startTestWorker, WorkerTestContext } from '../setup/worker-app';

/** Fast engine settings for tests: sweeps every 200 ms, reconciliation after 1 s, short leases. */
export const FAST_ENGINE = {
  REMINDER_SWEEP_INTERVAL_MS: '200',
  REMINDER_RECONCILE_GRACE_SECONDS: '1',
  REMINDER_NEAR_TERM_WINDOW_SECONDS: '60',
  REMINDER_RETRY_BACKOFF_MS: '200',
  REMINDER_CLAIM_LEASE_SECONDS: '5',
  REMINDER_SHUTDOWN_GRACE_MS: '3000',
};

export interface EngineWorld {
  ctx: TestContext;
  /** Replaced when stopWorker(…).restart() starts a new one. */
  worker: WorkerTestContext;
  practice: PracticeWorld;
  outbox: NotificationOutbox;
  deliverer: NotificationDeliverer;
  delivery: Queue;
  close(): Promise<void>;
}

/**
 * The API app and an in-process worker on the same database and Redis prefix (this file's own),
 * a practice without quiet hours (tests that want them set their own), and the engine's pieces.
 */
/** A worker process (in-process) on the API's database and Redis prefix. */
export function startWorkerFor(ctx: TestContext, overrides: Record<string, string> = {}): Promise<WorkerTestContext> {
  return startTestWorker({
    ...FAST_ENGINE,
    ...overrides,
    DATABASE_URL: ctx.config.DATABASE_URL,
    REDIS_PREFIX: ctx.config.REDIS_PREFIX,
    SMTP_URL: ctx.config.SMTP_URL ?? '',
  });
}

export async function startEngine(overrides: Record<string, string> = {}): Promise<EngineWorld> {
  const ctx = await startTestApp({ ...FAST_ENGINE, ...overrides });
  let worker: WorkerTestContext | undefined;
  try {
    worker = await startWorkerFor(ctx, overrides);
  } catch (err) {
    await ctx.close();
    throw err;
  }
  const practice = await createPractice(ctx, 'Reminder Practice');
  await ctx.db.query(`UPDATE practices SET settings = settings || '{"quietHours": null}'::jsonb WHERE id = $1`, [practice.practiceId]);
  const w: EngineWorld = {
    ctx,
    worker,
    practice,
    outbox: ctx.app.get(NotificationOutbox),
    deliverer: worker.app.get(NotificationDeliverer),
    delivery: worker.app.get<Queue>(getQueueToken(QUEUES.delivery)),
    async close() {
      await w.worker.close();
      await ctx.close();
    },
  };
  return w;
}

/**
 * Shuts the worker down the way SIGTERM does (enableShutdownHooks → app.close()), resolving when
 * it has stopped; `restart` starts a new one later.
 */
export async function stopWorker(w: EngineWorld): Promise<{ restart: () => Promise<void> }> {
  const old = w.worker;
  await old.app.close();
  return {
    restart: async () => {
      await old.isolation.release();
      w.worker = await startWorkerFor(w.ctx);
      w.deliverer = w.worker.app.get(NotificationDeliverer);
      w.delivery = w.worker.app.get<Queue>(getQueueToken(QUEUES.delivery));
    },
  };
}

export interface Recipient {
  clientId: string;
  actor: Actor;
  /** The client's check-in schedule: the subject of their check-in reminders. */
  scheduleId: string;
}

/** A portal client (email + inbox) with a check-in schedule the materializer leaves alone. */
export async function portalRecipient(w: EngineWorld, timezone = 'America/New_York'): Promise<Recipient> {
  const { clientId, actor } = await createPortalClient(w.ctx, w.practice.practiceId, w.practice.admin.id);
  await w.ctx.db.query('UPDATE clients SET timezone = $2 WHERE id = $1', [clientId, timezone]);
  return { clientId, actor, scheduleId: await insertSchedule(w, clientId) };
}

/** A client without a portal account or email. */
export async function plainRecipient(w: EngineWorld): Promise<{ clientId: string; scheduleId: string }> {
  const clientId = await insertClient(w.ctx, w.practice.practiceId, w.practice.admin.id);
  return { clientId, scheduleId: await insertSchedule(w, clientId) };
}

async function insertSchedule(w: EngineWorld, clientId: string): Promise<string> {
  const rows: Array<{ id: string }> = await w.ctx.db.query(
    `INSERT INTO check_in_schedules (practice_id, client_id, rrule, local_time, active, materialized_until, created_by, version)
     VALUES ($1, $2, 'FREQ=DAILY', '20:00', true, '2100-01-01', $3, 1) RETURNING id`,
    [w.practice.practiceId, clientId, w.practice.admin.id],
  );
  return rows[0].id;
}

export function checkInReminder(w: EngineWorld, r: { clientId: string; scheduleId: string }, at: Date, over: Partial<PlannedReminder> = {}): PlannedReminder {
  return {
    practiceId: w.practice.practiceId,
    recipient: { kind: 'client', clientId: r.clientId },
    reason: 'check_in',
    subjectType: 'check_in_schedule',
    subjectId: r.scheduleId,
    occurrenceKey: over.occurrenceKey ?? `t-${randomUUID().slice(0, 8)}`,
    at,
    ...over,
  };
}

export async function plan(w: EngineWorld, reminders: PlannedReminder[]): Promise<void> {
  await w.ctx.db.transaction((m) => w.outbox.plan(m, reminders));
}

export interface Row {
  id: string;
  channel: Channel;
  state: NotificationState;
  stateReason: string | null;
  scheduledFor: Date;
  plannedFor: Date;
  enqueuedAt: Date | null;
  sentAt: Date | null;
  attempts: number;
  dedupeKey: string;
  occurrenceKey: string;
}

export async function rowsOf(w: EngineWorld, subjectId: string, occurrenceKey?: string): Promise<Row[]> {
  return w.ctx.db.query(
    `SELECT id, channel, state, state_reason AS "stateReason", scheduled_for AS "scheduledFor", planned_for AS "plannedFor",
            enqueued_at AS "enqueuedAt", sent_at AS "sentAt", attempts, dedupe_key AS "dedupeKey", occurrence_key AS "occurrenceKey"
       FROM notifications WHERE subject_id = $1 AND ($2::text IS NULL OR occurrence_key = $2)
      ORDER BY created_at, channel`,
    [subjectId, occurrenceKey ?? null],
  );
}

export async function ledgerCount(w: EngineWorld, notificationId: string): Promise<{ rows: number; delivered: number }> {
  const [r] = await w.ctx.db.query(
    `SELECT count(*)::int AS rows, count(delivered_at)::int AS delivered FROM notification_deliveries WHERE notification_id = $1`,
    [notificationId],
  );
  return r;
}

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function rowIn(w: EngineWorld, id: string, states: NotificationState[], timeoutMs = 10_000): Promise<Row> {
  return waitFor(async () => {
    const [row]: Row[] = await w.ctx.db.query(
      `SELECT id, channel, state, state_reason AS "stateReason", scheduled_for AS "scheduledFor", planned_for AS "plannedFor",
              enqueued_at AS "enqueuedAt", sent_at AS "sentAt", attempts, dedupe_key AS "dedupeKey", occurrence_key AS "occurrenceKey"
         FROM notifications WHERE id = $1`,
      [id],
    );
    return row && states.includes(row.state) ? row : null;
  }, `notification ${id} in ${states.join('/')}`, timeoutMs);
}

export function mailsTo(w: EngineWorld, email: string): number {
  return w.ctx.mail.messages.filter((m) => m.to.includes(email)).length;
}
