import { routesOf } from '../../src/bootstrap';
import { Actor, createPractice, createStaff, http, login, PASSWORD, PracticeWorld, uniqueEmail } from '../factories';
import { enrolTotp, freshSession, inviteOnly, mailCount, nextMailToken, snapshotPractice, totpCode } from '../factories/access';
import { startTestApp, TestContext } from '../setup/test-app';

/**
 * Every route the router registered × every kind of caller. A route without a row fails the
 * suite, and so does a row whose route no longer exists.
 *
 * To add a caller (the client portal account, the partner, an unassigned clinician), add it to
 * ActorKey and ACTORS: the compiler then asks for its column in every row.
 */
type ActorKey = 'anonymous' | 'otherAdmin' | 'admin' | 'clinician';
const ACTORS: readonly ActorKey[] = ['anonymous', 'otherAdmin', 'admin', 'clinician'];

/** The exact status expected: 2xx means allowed, 401/403/404 a denial that must change nothing. */
type Expect = 200 | 201 | 202 | 204 | 401 | 403 | 404;

/** Routes outside the bearer-token world: tested on their own below. */
const OUTSIDE_MATRIX = [/^\/docs/, /^\/admin\/queues/];

interface World {
  /** The practice whose data is at stake. */
  a: PracticeWorld & { clinician: Actor };
  /** Another practice; its admin tries this practice's ids. */
  b: PracticeWorld;
}

interface Built {
  /** Values for the route's :params. */
  params?: Record<string, string>;
  body?: object;
  /** Bearer token, or null for none. */
  token: string | null;
}

interface Row {
  expect: Record<ActorKey, Expect>;
  /** Prepares one call for one caller; runs before the "nothing changed" snapshot. */
  build?: (ctx: TestContext, w: World, who: ActorKey) => Promise<Built>;
}

const PUBLIC_200: Record<ActorKey, Expect> = { anonymous: 200, otherAdmin: 200, admin: 200, clinician: 200 };
const ANY_SIGNED_IN = (ok: Expect): Record<ActorKey, Expect> => ({ anonymous: 401, otherAdmin: ok, admin: ok, clinician: ok });
const ADMIN_ONLY_OWN = (ok: Expect): Record<ActorKey, Expect> => ({ anonymous: 401, otherAdmin: ok, admin: ok, clinician: 403 });
const ADMIN_ONLY_BY_ID = (ok: Expect): Record<ActorKey, Expect> => ({ anonymous: 401, otherAdmin: 404, admin: ok, clinician: 403 });

function actorOf(w: World, who: ActorKey): Actor | null {
  switch (who) {
    case 'anonymous':
      return null;
    case 'otherAdmin':
      return w.b.admin;
    case 'admin':
      return w.a.admin;
    case 'clinician':
      return w.a.clinician;
  }
}

function worldOf(w: World, who: ActorKey): PracticeWorld {
  return who === 'otherAdmin' ? w.b : w.a;
}

/** A disposable account with the caller's role in the caller's practice (for calls that change the caller). */
async function stand_in(ctx: TestContext, w: World, who: ActorKey): Promise<Actor> {
  return createStaff(ctx, worldOf(w, who), who === 'clinician' ? 'clinician' : 'admin');
}

const NEW_PASSWORD = 'quiet harbour lanterns 58';

const MATRIX: Record<string, Row> = {
  // Operations
  'GET /health/live': { expect: PUBLIC_200 },
  'GET /health/ready': { expect: PUBLIC_200 },
  'GET /metrics': { expect: PUBLIC_200 },

  // Sign-up and sign-in: public; a bearer token changes nothing.
  'POST /v1/auth/signup': {
    expect: { anonymous: 201, otherAdmin: 201, admin: 201, clinician: 201 },
    build: async (_ctx, w, who) => ({
      token: actorOf(w, who)?.accessToken ?? null,
      body: { practiceName: 'Another Practice', timezone: 'Europe/Berlin', fullName: 'New Owner', email: uniqueEmail('signup'), password: PASSWORD },
    }),
  },
  'POST /v1/auth/login': {
    expect: PUBLIC_200,
    build: async (_ctx, w, who) => {
      const as = actorOf(w, who) ?? w.a.clinician;
      return { token: actorOf(w, who)?.accessToken ?? null, body: { email: as.email, password: as.password } };
    },
  },
  'POST /v1/auth/refresh': {
    expect: PUBLIC_200,
    build: async (ctx, w, who) => {
      const session = await freshSession(ctx, actorOf(w, who) ?? w.a.clinician);
      return { token: actorOf(w, who)?.accessToken ?? null, body: { refreshToken: session.refreshToken } };
    },
  },
  'POST /v1/auth/invitations/accept': {
    expect: PUBLIC_200,
    build: async (ctx, w, who) => {
      const invited = await inviteOnly(ctx, worldOf(w, who));
      const token = await nextMailToken(ctx, invited.email, 0);
      return { token: actorOf(w, who)?.accessToken ?? null, body: { token, password: PASSWORD } };
    },
  },
  'POST /v1/auth/password-reset/request': {
    expect: { anonymous: 202, otherAdmin: 202, admin: 202, clinician: 202 },
    build: async (_ctx, w, who) => ({
      token: actorOf(w, who)?.accessToken ?? null,
      body: { email: uniqueEmail('nobody') },
    }),
  },
  'POST /v1/auth/password-reset/confirm': {
    expect: { anonymous: 204, otherAdmin: 204, admin: 204, clinician: 204 },
    build: async (ctx, w, who) => {
      const person = await stand_in(ctx, w, who);
      const before = mailCount(ctx, person.email);
      await http(ctx).post('/v1/auth/password-reset/request').send({ email: person.email }).expect(202);
      const token = await nextMailToken(ctx, person.email, before);
      return { token: actorOf(w, who)?.accessToken ?? null, body: { token, password: NEW_PASSWORD } };
    },
  },
  'POST /v1/auth/logout': {
    expect: ANY_SIGNED_IN(204),
    build: async (ctx, w, who) => {
      const actor = actorOf(w, who);
      return { token: actor ? (await freshSession(ctx, actor)).accessToken : null };
    },
  },

  // The signed-in user's own account
  'GET /v1/me': { expect: ANY_SIGNED_IN(200) },
  'POST /v1/me/password': {
    expect: ANY_SIGNED_IN(204),
    build: async (ctx, w, who) => ({
      token: who === 'anonymous' ? null : (await stand_in(ctx, w, who)).accessToken,
      body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD },
    }),
  },
  'POST /v1/me/totp': {
    expect: ANY_SIGNED_IN(201),
    build: async (ctx, w, who) => ({
      token: who === 'anonymous' ? null : (await stand_in(ctx, w, who)).accessToken,
      body: { password: PASSWORD },
    }),
  },
  'POST /v1/me/totp/confirm': {
    expect: ANY_SIGNED_IN(200),
    build: async (ctx, w, who) => {
      if (who === 'anonymous') return { token: null, body: { code: '123456' } };
      const person = await stand_in(ctx, w, who);
      const begun = await http(ctx).post('/v1/me/totp').set('Authorization', `Bearer ${person.accessToken}`).send({ password: PASSWORD }).expect(201);
      return { token: person.accessToken, body: { code: totpCode(begun.body.secret) } };
    },
  },
  'POST /v1/me/totp/recovery-codes': {
    expect: ANY_SIGNED_IN(200),
    build: async (ctx, w, who) => {
      if (who === 'anonymous') return { token: null, body: { code: '123456' } };
      const person = await stand_in(ctx, w, who);
      const { secret } = await enrolTotp(ctx, person);
      // The enrolment spent the current step; the next one is still inside the accepted window.
      return { token: person.accessToken, body: { code: totpCode(secret, 30) } };
    },
  },
  'POST /v1/me/totp/disable': {
    expect: ANY_SIGNED_IN(204),
    build: async (ctx, w, who) => {
      if (who === 'anonymous') return { token: null, body: { password: PASSWORD, recoveryCode: 'abcde-12345' } };
      const person = await stand_in(ctx, w, who);
      const { recoveryCodes } = await enrolTotp(ctx, person);
      return { token: person.accessToken, body: { password: PASSWORD, recoveryCode: recoveryCodes[0] } };
    },
  },

  // The framework: reference data without tenant data, readable by anyone signed in.
  'GET /v1/framework': { expect: ANY_SIGNED_IN(200) },
  'GET /v1/framework/versions': { expect: ANY_SIGNED_IN(200) },
  'GET /v1/framework/versions/:version': {
    expect: ANY_SIGNED_IN(200),
    build: async (_ctx, w, who) => ({ token: actorOf(w, who)?.accessToken ?? null, params: { version: '1' } }),
  },

  // Practice administration. Without an id in the path, another practice's admin acts on their own.
  'GET /v1/practice': { expect: ANY_SIGNED_IN(200) },
  'PATCH /v1/practice': {
    expect: ADMIN_ONLY_OWN(200),
    build: async (_ctx, w, who) => ({
      token: actorOf(w, who)?.accessToken ?? null,
      body: { name: `Renamed by ${who}`, settings: { cliniciansSeeAllClients: false } },
    }),
  },
  'GET /v1/audit-events': { expect: ADMIN_ONLY_OWN(200) },
  'GET /v1/users': { expect: ADMIN_ONLY_OWN(200) },
  'POST /v1/users': {
    expect: ADMIN_ONLY_OWN(201),
    build: async (_ctx, w, who) => ({
      token: actorOf(w, who)?.accessToken ?? null,
      body: { email: uniqueEmail('matrix-invite'), role: 'clinician', fullName: 'Invited Person' },
    }),
  },
  // With this practice's ids: another practice's admin gets 404 and changes nothing.
  'GET /v1/users/:id': {
    expect: ADMIN_ONLY_BY_ID(200),
    build: async (_ctx, w, who) => ({ token: actorOf(w, who)?.accessToken ?? null, params: { id: w.a.clinician.id } }),
  },
  'PATCH /v1/users/:id': {
    expect: ADMIN_ONLY_BY_ID(200),
    build: async (_ctx, w, who) => ({
      token: actorOf(w, who)?.accessToken ?? null,
      params: { id: w.a.clinician.id },
      body: { fullName: `Renamed by ${who}`, role: 'clinician', status: 'active' },
    }),
  },
  'POST /v1/users/:id/invitation': {
    expect: ADMIN_ONLY_BY_ID(204),
    build: async (ctx, w, who) => {
      const invited = await inviteOnly(ctx, w.a);
      return { token: actorOf(w, who)?.accessToken ?? null, params: { id: invited.id } };
    },
  },
};

function keyOf(r: { method: string; url: string }): string {
  return `${r.method} ${r.url}`;
}

function fill(url: string, params: Record<string, string> = {}): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`no value for :${name} in ${url}`);
    return encodeURIComponent(params[name]);
  });
}

describe('authorization matrix', () => {
  let ctx: TestContext;
  let w: World;

  beforeAll(async () => {
    ctx = await startTestApp();
    const a = await createPractice(ctx, 'Practice A');
    const clinician = await createStaff(ctx, a, 'clinician');
    const b = await createPractice(ctx, 'Practice B');
    w = { a: { ...a, clinician }, b };
  });
  afterAll(() => ctx?.close());

  it('has a row for every route the router registered, and no row for a route that is gone', () => {
    const routed = routesOf(ctx.app)
      .filter((r) => !OUTSIDE_MATRIX.some((re) => re.test(r.url)))
      .map(keyOf);
    expect(routed.length).toBeGreaterThan(0);
    const missing = routed.filter((k) => !(k in MATRIX));
    const stale = Object.keys(MATRIX).filter((k) => !routed.includes(k));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  describe.each(Object.entries(MATRIX))('%s', (key, row) => {
    const [method, url] = key.split(' ');

    it.each(ACTORS.map((who) => [who, row.expect[who]] as const))('%s → %s', async (who, expected) => {
      expect(routesOf(ctx.app).map(keyOf)).toContain(key);
      const built: Built = row.build ? await row.build(ctx, w, who) : { token: actorOf(w, who)?.accessToken ?? null };
      const path = fill(url, built.params);

      // Denials, and anything another practice's admin does, must leave this practice untouched.
      const mustNotChange = expected >= 400 || who === 'otherAdmin';
      const before = mustNotChange ? await snapshotPractice(ctx, w.a.practiceId) : null;

      let req = http(ctx)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete'](path);
      if (built.token) req = req.set('Authorization', `Bearer ${built.token}`);
      const res = built.body !== undefined ? await req.send(built.body) : await req;

      expect({ status: res.status, body: res.status === expected ? undefined : res.body }).toEqual({ status: expected, body: undefined });
      if (expected >= 400) {
        expect(res.body).toMatchObject({ statusCode: expected, error: expect.any(String), message: expect.any(String) });
      }
      if (before) expect(await snapshotPractice(ctx, w.a.practiceId)).toEqual(before);
      if (who === 'otherAdmin') {
        // Whatever another practice's admin is answered, it reveals nothing of this practice
        // (beyond ids they sent themselves, which their own audit trail may show back to them).
        for (const secret of [w.a.practiceId, w.a.admin.id, w.a.admin.email, w.a.clinician.email]) {
          expect(res.text ?? '').not.toContain(secret);
        }
      }
    });
  });

  describe('a clinician whose session must enrol TOTP first', () => {
    it('reaches only the routes allowed during enrolment (me, logout, TOTP enrolment)', async () => {
      // A separate practice that requires staff TOTP, so the shared one is not affected.
      const p = await createPractice(ctx, 'Strict Practice');
      const clinician = await createStaff(ctx, p, 'clinician');
      await http(ctx).patch('/v1/practice').set('Authorization', `Bearer ${p.admin.accessToken}`).send({ settings: { requireStaffTotp: true } }).expect(200);
      const signedIn = await login(ctx, clinician.email);
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.totpEnrolmentRequired).toBe(true);
      const token = signedIn.body.accessToken as string;
      await http(ctx).get('/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
      await http(ctx).get('/v1/practice').set('Authorization', `Bearer ${token}`).expect(403);
      await http(ctx).post('/v1/me/totp').set('Authorization', `Bearer ${token}`).send({ password: PASSWORD }).expect(201);
    });
  });

  describe('the operators’ queue dashboard (/admin/queues)', () => {
    const operator = () => `Basic ${Buffer.from(`${ctx.config.QUEUE_DASHBOARD_USER}:${ctx.config.QUEUE_DASHBOARD_PASSWORD}`).toString('base64')}`;
    const dashboardRoutes = () => routesOf(ctx.app).filter((r) => /^\/admin\/queues/.test(r.url));
    const sample = (url: string) =>
      url.replace(/\*$/, 'x.js').replace(/:queueName/g, 'heartbeat').replace(/:jobId/g, '1').replace(/:queueStatus/g, 'failed');

    it('is mounted (credentials are configured in tests)', () => {
      expect(ctx.config.QUEUE_DASHBOARD_USER).toBeTruthy();
      expect(ctx.config.QUEUE_DASHBOARD_PASSWORD).toBeTruthy();
      expect(dashboardRoutes().map(keyOf)).toEqual(expect.arrayContaining(['GET /admin/queues', 'GET /admin/queues/api/queues']));
    });

    it('answers 401 on every dashboard route without credentials, with wrong ones, and with a practice admin’s bearer token', async () => {
      const failures: string[] = [];
      for (const r of dashboardRoutes()) {
        const path = sample(r.url);
        const m = r.method.toLowerCase() as 'get' | 'put' | 'post' | 'patch';
        const attempts: Array<[string, string | undefined]> = [
          ['none', undefined],
          ['wrong password', `Basic ${Buffer.from(`${ctx.config.QUEUE_DASHBOARD_USER}:not-the-password-at-all`).toString('base64')}`],
          ['admin bearer', `Bearer ${w.a.admin.accessToken}`],
        ];
        for (const [label, auth] of attempts) {
          let req = http(ctx)[m](path);
          if (auth) req = req.set('Authorization', auth);
          const res = m === 'get' ? await req : await req.send({});
          if (res.status !== 401) failures.push(`${r.method} ${path} with ${label} → ${res.status}`);
        }
      }
      expect(failures).toEqual([]);
      const res = await http(ctx).get('/admin/queues');
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    });

    it('opens with the operator credentials from configuration', async () => {
      await http(ctx).get('/admin/queues').set('Authorization', operator()).expect(200);
      const api = await http(ctx).get('/admin/queues/api/queues').set('Authorization', operator()).expect(200);
      expect(Array.isArray(api.body.queues)).toBe(true);
    });
  });
});
