import { randomUUID } from 'node:crypto';
import { Actor, bearer, createPractice, createStaff, http, PracticeWorld } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';

interface AuditRow {
  id: string;
  practice_id: string | null;
  actor_user_id: string | null;
  actor_role: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  outcome: 'allowed' | 'denied';
  reason: string | null;
  occurred_at: Date;
  ip: string | null;
  request_id: string | null;
}

interface EventBody {
  id: string;
  actorUserId: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  occurredAt: string;
  requestId: string | null;
}

const LOCALHOST = /^(::ffff:)?127\.0\.0\.1$|^::1$/;

describe('audit trail', () => {
  let ctx: TestContext;
  let a: PracticeWorld;
  let clinician: Actor;
  let b: PracticeWorld;
  let seq = 0;

  beforeAll(async () => {
    ctx = await startTestApp();
    a = await createPractice(ctx, 'Practice A');
    clinician = await createStaff(ctx, a, 'clinician');
    b = await createPractice(ctx, 'Practice B');
  });
  afterAll(() => ctx?.close());

  const requestId = () => `audit-test-${process.pid}-${++seq}-${Date.now()}`;

  /** The rows written for one request, found by the id the API answered with. */
  async function rowsFor(res: { headers: Record<string, string> }): Promise<AuditRow[]> {
    const id = res.headers['x-request-id'];
    expect(id).toEqual(expect.any(String));
    await ctx.flushAudit();
    return ctx.db.query(`SELECT * FROM audit_events WHERE request_id = $1 ORDER BY id`, [id]);
  }

  describe('what is recorded', () => {
    it('records a read with actor, practice, action, resource, outcome, request id and IP', async () => {
      const rid = requestId();
      const res = await http(ctx).get(`/v1/users/${clinician.id}`).set(...bearer(a.admin)).set('x-request-id', rid).expect(200);
      expect(res.headers['x-request-id']).toBe(rid);
      const rows = await rowsFor(res);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        practice_id: a.practiceId,
        actor_user_id: a.admin.id,
        actor_role: 'admin',
        action: 'user.read',
        resource_type: 'user',
        resource_id: clinician.id,
        outcome: 'allowed',
        reason: null,
        request_id: rid,
      });
      expect(rows[0].ip).toMatch(LOCALHOST);
      expect(Math.abs(rows[0].occurred_at.getTime() - Date.now())).toBeLessThan(60_000);
    });

    it('generates the request id when none (or an unusable one) is sent, and answers with it', async () => {
      const plain = await http(ctx).get(`/v1/users/${clinician.id}`).set(...bearer(a.admin)).expect(200);
      expect(plain.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect((await rowsFor(plain))[0]).toMatchObject({ action: 'user.read', request_id: plain.headers['x-request-id'] });

      const forged = await http(ctx).get(`/v1/users/${clinician.id}`).set(...bearer(a.admin)).set('x-request-id', 'bad id; drop table').expect(200);
      expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(await rowsFor(forged)).toHaveLength(1);
    });

    it('records writes: an update, an invitation and a practice change, each with its resource id', async () => {
      const patched = await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(a.admin)).send({ fullName: 'Dr Audited' }).expect(200);
      expect(await rowsFor(patched)).toEqual([
        expect.objectContaining({ action: 'user.update', resource_type: 'user', resource_id: clinician.id, outcome: 'allowed', actor_user_id: a.admin.id, practice_id: a.practiceId }),
      ]);

      const invited = await http(ctx).post('/v1/users').set(...bearer(a.admin)).send({ email: `audit.${Date.now()}@example.test`, role: 'clinician' }).expect(201);
      const inviteRows = await rowsFor(invited);
      expect(inviteRows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ action: 'user.invite', resource_id: invited.body.id, outcome: 'allowed', practice_id: a.practiceId }),
          expect.objectContaining({ action: 'user.invitation_sent', resource_id: invited.body.id, outcome: 'allowed', practice_id: a.practiceId }),
        ]),
      );

      const practice = await http(ctx).patch('/v1/practice').set(...bearer(a.admin)).send({ name: 'Practice A, renamed' }).expect(200);
      expect(await rowsFor(practice)).toEqual([
        expect.objectContaining({ action: 'practice.update', resource_type: 'practice', resource_id: a.practiceId, outcome: 'allowed' }),
      ]);
    });

    it('records a denial for the wrong role (403)', async () => {
      const res = await http(ctx).get(`/v1/users/${a.admin.id}`).set(...bearer(clinician)).expect(403);
      const rows = await rowsFor(res);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        practice_id: a.practiceId,
        actor_user_id: clinician.id,
        actor_role: 'clinician',
        action: 'user.read',
        resource_type: 'user',
        resource_id: a.admin.id,
        outcome: 'denied',
        reason: 'forbidden',
      });
      expect(rows[0].ip).toMatch(LOCALHOST);
    });

    it('records a denial for another practice’s id (404) against the caller’s own practice', async () => {
      const res = await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(b.admin)).send({ status: 'deactivated' }).expect(404);
      const rows = await rowsFor(res);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        practice_id: b.practiceId,
        actor_user_id: b.admin.id,
        actor_role: 'admin',
        action: 'user.update',
        resource_id: clinician.id,
        outcome: 'denied',
        reason: 'not_found',
      });
    });

    it('records an anonymous or bad-token call to an audited route (401) with no actor and no practice', async () => {
      for (const auth of [undefined, 'Bearer not.a.jwt', `Bearer ${a.admin.accessToken}x`]) {
        let req = http(ctx).get(`/v1/users/${clinician.id}`).set('x-request-id', requestId());
        if (auth) req = req.set('Authorization', auth);
        const res = await req.expect(401);
        const rows = await rowsFor(res);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          practice_id: null,
          actor_user_id: null,
          actor_role: null,
          action: 'user.read',
          resource_type: 'user',
          resource_id: clinician.id,
          outcome: 'denied',
          request_id: res.headers['x-request-id'],
        });
        expect(rows[0].ip).toMatch(LOCALHOST);
      }
    });

    it('keeps an over-long malformed id within the column (404, recorded, truncated)', async () => {
      // Longer than the column, shorter than the router's 100-character limit on a path parameter.
      const res = await http(ctx).get(`/v1/users/${'z'.repeat(90)}`).set(...bearer(a.admin)).expect(404);
      const rows = await rowsFor(res);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ outcome: 'denied', action: 'user.read' });
      expect(rows[0].resource_id!.length).toBeLessThanOrEqual(64);
    });
  });

  describe('GET /v1/audit-events', () => {
    const list = (actor: Actor, query: Record<string, string | number> = {}) =>
      http(ctx).get('/v1/audit-events').query(query).set(...bearer(actor));

    async function walk(actor: Actor, query: Record<string, string | number>): Promise<EventBody[][]> {
      const pages: EventBody[][] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 200; i++) {
        const res: { body: { data: EventBody[]; nextCursor: string | null } } = await list(actor, cursor ? { ...query, cursor } : query).expect(200);
        pages.push(res.body.data);
        cursor = res.body.nextCursor;
        if (!cursor) return pages;
      }
      throw new Error('pagination did not end');
    }

    /** The practice's event ids, newest first, as the database has them. */
    async function truth(practiceId: string, where = 'true', params: unknown[] = []): Promise<string[]> {
      await ctx.flushAudit();
      const rows: Array<{ id: string }> = await ctx.db.query(
        `SELECT id FROM audit_events WHERE practice_id = $1 AND ${where} ORDER BY occurred_at DESC, id DESC`,
        [practiceId, ...params],
      );
      return rows.map((r) => r.id);
    }

    it('pages through the whole trail newest first, without duplicates or misses', async () => {
      for (let i = 0; i < 6; i++) await http(ctx).get(`/v1/users/${clinician.id}`).set(...bearer(a.admin)).expect(200);
      const expected = await truth(a.practiceId);
      expect(expected.length).toBeGreaterThan(10);
      const pages = await walk(a.admin, { limit: 4 });
      expect(pages.every((p) => p.length <= 4)).toBe(true);
      expect(pages.flat().map((e) => e.id)).toEqual(expected);
      const times = pages.flat().map((e) => Date.parse(e.occurredAt));
      expect([...times].sort((x, y) => y - x)).toEqual(times);
    });

    it('filters by actor, resource type, resource id, action and outcome', async () => {
      await http(ctx).get(`/v1/users/${a.admin.id}`).set(...bearer(clinician)).expect(403);
      const cases: Array<[Record<string, string>, string, unknown[]]> = [
        [{ actorId: clinician.id }, 'actor_user_id = $2', [clinician.id]],
        [{ actorId: a.admin.id }, 'actor_user_id = $2', [a.admin.id]],
        [{ resourceType: 'practice' }, 'resource_type = $2', ['practice']],
        [{ resourceType: 'user', resourceId: clinician.id }, 'resource_type = $2 AND resource_id = $3', ['user', clinician.id]],
        [{ action: 'user.read', outcome: 'denied' }, 'action = $2 AND outcome = $3', ['user.read', 'denied']],
        [{ actorId: randomUUID() }, 'actor_user_id = $2', [randomUUID()]],
      ];
      for (const [query, where, params] of cases) {
        const expected = await truth(a.practiceId, where, params);
        const got = (await walk(a.admin, { ...query, limit: 3 })).flat();
        expect({ query, ids: got.map((e) => e.id) }).toEqual({ query, ids: expected });
        for (const e of got) {
          if (query.actorId) expect(e.actorUserId).toBe(query.actorId);
          if (query.resourceType) expect(e.resourceType).toBe(query.resourceType);
          if (query.resourceId) expect(e.resourceId).toBe(query.resourceId);
        }
      }
      expect((await truth(a.practiceId, 'actor_user_id = $2', [clinician.id])).length).toBeGreaterThan(0);
    });

    it('filters by a time range: from inclusive, to exclusive', async () => {
      await ctx.flushAudit();
      const from = new Date();
      await new Promise((r) => setTimeout(r, 5));
      for (let i = 0; i < 3; i++) await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(a.admin)).send({ fullName: `Name ${i}` }).expect(200);
      await ctx.flushAudit();
      await new Promise((r) => setTimeout(r, 5));
      const to = new Date();
      await new Promise((r) => setTimeout(r, 5));
      await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(a.admin)).send({ fullName: 'After the window' }).expect(200);

      const expected = await truth(a.practiceId, 'occurred_at >= $2 AND occurred_at < $3', [from, to]);
      expect(expected).toHaveLength(3);
      const got = (await walk(a.admin, { from: from.toISOString(), to: to.toISOString(), limit: 2 })).flat();
      expect(got.map((e) => e.id)).toEqual(expected);
      expect(got.every((e) => e.action === 'user.update')).toBe(true);

      // The boundaries: an event exactly at `from` is in, one exactly at `to` is out.
      const at = got[got.length - 1].occurredAt;
      const exact = (await walk(a.admin, { from: at, to: new Date(Date.parse(at) + 1).toISOString() })).flat();
      expect(exact.map((e) => e.id)).toContain(got[got.length - 1].id);
      const excluded = (await walk(a.admin, { from: new Date(Date.parse(at) - 1000).toISOString(), to: at })).flat();
      expect(excluded.map((e) => e.id)).not.toContain(got[got.length - 1].id);
    });

    it('refuses bad filters with 400 naming the parameter', async () => {
      const cases: Array<[Record<string, string>, RegExp]> = [
        [{ actorId: 'someone' }, /actorId/],
        [{ from: 'yesterday' }, /from/],
        [{ to: '2026-13-45T00:00:00Z' }, /to/],
        [{ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, /to/],
        [{ outcome: 'maybe' }, /outcome/],
        [{ resourceType: 'User; DROP' }, /resourceType/],
        [{ limit: '500' }, /limit/],
        [{ cursor: Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'abc'])).toString('base64url') }, /cursor/],
        [{ practiceId: b.practiceId }, /practiceId/],
      ];
      for (const [query, field] of cases) {
        const res = await list(a.admin, query);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body.message).toMatch(field);
      }
    });

    it('is for admins: a clinician gets 403 (and that denial is itself recorded)', async () => {
      const res = await list(clinician).expect(403);
      expect(await rowsFor(res)).toEqual([
        expect.objectContaining({ action: 'audit.list', outcome: 'denied', actor_user_id: clinician.id, practice_id: a.practiceId }),
      ]);
    });

    it('never shows one practice’s events to another practice’s admin, whatever the filter', async () => {
      const aIds = new Set(await truth(a.practiceId));
      const bExpected = await truth(b.practiceId);
      const bAll = (await walk(b.admin, { limit: 2 })).flat();
      expect(bAll.length).toBeGreaterThan(0);
      expect(bAll.filter((e) => aIds.has(e.id))).toEqual([]);
      expect(bAll.map((e) => e.id)).toEqual(bExpected);

      const queries: Array<Record<string, string>> = [{ actorId: a.admin.id }, { actorId: clinician.id }, { resourceType: 'practice', resourceId: a.practiceId }];
      for (const query of queries) {
        const got = (await walk(b.admin, query)).flat();
        expect({ query, leaked: got.filter((e) => aIds.has(e.id)) }).toEqual({ query, leaked: [] });
      }
      // A's cursor does not open A's trail to B.
      const aPage = await list(a.admin, { limit: 1 }).expect(200);
      const withACursor = (await list(b.admin, { cursor: aPage.body.nextCursor }).expect(200)).body.data as EventBody[];
      expect(withACursor.filter((e) => aIds.has(e.id))).toEqual([]);
    });
  });

  describe('append-only at the database', () => {
    async function count(): Promise<number> {
      const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM audit_events`);
      return n;
    }

    it('refuses UPDATE, DELETE and TRUNCATE, whoever runs them, and keeps every row', async () => {
      await ctx.flushAudit();
      const before = await count();
      expect(before).toBeGreaterThan(0);
      const [sample] = await ctx.db.query(`SELECT * FROM audit_events ORDER BY id LIMIT 1`);
      await expect(ctx.db.query(`UPDATE audit_events SET outcome = 'allowed', reason = NULL`)).rejects.toThrow(/append-only/);
      await expect(ctx.db.query(`UPDATE audit_events SET actor_user_id = NULL WHERE id = $1`, [sample.id])).rejects.toThrow(/append-only/);
      await expect(ctx.db.query(`DELETE FROM audit_events WHERE id = $1`, [sample.id])).rejects.toThrow(/append-only/);
      await expect(ctx.db.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
      await expect(ctx.db.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
      await expect(ctx.db.query(`TRUNCATE audit_events, users CASCADE`)).rejects.toThrow(/append-only/);
      expect(await count()).toBe(before);
      const [again] = await ctx.db.query(`SELECT * FROM audit_events WHERE id = $1`, [sample.id]);
      expect(again).toEqual(sample);
    });

    it('still accepts new rows', async () => {
      const before = await count();
      await http(ctx).get('/v1/me').set(...bearer(a.admin)).expect(200);
      await ctx.flushAudit();
      expect(await count()).toBe(before + 1);
    });
  });
});
