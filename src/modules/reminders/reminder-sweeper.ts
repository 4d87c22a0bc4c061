import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import type { JobOptions, Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EnvSchema } from '../../config/env.schema';
import { deliverJobId, JobPayloads, JOBS, QUEUES } from '../queue/queue.constants';
import { ReminderMetrics } from './reminder.metrics';
import { Clock } from './time/clock';
import { returning } from './sql';

export interface SweepReport {
  /** Rows whose enqueue was forgotten because Redis lost its state (the epoch marker was gone). */
  reset: number;
  /** Rows moved from PostgreSQL into delayed deliver jobs. */
  enqueued: number;
  /** Overdue rows examined by reconciliation, and how many of them had no live job and were re-added. */
  reconciled: number;
  reenqueued: number;
}

/**
 * Options of every deliver job. Completed jobs are removed at once, so a row that is somehow
 * still pending can always be re-added under the same deterministic id; failed ones stay a day
 * for the operators' dashboard (reconciliation removes one before re-adding it). Bull's attempts
 * leave room above the row's own limit (REMINDER_DELIVERY_ATTEMPTS, counted in PostgreSQL) for
 * retries that are not send failures (a claim held elsewhere, a database blip).
 */
export function deliverJobOptions(config: EnvSchema): JobOptions {
  return {
    removeOnComplete: true,
    removeOnFail: { age: 86_400, count: 10_000 },
    attempts: config.REMINDER_DELIVERY_ATTEMPTS + 3,
    backoff: { type: 'exponential', delay: config.REMINDER_RETRY_BACKOFF_MS },
  };
}

/** Longest wait for Redis while sweep transactions hold row locks (cancels and deliveries may be waiting). */
const REDIS_TIMEOUT_MS = 5000;

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Batches one sweep runs at most per phase (the next sweep continues). */
const MAX_BATCHES = 50;

interface DueRow {
  id: string;
  practiceId: string;
  scheduledFor: Date;
}

/**
 * Moves notifications from PostgreSQL (the record) into Redis (the near term) and repairs Redis:
 *
 * - near term: pending rows due before now + REMINDER_NEAR_TERM_WINDOW_SECONDS and not yet
 *   queued become delayed deliver jobs (job id deliverJobId(id): adding twice is a no-op), and
 *   enqueued_at is set in the same transaction. Rows are taken FOR UPDATE SKIP LOCKED, so any
 *   number of sweepers share the work without a global lock. Redis never holds weeks of reminders.
 * - Redis lost (flush, restart without persistence, a new Redis): an epoch marker kept in Redis
 *   next to the delivery queue is gone; every pending row's enqueue is then forgotten, so the
 *   near-term phase queues them again at once — before they are due, not after.
 * - reconciliation: pending rows past due by more than the grace, last queued longer ago than the
 *   grace, have their job looked up; a missing (or finished) job is re-added. This covers a single
 *   lost job, a job Bull gave up on while the row was still pending, a killed worker.
 */
@Injectable()
export class ReminderSweeper {
  private readonly logger = new Logger(ReminderSweeper.name);
  private readonly epochKey: string;

  constructor(
    private readonly dataSource: DataSource,
    @InjectQueue(QUEUES.delivery) private readonly delivery: Queue,
    private readonly clock: Clock,
    private readonly config: EnvSchema,
    private readonly metrics: ReminderMetrics,
  ) {
    this.epochKey = this.delivery.toKey('reminder-epoch');
  }

  async sweep(): Promise<SweepReport> {
    const reset = await this.resetIfRedisLost();
    const enqueued = await this.enqueueNearTerm();
    const { reconciled, reenqueued } = await this.reconcile();
    if (reset || reenqueued) this.logger.warn({ reset, reenqueued }, 'reminder sweep repaired Redis');
    return { reset, enqueued, reconciled, reenqueued };
  }

  /** SET NX of the marker succeeds only when it was missing: Redis lost what we had put there. */
  async resetIfRedisLost(): Promise<number> {
    const created = await withTimeout(
      this.delivery.client.set(this.epochKey, `${this.clock.now().toISOString()} ${randomUUID()}`, 'NX'),
      REDIS_TIMEOUT_MS,
      'Redis (epoch marker)',
    );
    if (created !== 'OK') return 0;
    const rows = await returning(
      this.dataSource,
      `UPDATE notifications SET enqueued_at = NULL WHERE state = 'pending' AND enqueued_at IS NOT NULL RETURNING id`,
    );
    this.metrics.swept.labels('reset').inc(rows.length);
    return rows.length;
  }

  async enqueueNearTerm(): Promise<number> {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const moved = await this.dataSource.transaction(async (m) => {
        const now = this.clock.now();
        const horizon = new Date(now.getTime() + this.config.REMINDER_NEAR_TERM_WINDOW_SECONDS * 1000);
        const rows: DueRow[] = await m.query(
          `SELECT id, practice_id AS "practiceId", scheduled_for AS "scheduledFor"
             FROM notifications
            WHERE state = 'pending' AND enqueued_at IS NULL AND scheduled_for < $1
            ORDER BY scheduled_for
            LIMIT $2
              FOR UPDATE SKIP LOCKED`,
          [horizon, this.config.REMINDER_SWEEP_BATCH_SIZE],
        );
        if (rows.length === 0) return 0;
        await this.addJobs(rows, now);
        await m.query('UPDATE notifications SET enqueued_at = $2 WHERE id = ANY($1::uuid[])', [rows.map((r) => r.id), now]);
        return rows.length;
      });
      total += moved;
      if (moved < this.config.REMINDER_SWEEP_BATCH_SIZE) break;
    }
    if (total) this.metrics.swept.labels('enqueued').inc(total);
    return total;
  }

  async reconcile(): Promise<{ reconciled: number; reenqueued: number }> {
    let reconciled = 0;
    let reenqueued = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const [seen, added] = await this.dataSource.transaction(async (m) => {
        const now = this.clock.now();
        const cutoff = new Date(now.getTime() - this.config.REMINDER_RECONCILE_GRACE_SECONDS * 1000);
        const rows: DueRow[] = await m.query(
          `SELECT id, practice_id AS "practiceId", scheduled_for AS "scheduledFor"
             FROM notifications
            WHERE state = 'pending' AND scheduled_for <= $1 AND enqueued_at <= $1
            ORDER BY scheduled_for
            LIMIT $2
              FOR UPDATE SKIP LOCKED`,
          [cutoff, this.config.REMINDER_SWEEP_BATCH_SIZE],
        );
        if (rows.length === 0) return [0, 0];
        const missing = await withTimeout(this.withoutLiveJob(rows), REDIS_TIMEOUT_MS, 'Redis (job lookup)');
        if (missing.length) await this.addJobs(missing, now);
        await m.query('UPDATE notifications SET enqueued_at = $2 WHERE id = ANY($1::uuid[])', [rows.map((r) => r.id), now]);
        return [rows.length, missing.length];
      });
      reconciled += seen;
      reenqueued += added;
      if (seen < this.config.REMINDER_SWEEP_BATCH_SIZE) break;
    }
    if (reenqueued) this.metrics.swept.labels('reenqueued').inc(reenqueued);
    return { reconciled, reenqueued };
  }

  /** The rows whose deliver job is gone, or finished (completed/failed) while the row is still pending. */
  private async withoutLiveJob(rows: DueRow[]): Promise<DueRow[]> {
    const checks = await Promise.all(
      rows.map(async (r) => {
        const job = await this.delivery.getJob(deliverJobId(r.id));
        if (!job) return r;
        const state = await job.getState();
        if (state === 'completed' || state === 'failed') {
          await job.remove();
          return r;
        }
        return null;
      }),
    );
    return checks.filter((r): r is DueRow => r !== null);
  }

  /** Bounded: a rollback then frees the rows (a job added anyway is harmless: same id next time). */
  private async addJobs(rows: DueRow[], now: Date): Promise<void> {
    const opts = deliverJobOptions(this.config);
    await withTimeout(this.addBulk(rows, now, opts), REDIS_TIMEOUT_MS, 'Redis (adding deliver jobs)');
  }

  private async addBulk(rows: DueRow[], now: Date, opts: JobOptions): Promise<void> {
    await this.delivery.addBulk(
      rows.map((r) => {
        const data: JobPayloads[typeof JOBS.deliver] = { notificationId: r.id, practiceId: r.practiceId };
        return { name: JOBS.deliver, data, opts: { ...opts, jobId: deliverJobId(r.id), delay: Math.max(0, new Date(r.scheduledFor).getTime() - now.getTime()) } };
      }),
    );
  }
}
