import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { HeartbeatProcessor } from '../../src/modules/queue/heartbeat.processor';
import { JOBS, QUEUES } from '../../src/modules/queue/queue.constants';
import { deleteKeys } from '../setup/isolation';
import { startTestWorker, WorkerTestContext } from '../setup/worker-app';

const PROCESSED = /^kintsugi_jobs_processed_total\{queue="maintenance",job="heartbeat",outcome="ok"\} (\d+)$/m;

describe('worker process', () => {
  let ctx: WorkerTestContext;
  let queue: Queue;

  beforeAll(async () => {
    ctx = await startTestWorker();
    queue = ctx.app.get<Queue>(getQueueToken(QUEUES.maintenance));
  });
  afterAll(() => ctx?.close());

  const http = () => request(ctx.app.getHttpServer());

  async function processedCount(): Promise<number> {
    const res = await http().get('/metrics').expect(200);
    return Number(PROCESSED.exec(res.text)?.[1] ?? 0);
  }

  it('consumes a heartbeat job added to its queue', async () => {
    const processor = ctx.app.get(HeartbeatProcessor);
    const before = await processedCount();
    const addedAt = new Date();

    const job = await queue.add(JOBS.heartbeat, { enqueuedAt: addedAt.toISOString() });
    await job.finished();

    expect(await job.getState()).toBe('completed');
    expect(processor.lastBeatAt).not.toBeNull();
    expect(processor.lastBeatAt!.getTime()).toBeGreaterThanOrEqual(addedAt.getTime());
    expect(await processedCount()).toBeGreaterThanOrEqual(before + 1);
  });

  it('schedules one repeatable heartbeat on start', async () => {
    const repeatable = await queue.getRepeatableJobs();
    expect(repeatable).toEqual([expect.objectContaining({ name: JOBS.heartbeat, every: 60_000 })]);
  });

  it('keeps its queues under its own Redis prefix', async () => {
    const keys = await queue.client.keys(`${ctx.isolation.prefix}:bull:${QUEUES.maintenance}:*`);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('answers its readiness probe', async () => {
    const res = await http().get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.details).toEqual({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('exposes no API routes', async () => {
    await http().post('/v1/auth/login').send({ email: 'a@example.test', password: 'calm river stones 42' }).expect(404);
    await http().get('/v1/me').expect(404);
    await http().get('/docs-json').expect(404);
    await http().get('/admin/queues').expect(404);
  });
});

describe('test isolation helper', () => {
  it('deletes the keys of its own prefix and no others', async () => {
    const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const mine = `kt_test:isolation_${randomBytes(4).toString('hex')}`;
    const neighbour = `${mine}_neighbour`;
    const redis = new Redis(url);
    try {
      await redis.set(`${mine}:a`, '1');
      await redis.set(`${mine}:b:c`, '1');
      await redis.set(`${neighbour}:a`, '1');
      expect(await deleteKeys(url, `${mine}:*`)).toBe(2);
      expect(await redis.exists(`${neighbour}:a`)).toBe(1);
    } finally {
      await deleteKeys(url, `${neighbour}:*`);
      await redis.quit();
    }
  });
});
