import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { NestFactory } from '@nestjs/core';
import helmet from '@fastify/helmet';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ApiModule } from './app.module';
import { createValidationPipe } from './common/errors/validation';
import { incomingOrNewRequestId } from './common/logging/logger.config';
import { AppConfig, EnvSchema, loadConfig } from './config/env.schema';
import { MetricsService } from './modules/metrics/metrics.service';
import { mountQueueDashboard } from './modules/queue/queue-dashboard';

export interface RouteInfo {
  method: string;
  url: string;
}

const registeredRoutes = new WeakMap<object, RouteInfo[]>();

/** Every route the router registered (what the authorization matrix is built from). */
export function routesOf(app: NestFastifyApplication): RouteInfo[] {
  return registeredRoutes.get(app) ?? [];
}

/** Builds the API application; main.api.ts listens on it, e2e tests drive it in-process. */
export async function createApiApp(config: AppConfig = loadConfig()): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
    logger: false,
    // Fastify names the request, and middie copies that id onto the raw request before pino-http
    // sees it, so pino-http's own genReqId never runs: the id must be chosen here, or logs and
    // the audit trail get Fastify's per-process counter ("req-1") and no x-request-id goes back.
    requestIdHeader: false,
    genReqId: incomingOrNewRequestId,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), adapter, {
    bufferLogs: true,
    cors: config.CORS_ORIGINS ? { origin: config.CORS_ORIGINS.split(',').map((o) => o.trim()), credentials: false } : false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.register(helmet, {
    // HSTS and upgrade-insecure-requests only where TLS terminates in front of us (production).
    hsts: config.NODE_ENV === 'production',
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // The OpenAPI UI needs inline styles and scripts from itself.
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        upgradeInsecureRequests: config.NODE_ENV === 'production' ? [] : null,
      },
    },
  });
  app.useGlobalPipes(createValidationPipe());

  const metrics = app.get(MetricsService);
  const fastify = app.getHttpAdapter().getInstance();
  const routes: RouteInfo[] = [];
  registeredRoutes.set(app, routes);
  fastify.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  fastify.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id);
    done();
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    metrics.httpDuration
      .labels(req.method, req.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
    done();
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Kintsugi API')
      .setDescription('Practice management for couples recovering from betrayal: stabilization to forgiveness.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  await mountQueueDashboard(app, app.get(EnvSchema));
  return app;
}
