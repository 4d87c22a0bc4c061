import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/env.schema';
import { AuditService } from '../../src/modules/audit/audit.service';
import { isolate } from './isolation';
import { MailCatcher } from './mail-catcher';

export interface TestContext {
  app: NestFastifyApplication;
  db: DataSource;
  mail: MailCatcher;
  config: AppConfig;
  redis: Redis;
  /** Writes buffered audit events now. */
  flushAudit(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One test file's world: its own database cloned from the migrated template, its own Redis key
 * prefix, a real SMTP server, and the API app with its real guards.
 */
export async function startTestApp(overrides: Partial<Record<string, string>> = {}): Promise<TestContext> {
  const world = await isolate();
  const mail = new MailCatcher();
  await mail.start();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: world.databaseUrl,
    REDIS_URL: world.redisUrl,
    REDIS_PREFIX: world.prefix,
    SMTP_URL: mail.url,
    LOG_LEVEL: 'silent',
    AUDIT_FLUSH_INTERVAL_MS: '50',
    ...overrides,
  });
  const app = await createApiApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const redis = new Redis(config.REDIS_URL);

  return {
    app,
    db: app.get(DataSource),
    mail,
    config,
    redis,
    flushAudit: () => app.get(AuditService).flush(),
    async close() {
      await app.close();
      await mail.stop();
      await redis.quit();
      // Our own keys and database only; never FLUSHDB a shared server.
      await world.release();
    },
  };
}
