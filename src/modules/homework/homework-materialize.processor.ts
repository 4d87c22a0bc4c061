import { InjectQueue, Process, Processor } from '@nestjs/bull';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { MetricsService } from '../metrics/metrics.service';
import { Clock } from '../../common/time/clock';
import { JobPayloads, JOBS, QUEUES } from '../queue/queue.constants';
import { HomeworkMaterializer, MaterializeResult } from './homework-materializer';

/** Hourly: the horizon is days long, so a missed run or two loses nothing; missed marking is as coarse. */
export const HOMEWORK_MATERIALIZE_EVERY_MS = 60 * 60_000;

/** Keeps recurring homework materialized over the rolling horizon and marks missed instances (the planning queue). */
@Processor(QUEUES.planning)
export class HomeworkMaterializeProcessor {
  private readonly logger = new Logger(HomeworkMaterializeProcessor.name);

  constructor(
    private readonly materializer: HomeworkMaterializer,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
  ) {}

  @Process(JOBS.materialize)
  async handle(job: Job<JobPayloads[typeof JOBS.materialize]>): Promise<MaterializeResult> {
    const result = await this.materializer.run(this.clock.now());
    this.metrics.jobsProcessed.labels(QUEUES.planning, JOBS.materialize, 'ok').inc();
    this.logger.debug({ jobId: job.id, ...result }, 'homework materialized');
    return result;
  }
}

/** Registers the repeatable job once, however many workers start (a fixed job id). */
export class HomeworkMaterializeScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QUEUES.planning) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    const data: JobPayloads[typeof JOBS.materialize] = { requestedAt: new Date().toISOString() };
    await this.queue.add(JOBS.materialize, data, { repeat: { every: HOMEWORK_MATERIALIZE_EVERY_MS }, jobId: JOBS.materialize });
  }
}
