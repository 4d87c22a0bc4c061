import { InjectQueue } from '@nestjs/bull';
import { DynamicModule, Module, OnApplicationBootstrap, Provider } from '@nestjs/common';
import type { Queue } from 'bull';
import { LoggerModule } from 'nestjs-pino';
import { loggerParams } from './common/logging/logger.config';
import { RedisModule } from './common/redis/redis.module';
import { ConfigModule } from './config/config.module';
import { ClockModule } from './common/time/clock.module';
import { AppConfig, EnvSchema, loadConfig } from './config/env.schema';
import { DatabaseModule } from './database/database.module';
import { CheckInMaterializeProcessor, CheckInMaterializeScheduler } from './modules/check-in-schedules/check-in-materialize.processor';
import { CheckInSchedulesCoreModule } from './modules/check-in-schedules/check-in-schedules-core.module';
import { HealthModule } from './modules/health/health.module';
import { HomeworkCoreModule } from './modules/homework/homework-core.module';
import { HomeworkMaterializeProcessor, HomeworkMaterializeScheduler } from './modules/homework/homework-materialize.processor';
import { MetricsModule } from './modules/metrics/metrics.module';
import { DeliveryChannelsModule } from './modules/notifications/delivery-channels.module';
import { HeartbeatProcessor } from './modules/queue/heartbeat.processor';
import { ALL_QUEUES, JOBS, QueueName, QUEUES } from './modules/queue/queue.constants';
import { QueueModule } from './modules/queue/queue.module';
import { InAppSender } from './modules/reminders/in-app.sender';
import { RemindersModule } from './modules/reminders/reminders.module';
import { REMINDER_DELIVERY_PROVIDERS, REMINDER_PLANNING_PROVIDERS } from './modules/reminders/reminders.worker';

/** WORKER_QUEUES picks which queues this process consumes, so workers scale apart. */
export function consumedQueues(setting: string): QueueName[] {
  if (setting.trim() === 'all') return ALL_QUEUES;
  const wanted = setting.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((q) => !ALL_QUEUES.includes(q as QueueName));
  if (unknown.length) throw new Error(`WORKER_QUEUES: unknown queue(s) ${unknown.join(', ')}`);
  if (wanted.length === 0) throw new Error('WORKER_QUEUES: names no queue; use "all" or a comma-separated list');
  return wanted as QueueName[];
}

const PROCESSORS: Record<QueueName, Provider[]> = {
  [QUEUES.maintenance]: [HeartbeatProcessor],
  [QUEUES.delivery]: [...REMINDER_DELIVERY_PROVIDERS],
  [QUEUES.planning]: [...REMINDER_PLANNING_PROVIDERS, CheckInMaterializeProcessor, HomeworkMaterializeProcessor],
};

class HeartbeatScheduler implements OnApplicationBootstrap {
  constructor(@InjectQueue(QUEUES.maintenance) private readonly queue: Queue) {}

  async onApplicationBootstrap(): Promise<void> {
    // A repeatable job has one schedule however many workers start.
    await this.queue.add(JOBS.heartbeat, { enqueuedAt: new Date().toISOString() }, { repeat: { every: 60_000 }, jobId: 'heartbeat' });
  }
}

/** The worker: queue processors, its own health and metrics, no API routes. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig = loadConfig()): DynamicModule {
    const queues = consumedQueues(config.WORKER_QUEUES);
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        ClockModule,
        LoggerModule.forRootAsync({ inject: [EnvSchema], useFactory: (c: EnvSchema) => loggerParams(c, 'worker') }),
        DatabaseModule,
        RedisModule,
        QueueModule,
        MetricsModule,
        HealthModule,
        // REMINDER_OUTBOX and the Clock, as in the API.
        RemindersModule,
        // CHANNEL_SENDERS for the deliver processor: email and webhook, and the engine's in-app sender.
        DeliveryChannelsModule.withSenders([InAppSender]),
        // The check-in schedules' planning for the materialize-check-ins job.
        CheckInSchedulesCoreModule,
        // Homework's scheduling for the materialize job.
        HomeworkCoreModule,
      ],
      providers: [
        ...new Set(queues.flatMap((q) => PROCESSORS[q])),
        ...(queues.includes(QUEUES.maintenance) ? [HeartbeatScheduler] : []),
        ...(queues.includes(QUEUES.planning) ? [CheckInMaterializeScheduler, HomeworkMaterializeScheduler] : []),
      ],
    };
  }
}
