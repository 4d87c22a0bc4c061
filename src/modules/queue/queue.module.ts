import { BullModule } from '@nestjs/bull';
import { Module } from '@nestjs/common';
import { EnvSchema } from '../../config/env.schema';
import { ALL_QUEUES } from './queue.constants';

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
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  exports: [BullModule],
})
export class QueueModule {}
