import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { EnvSchema } from '../../config/env.schema';
import { ALL_QUEUES, QUEUES } from './queue.constants';

/**
 * The delivery queue notices a dead worker's jobs sooner than Bull's defaults (30 s lock, checked
 * every 30 s: up to a minute and a half): a lock of 15 s renewed every 7.5 s, checked every 5 s.
 * A job wrongly thought stalled (an event loop blocked for 15 s) runs again harmlessly: the
 * delivery ledger's claim keeps it from sending twice.
 */
const QUEUE_SETTINGS: Partial<Record<string, { lockDuration: number; stalledInterval: number }>> = {
  [QUEUES.delivery]: { lockDuration: 15_000, stalledInterval: 5_000 },
};

/**
 * Registers the queues on Redis for both processes. The API only adds jobs; processors live in
 * the worker's module alone.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [EnvSchema],
      useFactory: (config: EnvSchema) => ({
        url: config.REDIS_URL,
        prefix: `${config.REDIS_PREFIX}:bull`,
        defaultJobOptions: { removeOnComplete: 1000, removeOnFail: 5000, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
      }),
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name, ...(QUEUE_SETTINGS[name] ? { settings: QUEUE_SETTINGS[name] } : {}) }))),
  ],
  exports: [BullModule],
})
export class QueueModule {}
