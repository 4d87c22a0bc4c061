import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { RUN_ENV, TEMPLATE_ENV, urlFor, withAdmin } from './db';

/** A database cloned from this run's migrated template, and a Redis key prefix, for one test file. */
export interface Isolation {
  database: string;
  databaseUrl: string;
  redisUrl: string;
  /** Every Redis key of this file starts with `${prefix}:`. */
  prefix: string;
  /** Deletes this file's Redis keys (never FLUSHDB) and drops its database. */
  release(): Promise<void>;
}

export async function isolate(): Promise<Isolation> {
  const template = process.env[TEMPLATE_ENV];
  const run = process.env[RUN_ENV];
  if (!template || !run) throw new Error('integration tests need the jest global setup');
  const suffix = randomBytes(4).toString('hex');
  const database = `kintsugi_test_${run}_${suffix}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${database} TEMPLATE ${template}`));
  const prefix = `kt_test:${run}:${suffix}`;
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  return {
    database,
    databaseUrl: urlFor(database),
    redisUrl,
    prefix,
    async release() {
      await deleteKeys(redisUrl, `${prefix}:*`);
      await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    },
  };
}

/** SCAN + DEL of one pattern: safe on a Redis that other runs share. */
export async function deleteKeys(redisUrl: string, pattern: string): Promise<number> {
  const redis = new Redis(redisUrl);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length) deleted += await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return deleted;
}
