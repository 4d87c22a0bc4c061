import { Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { MetricsService } from '../metrics/metrics.service';
import { JobPayloads, JOBS, QUEUES } from './queue.constants';

/** Proves end to end that the worker consumes: the API side schedules it, the worker runs it. */
@Processor(QUEUES.maintenance)
export class HeartbeatProcessor {
  private readonly logger = new Logger(HeartbeatProcessor.name);
  lastBeatAt: Date | null = null;

  constructor(private readonly metrics: MetricsService) {}

  @Process(JOBS.heartbeat)
  handle(job: Job<JobPayloads[typeof JOBS.heartbeat]>): void {
    this.lastBeatAt = new Date();
    this.metrics.jobsProcessed.labels(QUEUES.maintenance, JOBS.heartbeat, 'ok').inc();
    this.logger.debug({ jobId: job.id }, 'heartbeat');
  }
}
