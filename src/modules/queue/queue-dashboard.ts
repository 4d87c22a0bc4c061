import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import { getQueueToken } from '@nestjs/bull';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bull';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EnvSchema } from '../../config/env.schema';
import { safeEqual } from '../../common/security/tokens';
import { ALL_QUEUES } from './queue.constants';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * The operators' queue dashboard. It shows every tenant's jobs, so it sits behind credentials
 * of its own from configuration, never behind a practice account; unset credentials disable it.
 */
export async function mountQueueDashboard(app: NestFastifyApplication, config: EnvSchema): Promise<void> {
  const user = config.QUEUE_DASHBOARD_USER;
  const password = config.QUEUE_DASHBOARD_PASSWORD;
  if (!user || !password) return;

  const serverAdapter = new BullBoardFastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: ALL_QUEUES.map((name) => new BullAdapter(app.get<Queue>(getQueueToken(name)), { readOnlyMode: false })),
    serverAdapter,
  });
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  await fastify.register(
    async (scope) => {
      scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
        if (!safeEqual(req.headers.authorization ?? '', expected)) {
          await reply
            .header('WWW-Authenticate', 'Basic realm="kintsugi-queues", charset="UTF-8"')
            .status(401)
            .send({ statusCode: 401, error: 'Unauthorized', message: 'Operator credentials required' });
        }
      });
      await scope.register(serverAdapter.registerPlugin() as Parameters<FastifyInstance['register']>[0]);
    },
    { prefix: QUEUE_DASHBOARD_PATH },
  );
}
