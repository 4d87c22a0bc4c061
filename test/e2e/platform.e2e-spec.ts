import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { routesOf } from '../../src/bootstrap';
import { Actor, bearer, createPractice, createStaff, http, PracticeWorld } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function expectErrorShape(res: { status: number; body: unknown; headers: Record<string, string> }, status: number): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual(
    expect.objectContaining({ statusCode: status, error: expect.any(String), message: expect.any(String) }),
  );
  expect(res.headers['x-request-id']).toEqual(expect.any(String));
}

describe('platform: error contract, headers, docs, metrics, health', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  let clinician: Actor;

  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'Platform Practice');
    clinician = await createStaff(ctx, world, 'clinician');
  });
  afterAll(() => ctx?.close());

  describe('errors', () => {
    it('answers invalid JSON with 400 in the one error shape, without echoing the input', async () => {
      for (const [path, auth] of [['/v1/auth/login', false], ['/v1/users', true]] as const) {
        let req = http(ctx).post(path).set('Content-Type', 'application/json');
        if (auth) req = req.set(...bearer(world.admin));
        const res = await req.send('{"email": "secret-person@example.test", "password": ');
        expectErrorShape(res, 400);
        expect(res.body.error).toBe('Bad Request');
        expect(JSON.stringify(res.body)).not.toContain('secret-person');
      }
    });

    it('answers a body over BODY_LIMIT_BYTES with 413, before it reaches the handler', async () => {
      const limit = ctx.config.BODY_LIMIT_BYTES;
      const before = await ctx.db.query(`SELECT count(*)::int AS n FROM users`);
      const res = await http(ctx)
        .post('/v1/users')
        .set(...bearer(world.admin))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ email: 'big@example.test', role: 'clinician', fullName: 'x'.repeat(limit) }));
      expectErrorShape(res, 413);
      expect(await ctx.db.query(`SELECT count(*)::int AS n FROM users`)).toEqual(before);
      // Just under the limit is parsed (and then judged on its content).
      const small = await http(ctx)
        .post('/v1/users')
        .set(...bearer(world.admin))
        .send({ email: 'big@example.test', role: 'clinician', fullName: 'x'.repeat(Math.min(limit - 200, 5000)) });
      expectErrorShape(small, 400);
      expect(small.body.message).toMatch(/fullName/);
    });

    it('answers an unsupported content type with 415 and an unknown route with 404, both in the error shape', async () => {
      const xml = await http(ctx).post('/v1/auth/login').set('Content-Type', 'application/xml').send('<login email="a"/>');
      expectErrorShape(xml, 415);
      // Plain text is parsed as a string, which is then no valid body: 400, not a 500.
      const text = await http(ctx).post('/v1/auth/login').set('Content-Type', 'text/plain').send('email=a&password=b');
      expectErrorShape(text, 400);
      const missing = await http(ctx).get(`/v1/nothing-here/${randomUUID()}`).set(...bearer(world.admin));
      expectErrorShape(missing, 404);
      const anonymousMissing = await http(ctx).get('/v1/nothing-here');
      expectErrorShape(anonymousMissing, 404);
    });

    it('answers 401, 403 and validation 400s in the error shape with a request id', async () => {
      expectErrorShape(await http(ctx).get('/v1/users'), 401);
      expectErrorShape(await http(ctx).get('/v1/users').set(...bearer(clinician)), 403);
      const bad = await http(ctx).post('/v1/users').set(...bearer(world.admin)).send({ email: 'nope', role: 'client' });
      expectErrorShape(bad, 400);
      expect(bad.body.message).toMatch(/email/);
      expect(bad.body.message).toMatch(/role/);
    });
  });

  describe('headers', () => {
    it('sends helmet’s security headers on success, on errors and on the docs', async () => {
      for (const res of [
        await http(ctx).get('/health/live'),
        await http(ctx).get('/v1/users'),
        await http(ctx).get('/v1/nothing-here'),
        await http(ctx).get('/docs-json'),
      ]) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBeDefined();
        // HSTS and upgrade-insecure-requests belong behind TLS: production only, not local http.
        expect(res.headers['strict-transport-security']).toBeUndefined();
        expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
        expect(res.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });

    it('keeps CORS off by default: no access-control-allow-origin for any Origin, nor on a preflight', async () => {
      expect(ctx.config.CORS_ORIGINS).toBeUndefined();
      const simple = await http(ctx).get('/v1/me').set('Origin', 'https://evil.example').set(...bearer(world.admin));
      expect(simple.status).toBe(200);
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
      expect(simple.headers['access-control-allow-credentials']).toBeUndefined();
      const preflight = await http(ctx)
        .options('/v1/users')
        .set('Origin', 'https://evil.example')
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    });
  });

  describe('OpenAPI', () => {
    it('documents every /v1 route the router registered, with its method', async () => {
      const doc = (await http(ctx).get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
      const v1 = routesOf(ctx.app).filter((r) => r.url.startsWith('/v1/'));
      expect(v1.length).toBeGreaterThan(10);
      const undocumented = v1
        .map((r) => ({ method: r.method.toLowerCase(), path: r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}') }))
        .filter(({ method, path }) => !doc.paths[path]?.[method])
        .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
      expect(undocumented).toEqual([]);
      // And it documents nothing the router does not serve.
      const served = new Set(v1.map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`));
      const phantom = Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
          .map((m) => `${m} ${path}`)
          .filter((k) => k.includes(' /v1/') && !served.has(k)),
      );
      expect(phantom).toEqual([]);
    });

    it('serves the OpenAPI UI', async () => {
      const res = await http(ctx).get('/docs').redirects(1);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
    });
  });

  describe('metrics', () => {
    it('is Prometheus text with request durations by route pattern, and carries no email or user/practice id', async () => {
      // Traffic whose URLs carry ids and an email: none of it may reach a label.
      await http(ctx).get(`/v1/users/${clinician.id}`).set(...bearer(world.admin)).expect(200);
      await http(ctx).get(`/v1/users/${randomUUID()}`).set(...bearer(world.admin)).expect(404);
      await http(ctx).get(`/v1/no-such-route/${clinician.id}`).set(...bearer(world.admin)).expect(404);
      await http(ctx).get(`/v1/no-such-route/${encodeURIComponent(clinician.email)}`).expect(404);
      await http(ctx).get('/v1/users').query({ cursor: clinician.email }).set(...bearer(world.admin));
      await http(ctx).get(`/admin/queues/queue/${clinician.id}`).expect(401);

      const res = await http(ctx).get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      const text = res.text;
      expect(text).toMatch(/^# HELP /m);
      expect(text).toMatch(/^# TYPE kintsugi_http_request_duration_seconds histogram$/m);
      expect(text).toContain('route="/v1/users/:id"');
      expect(text).toMatch(/kintsugi_process_cpu_seconds_total|kintsugi_nodejs_/);
      expect(text.match(UUID_RE)).toBeNull();
      expect(text).not.toContain('@');
      for (const secret of [clinician.email, world.admin.email, world.practiceId, clinician.id, world.admin.id]) {
        expect(text).not.toContain(secret);
      }
    });
  });

  describe('health', () => {
    it('answers ready (database and Redis up) and live', async () => {
      const ready = await http(ctx).get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, redis: { status: 'up' } } });
      await http(ctx).get('/health/live').expect(200, { status: 'ok' });
    });
  });

  describe('with CORS_ORIGINS configured', () => {
    let corsCtx: TestContext;
    beforeAll(async () => {
      corsCtx = await startTestApp({ CORS_ORIGINS: 'https://app.kintsugi.example, https://admin.kintsugi.example' });
    });
    afterAll(() => corsCtx?.close());

    it('allows exactly the listed origins, without credentials', async () => {
      const server = corsCtx.app.getHttpServer();
      const allowed = await request(server).get('/health/live').set('Origin', 'https://admin.kintsugi.example');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.kintsugi.example');
      expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();
      const other = await request(server).get('/health/live').set('Origin', 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await request(server)
        .options('/v1/users')
        .set('Origin', 'https://app.kintsugi.example')
        .set('Access-Control-Request-Method', 'POST');
      expect(preflight.status).toBeLessThan(300);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.kintsugi.example');
    });
  });
});
