import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Provider } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { Client } from 'pg';
import { EnvSchema } from '../../config/env.schema';
import { MetricsService } from '../metrics/metrics.service';
import { JobPayloads, JOBS, QUEUES } from '../queue/queue.constants';
import { DeliveryRepository } from './delivery.repository';
import { InAppSender } from './in-app.sender';
import { DeliveryOutcome, NotificationDeliverer } from './notification-deliverer';
import { REMINDER_WAKE_CHANNEL } from './outbox.repository';
import { ReminderSweeper, SweepReport } from './reminder-sweeper';
import { ReminderMetrics } from './reminder.metrics';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** How often the worker re-registers the repeatable sweep (it is lost with a Redis flush). */
export const scheduleWatchdogMs = (sweepIntervalMs: number) => Math.max(1000, 5 * sweepIntervalMs);
const SWEEP_JOB_ID = 'reminder-sweep';

/**
 * Runs sweeps one at a time in this process; a request while one runs makes it run once more
 * afterwards (so rows committed during a sweep are not left for the next tick). A full sweep
 * (periodic) also checks Redis's epoch and reconciles; a wake-up (NOTIFY) only queues the near term.
 */
@Injectable()
export class SweepRunner {
  private readonly logger = new Logger(SweepRunner.name);
  private running: Promise<void> | null = null;
  private pending: 'none' | 'near_term' | 'full' = 'none';
  private stopped = false;
  lastReport: SweepReport | null = null;

  constructor(private readonly sweeper: ReminderSweeper) {}

  run(full = true): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (full || this.pending === 'none') this.pending = full ? 'full' : 'near_term';
    if (!this.running) {
      this.running = this.loop().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async loop(): Promise<void> {
    while (this.pending !== 'none' && !this.stopped) {
      const full = this.pending === 'full';
      this.pending = 'none';
      try {
        if (full) this.lastReport = await this.sweeper.sweep();
        else await this.sweeper.enqueueNearTerm();
      } catch (err) {
        // PostgreSQL or Redis away: the next tick (or wake-up) tries again; nothing is lost.
        this.logger.warn({ err: (err as Error).message }, 'reminder sweep failed');
        return;
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}

/**
 * LISTENs for the outbox's NOTIFY (sent by PostgreSQL when a transaction that planned something
 * due soon commits) and runs a sweep at once: an "I feel unsafe" alert does not wait for the
 * next tick. Reconnects after a PostgreSQL restart; the periodic sweep covers the gap.
 */
@Injectable()
export class ReminderWakeListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReminderWakeListener.name);
  private client: Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: EnvSchema,
    private readonly runner: SweepRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'kintsugi-reminder-wake' });
    const reconnect = () => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => undefined);
      if (!this.stopped) this.retry = setTimeout(() => void this.connect(), 1000);
    };
    client.on('error', reconnect);
    client.on('end', reconnect);
    client.on('notification', () => void this.runner.run(false));
    try {
      this.client = client;
      await client.connect();
      await client.query(`LISTEN ${REMINDER_WAKE_CHANNEL}`);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'reminder wake-up LISTEN failed; retrying');
      reconnect();
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}

/**
 * The planning side of the worker: processes `sweep` jobs, keeps one repeatable sweep scheduled
 * (every REMINDER_SWEEP_INTERVAL_MS, whatever the number of workers), sweeps once on start, and
 * on shutdown stops taking planning jobs and waits for the sweep in flight.
 */
@Injectable()
export class SweepScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SweepScheduler.name);
  private watchdog: NodeJS.Timeout | null = null;

  constructor(
    @InjectQueue(QUEUES.planning) private readonly planning: Queue,
    private readonly runner: SweepRunner,
    private readonly config: EnvSchema,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    void this.planning.process(JOBS.sweep, 1, async (_job: Job<JobPayloads[typeof JOBS.sweep]>) => {
      await this.runner.run();
      this.metrics.jobsProcessed.labels(QUEUES.planning, JOBS.sweep, 'ok').inc();
    });
    await this.dropOtherSchedules();
    await this.ensureScheduled();
    this.watchdog = setInterval(() => void this.ensureScheduled().catch(() => undefined), scheduleWatchdogMs(this.config.REMINDER_SWEEP_INTERVAL_MS));
    this.watchdog.unref();
    void this.runner.run();
  }

  /** Idempotent: the next repeat has a deterministic id, so re-adding it is a no-op. */
  async ensureScheduled(): Promise<void> {
    const data: JobPayloads[typeof JOBS.sweep] = { requestedAt: new Date().toISOString() };
    await this.planning.add(JOBS.sweep, data, {
      repeat: { every: this.config.REMINDER_SWEEP_INTERVAL_MS },
      jobId: SWEEP_JOB_ID,
      removeOnComplete: true,
      removeOnFail: 100,
      attempts: 1,
    });
  }

  /** A changed interval would otherwise leave the old schedule running beside the new one. */
  private async dropOtherSchedules(): Promise<void> {
    for (const r of await this.planning.getRepeatableJobs()) {
      if (r.name === JOBS.sweep && Number(r.every) !== this.config.REMINDER_SWEEP_INTERVAL_MS) {
        await this.planning.removeRepeatableByKey(r.key);
        this.logger.log({ every: r.every }, 'removed an old sweep schedule');
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    if (this.watchdog) clearInterval(this.watchdog);
    await Promise.race([this.planning.pause(true).catch(() => undefined), sleep(this.config.REMINDER_SHUTDOWN_GRACE_MS)]);
    await Promise.race([this.runner.stop(), sleep(this.config.REMINDER_SHUTDOWN_GRACE_MS)]);
  }
}

/**
 * The delivery side of the worker: `deliver` jobs with REMINDER_DELIVERY_CONCURRENCY. On
 * shutdown (SIGTERM → enableShutdownHooks → onModuleDestroy, before the database closes) it
 * stops taking jobs and waits up to REMINDER_SHUTDOWN_GRACE_MS for those in flight; one cut off
 * leaves a claim that another worker takes over when its lease ends.
 */
@Injectable()
export class DeliveryProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    @InjectQueue(QUEUES.delivery) private readonly delivery: Queue,
    private readonly deliverer: NotificationDeliverer,
    private readonly config: EnvSchema,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    void this.delivery.process(JOBS.deliver, this.config.REMINDER_DELIVERY_CONCURRENCY, (job: Job<JobPayloads[typeof JOBS.deliver]>) =>
      this.handle(job),
    );
  }

  async handle(job: Job<JobPayloads[typeof JOBS.deliver]>): Promise<DeliveryOutcome> {
    try {
      const outcome = await this.deliverer.deliver(job.data.notificationId, job.data.practiceId);
      this.metrics.jobsProcessed.labels(QUEUES.delivery, JOBS.deliver, 'ok').inc();
      return outcome;
    } catch (err) {
      this.metrics.jobsProcessed.labels(QUEUES.delivery, JOBS.deliver, 'error').inc();
      throw err;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.race([this.delivery.pause(true).catch(() => undefined), sleep(this.config.REMINDER_SHUTDOWN_GRACE_MS)]);
  }
}

/** Worker providers of the delivery queue (CHANNEL_SENDERS comes from DeliveryChannelsModule.withSenders([InAppSender])). */
export const REMINDER_DELIVERY_PROVIDERS: Provider[] = [ReminderMetrics, DeliveryRepository, NotificationDeliverer, DeliveryProcessor];

/** Worker providers of the planning queue. */
export const REMINDER_PLANNING_PROVIDERS: Provider[] = [ReminderMetrics, ReminderSweeper, SweepRunner, ReminderWakeListener, SweepScheduler];

export { InAppSender };
