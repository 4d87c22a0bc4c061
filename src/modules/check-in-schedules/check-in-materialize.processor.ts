import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { MetricsService } from '../metrics/metrics.service';
import { JobPayloads, JOBS, QUEUES } from '../queue/queue.constants';
import { CheckInSchedulePlanner } from './check-in-schedule-planner';

/** Hourly: a schedule is extended about once a day, and a missed run or two loses nothing. */
export const CHECK_IN_MATERIALIZE_EVERY_MS = 60 * 60_000;

/** Extends every check-in schedule whose planned window runs short (the planning queue). */
@Processor(QUEUES.planning)
export class CheckInMaterializeProcessor {
  private readonly logger = new Logger(CheckInMaterializeProcessor.name);

  constructor(
    private readonly planner: CheckInSchedulePlanner,
    private readonly metrics: MetricsService,
  ) {}

  @Process(JOBS.materializeCheckIns)
  async handle(job: Job<JobPayloads[typeof JOBS.materializeCheckIns]>): Promise<{ extended: number }> {
    const extended = await this.planner.extendDue();
    this.metrics.jobsProcessed.labels(QUEUES.planning, JOBS.materializeCheckIns, 'ok').inc();
    this.logger.debug({ jobId: job.id, extended }, 'check-in schedules extended');
    return { extended };
  }
}

/** Registers the repeatable job once, however many workers start (a fixed job id). */
export class CheckInMaterializeScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QUEUES.planning) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    const data: JobPayloads[typeof JOBS.materializeCheckIns] = { requestedAt: new Date().toISOString() };
    await this.queue.add(JOBS.materializeCheckIns, data, { repeat: { every: CHECK_IN_MATERIALIZE_EVERY_MS }, jobId: JOBS.materializeCheckIns });
  }
}
