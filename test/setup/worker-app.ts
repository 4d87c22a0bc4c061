import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig, loadConfig } from '../../src/config/env.schema';
import { WorkerModule } from '../../src/worker.module';
import { isolate, Isolation } from './isolation';

export interface WorkerTestContext {
  app: NestFastifyApplication;
  config: AppConfig;
  isolation: Isolation;
  close(): Promise<void>;
}

/**
 * The worker process in-process, built the way main.worker.ts builds it, on this file's own
 * cloned database and Redis prefix. Its HTTP server answers through supertest.
 */
export async function startTestWorker(overrides: Partial<Record<string, string>> = {}): Promise<WorkerTestContext> {
  const isolation = await isolate();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: isolation.databaseUrl,
    REDIS_URL: isolation.redisUrl,
    REDIS_PREFIX: isolation.prefix,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  let app: NestFastifyApplication | undefined;
  try {
    app = await NestFactory.create<NestFastifyApplication>(WorkerModule.forRoot(config), new FastifyAdapter({ logger: false }), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (err) {
    await app?.close();
    await isolation.release();
    throw err;
  }
  const started = app;
  return {
    app: started,
    config,
    isolation,
    async close() {
      await started.close();
      await isolation.release();
    },
  };
}
