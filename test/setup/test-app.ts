import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../src/bootstrap';
import { AppConfig, loadConfig } from '../../src/config/env.schema';
import { AuditService } from '../../src/modules/audit/audit.service';
import { RUN_ENV, TEMPLATE_ENV, urlFor, withAdmin } from './db';
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
  const template = process.env[TEMPLATE_ENV];
  const run = process.env[RUN_ENV];
  if (!template || !run) throw new Error('integration tests need the jest global setup');
  const suffix = randomBytes(4).toString('hex');
  const database = `kintsugi_test_${run}_${suffix}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${database} TEMPLATE ${template}`));

  const mail = new MailCatcher();
  await mail.start();
  const prefix = `kt_test:${run}:${suffix}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: urlFor(database),
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: prefix,
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
      // Delete only our own keys; never FLUSHDB a shared server.
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    },
  };
}
