import { randomUUID } from 'node:crypto';
import { Actor, bearer, createPractice, createStaff, http, login, PracticeWorld, uniqueEmail } from '../factories';
import { freshSession, inviteOnly, mailCount, nextMailToken, snapshotPractice } from '../factories/access';
import { startTestApp, TestContext } from '../setup/test-app';

interface UserBody {
  id: string;
  email: string;
  role: string;
  status: string;
  fullName: string | null;
}

describe('users (/v1/users)', () => {
  let ctx: TestContext;
  let a: PracticeWorld;
  let clinician: Actor;
  let b: PracticeWorld;

  beforeAll(async () => {
    ctx = await startTestApp();
    a = await createPractice(ctx, 'Practice A');
    clinician = await createStaff(ctx, a, 'clinician');
    b = await createPractice(ctx, 'Practice B');
  });
  afterAll(() => ctx?.close());

  /** Walks every page of GET /v1/users with the given query. */
  async function walk(world: PracticeWorld, query: Record<string, string | number>): Promise<{ pages: UserBody[][]; all: UserBody[] }> {
    const pages: UserBody[][] = [];
    let cursor: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const res: { body: { data: UserBody[]; nextCursor: string | null } } = await http(ctx)
        .get('/v1/users')
        .query(cursor ? { ...query, cursor } : query)
        .set(...bearer(world.admin))
        .expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['data', 'nextCursor']);
      pages.push(res.body.data);
      cursor = res.body.nextCursor;
      if (!cursor) return { pages, all: pages.flat() };
    }
    throw new Error('pagination did not end');
  }

  async function userIdsInDb(practiceId: string, where = 'true', params: unknown[] = []): Promise<string[]> {
    const rows: Array<{ id: string }> = await ctx.db.query(
      `SELECT id FROM users WHERE practice_id = $1 AND ${where} ORDER BY created_at, id`,
      [practiceId, ...params],
    );
    return rows.map((r) => r.id);
  }

  describe('list with cursor pagination', () => {
    let p: PracticeWorld;

    beforeAll(async () => {
      p = await createPractice(ctx, 'Paginated Practice');
      for (let i = 0; i < 5; i++) await inviteOnly(ctx, p, i % 2 === 0 ? 'clinician' : 'admin');
      await createStaff(ctx, p, 'clinician');
      // Rows created in the same millisecond: the id must break the tie, or a page boundary skips or repeats them.
      const sameInstant = new Date(Date.now() - 60_000).toISOString();
      for (let i = 0; i < 5; i++) {
        await ctx.db.query(
          `INSERT INTO users (practice_id, email, role, status, created_at, updated_at) VALUES ($1, $2, 'clinician', 'deactivated', $3, $3)`,
          [p.practiceId, uniqueEmail('same-instant'), sameInstant],
        );
      }
    });

    it('walks every page of more users than the limit without duplicates or misses, in creation order', async () => {
      const expected = await userIdsInDb(p.practiceId);
      expect(expected.length).toBe(12);
      for (const limit of [1, 2, 5, 11, 12, 100]) {
        const { pages, all } = await walk(p, { limit });
        expect(all.map((u) => u.id)).toEqual(expected);
        expect(pages.every((page) => page.length <= limit)).toBe(true);
        expect(pages.length).toBe(Math.max(1, Math.ceil(expected.length / limit)));
      }
    });

    it('defaults to 25 per page and answers the last page with nextCursor null', async () => {
      const res = await http(ctx).get('/v1/users').set(...bearer(p.admin)).expect(200);
      expect(res.body.data).toHaveLength(12);
      expect(res.body.nextCursor).toBeNull();
    });

    it('filters by role and by status, and by both, across pages', async () => {
      const cases: Array<[Record<string, string>, string, unknown[]]> = [
        [{ role: 'admin' }, `role = $2`, ['admin']],
        [{ role: 'clinician' }, `role = $2`, ['clinician']],
        [{ status: 'invited' }, `status = $2`, ['invited']],
        [{ status: 'deactivated' }, `status = $2`, ['deactivated']],
        [{ role: 'clinician', status: 'invited' }, `role = $2 AND status = $3`, ['clinician', 'invited']],
        [{ role: 'admin', status: 'active' }, `role = $2 AND status = $3`, ['admin', 'active']],
        [{ role: 'client' }, `role = $2`, ['client']],
      ];
      for (const [query, where, params] of cases) {
        const expected = await userIdsInDb(p.practiceId, where, params);
        const { all } = await walk(p, { ...query, limit: 2 });
        expect({ query, ids: all.map((u) => u.id) }).toEqual({ query, ids: expected });
        for (const u of all) {
          if (query.role) expect(u.role).toBe(query.role);
          if (query.status) expect(u.status).toBe(query.status);
        }
      }
    });

    it('refuses a bad limit, role, status or cursor with 400 naming the parameter', async () => {
      const bad: Array<[Record<string, string>, RegExp]> = [
        [{ limit: '0' }, /limit/],
        [{ limit: '101' }, /limit/],
        [{ limit: 'ten' }, /limit/],
        [{ role: 'owner' }, /role/],
        [{ status: 'gone' }, /status/],
        [{ cursor: 'not-a-cursor' }, /cursor/],
        [{ cursor: Buffer.from(JSON.stringify(['2024-01-01T00:00:00.000Z', 'not-a-uuid'])).toString('base64url') }, /cursor/],
        [{ cursor: Buffer.from(JSON.stringify(['1', randomUUID()])).toString('base64url') }, /cursor/],
        [{ practiceId: b.practiceId }, /practiceId/],
      ];
      for (const [query, field] of bad) {
        const res = await http(ctx).get('/v1/users').query(query).set(...bearer(p.admin));
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
        expect(res.body.message).toMatch(field);
      }
    });

    it('never lists another practice’s users, whatever the filter', async () => {
      const { all } = await walk(b, { limit: 3 });
      const ids = all.map((u) => u.id);
      expect(ids).toEqual(await userIdsInDb(b.practiceId));
      const foreign = await userIdsInDb(p.practiceId);
      expect(ids.filter((id) => foreign.includes(id))).toEqual([]);
      // A cursor taken from practice P does not open P's rows to B either.
      const pPage = await http(ctx).get('/v1/users').query({ limit: 1 }).set(...bearer(p.admin)).expect(200);
      const withForeignCursor = await http(ctx).get('/v1/users').query({ cursor: pPage.body.nextCursor }).set(...bearer(b.admin)).expect(200);
      expect(withForeignCursor.body.data.map((u: UserBody) => u.id).filter((id: string) => foreign.includes(id))).toEqual([]);
    });
  });

  describe('invite (POST /v1/users)', () => {
    it('creates an invited user and emails a working invitation through SMTP', async () => {
      const email = uniqueEmail('invitee');
      const res = await http(ctx)
        .post('/v1/users')
        .set(...bearer(a.admin))
        .send({ email: `  ${email.toUpperCase()} `, role: 'clinician', fullName: 'Dr Invitee' })
        .expect(201);
      expect(res.body).toMatchObject({ email, role: 'clinician', status: 'invited', fullName: 'Dr Invitee', totpEnabled: false, lastLoginAt: null });
      expect(res.body).not.toHaveProperty('passwordHash');
      expect(res.body).not.toHaveProperty('practiceId');
      const mail = await ctx.mail.waitFor(email);
      expect(mail.to).toEqual([email]);
      expect(mail.text).toMatch(/token=[A-Za-z0-9_-]{20,}/);
      expect(mail.text).toContain('Practice A');
      const [row] = await ctx.db.query(`SELECT practice_id, status, password_hash FROM users WHERE id = $1`, [res.body.id]);
      expect(row).toEqual({ practice_id: a.practiceId, status: 'invited', password_hash: null });

      const token = await nextMailToken(ctx, email, 0);
      await http(ctx).post('/v1/auth/invitations/accept').send({ token, password: 'long enough passphrase 9' }).expect(200);
      const after = await http(ctx).get(`/v1/users/${res.body.id}`).set(...bearer(a.admin)).expect(200);
      expect(after.body.status).toBe('active');
    });

    it('refuses an email that already has an account, whatever its case or practice, with 409 and writes nothing', async () => {
      const before = await snapshotPractice(ctx, a.practiceId);
      for (const email of [clinician.email, clinician.email.toUpperCase(), b.admin.email]) {
        const sent = mailCount(ctx, email);
        const res = await http(ctx).post('/v1/users').set(...bearer(a.admin)).send({ email, role: 'clinician' });
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
        expect(res.body.message).toMatch(/email/);
        expect(mailCount(ctx, email)).toBe(sent);
      }
      expect(await snapshotPractice(ctx, a.practiceId)).toEqual(before);
    });

    it('lets only one of two concurrent invitations of the same email through', async () => {
      const email = uniqueEmail('twice');
      const results = await Promise.all([0, 1].map(() => http(ctx).post('/v1/users').set(...bearer(a.admin)).send({ email, role: 'clinician' })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      const [{ n }] = await ctx.db.query(`SELECT count(*)::int AS n FROM users WHERE email = $1`, [email]);
      expect(n).toBe(1);
    });

    it('refuses bad input with 400 naming the field, and writes nothing', async () => {
      const cases: Array<[object, RegExp]> = [
        [{ email: 'not-an-email', role: 'clinician' }, /email/],
        [{ role: 'clinician' }, /email/],
        [{ email: uniqueEmail('x'), role: 'client' }, /role/],
        [{ email: uniqueEmail('x'), role: 'owner' }, /role/],
        [{ email: uniqueEmail('x') }, /role/],
        [{ email: uniqueEmail('x'), role: 'clinician', status: 'active' }, /status: is not an accepted field/],
        [{ email: uniqueEmail('x'), role: 'clinician', practiceId: b.practiceId }, /practiceId: is not an accepted field/],
        [{ email: uniqueEmail('x'), role: 'clinician', fullName: '' }, /fullName/],
        [{ email: uniqueEmail('x'), role: 'clinician', fullName: 'x'.repeat(201) }, /fullName/],
      ];
      const before = await snapshotPractice(ctx, a.practiceId);
      const beforeB = await snapshotPractice(ctx, b.practiceId);
      for (const [body, field] of cases) {
        const res = await http(ctx).post('/v1/users').set(...bearer(a.admin)).send(body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'validation_failed' });
        expect(res.body.message).toMatch(field);
      }
      expect(await snapshotPractice(ctx, a.practiceId)).toEqual(before);
      expect(await snapshotPractice(ctx, b.practiceId)).toEqual(beforeB);
    });

    it('re-sends an invitation: the new link works, the old one no longer does; an accepted user cannot be re-invited', async () => {
      const invited = await inviteOnly(ctx, a);
      const first = await nextMailToken(ctx, invited.email, 0);
      await http(ctx).post(`/v1/users/${invited.id}/invitation`).set(...bearer(a.admin)).expect(204);
      const second = await nextMailToken(ctx, invited.email, 1);
      expect(second).not.toBe(first);
      await http(ctx).post('/v1/auth/invitations/accept').send({ token: first, password: 'long enough passphrase 9' }).expect(401);
      await http(ctx).post('/v1/auth/invitations/accept').send({ token: second, password: 'long enough passphrase 9' }).expect(200);
      const res = await http(ctx).post(`/v1/users/${invited.id}/invitation`).set(...bearer(a.admin));
      expect(res.status).toBe(409);
    });
  });

  describe('get and patch', () => {
    it('reads one user without secrets', async () => {
      const res = await http(ctx).get(`/v1/users/${clinician.id}`).set(...bearer(a.admin)).expect(200);
      expect(res.body).toMatchObject({ id: clinician.id, email: clinician.email, role: 'clinician', status: 'active' });
      expect(Object.keys(res.body).sort()).toEqual(
        ['createdAt', 'email', 'fullName', 'id', 'lastLoginAt', 'role', 'status', 'totpEnabled', 'updatedAt'].sort(),
      );
    });

    it('changes the role, and the new role applies to the user’s existing session at once', async () => {
      const person = await createStaff(ctx, a, 'clinician');
      await http(ctx).get('/v1/users').set(...bearer(person)).expect(403);
      const promoted = await http(ctx).patch(`/v1/users/${person.id}`).set(...bearer(a.admin)).send({ role: 'admin' }).expect(200);
      expect(promoted.body.role).toBe('admin');
      await http(ctx).get('/v1/users').set(...bearer(person)).expect(200);
      const demoted = await http(ctx).patch(`/v1/users/${person.id}`).set(...bearer(a.admin)).send({ role: 'clinician', fullName: 'Renamed Person' }).expect(200);
      expect(demoted.body).toMatchObject({ role: 'clinician', fullName: 'Renamed Person' });
      await http(ctx).get('/v1/users').set(...bearer(person)).expect(403);
    });

    it('deactivates (ending every session at once) and reactivates', async () => {
      const person = await createStaff(ctx, a, 'clinician');
      const second = await freshSession(ctx, person);
      const res = await http(ctx).patch(`/v1/users/${person.id}`).set(...bearer(a.admin)).send({ status: 'deactivated' }).expect(200);
      expect(res.body.status).toBe('deactivated');
      await http(ctx).get('/v1/me').set(...bearer(person)).expect(401);
      await http(ctx).get('/v1/me').set(...bearer(second)).expect(401);
      await http(ctx).post('/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
      expect((await login(ctx, person.email)).status).toBe(401);
      const [{ live }] = await ctx.db.query(`SELECT count(*)::int AS live FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL`, [person.id]);
      expect(live).toBe(0);
      const [row] = await ctx.db.query(`SELECT deactivated_at FROM users WHERE id = $1`, [person.id]);
      expect(row.deactivated_at).not.toBeNull();

      const back = await http(ctx).patch(`/v1/users/${person.id}`).set(...bearer(a.admin)).send({ status: 'active' }).expect(200);
      expect(back.body.status).toBe('active');
      const [row2] = await ctx.db.query(`SELECT deactivated_at FROM users WHERE id = $1`, [person.id]);
      expect(row2.deactivated_at).toBeNull();
      expect((await login(ctx, person.email)).status).toBe(200);
      // The sessions that deactivation ended stay ended.
      await http(ctx).get('/v1/me').set(...bearer(person)).expect(401);
    });

    it('does not let PATCH activate an invited user (only accepting the invitation does), and changes nothing', async () => {
      const invited = await inviteOnly(ctx, a);
      const before = await snapshotPractice(ctx, a.practiceId);
      const res = await http(ctx).patch(`/v1/users/${invited.id}`).set(...bearer(a.admin)).send({ status: 'active', fullName: 'Sneaky' });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(await snapshotPractice(ctx, a.practiceId)).toEqual(before);
    });

    it('refuses bad patches with 400 naming the field, and writes nothing', async () => {
      const cases: Array<[object, RegExp]> = [
        [{ role: 'client' }, /role/],
        [{ status: 'invited' }, /status/],
        [{ status: 'suspended' }, /status/],
        [{ email: 'new@example.test' }, /email: is not an accepted field/],
        [{ practiceId: b.practiceId }, /practiceId: is not an accepted field/],
        [{ id: randomUUID() }, /id: is not an accepted field/],
        [{ passwordHash: 'x' }, /passwordHash: is not an accepted field/],
        [{ fullName: 42 }, /fullName/],
      ];
      const before = await snapshotPractice(ctx, a.practiceId);
      for (const [body, field] of cases) {
        const res = await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(a.admin)).send(body);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body.message).toMatch(field);
      }
      expect(await snapshotPractice(ctx, a.practiceId)).toEqual(before);
    });

    it('answers 404 for a malformed id, an unknown id and another practice’s user, and changes nothing', async () => {
      const before = await snapshotPractice(ctx, a.practiceId);
      for (const id of ['not-a-uuid', '123', `${clinician.id}x`, "1' OR '1'='1", randomUUID()]) {
        const get = await http(ctx).get(`/v1/users/${encodeURIComponent(id)}`).set(...bearer(a.admin));
        expect({ id, status: get.status }).toEqual({ id, status: 404 });
        const patch = await http(ctx).patch(`/v1/users/${encodeURIComponent(id)}`).set(...bearer(a.admin)).send({ fullName: 'X' });
        expect({ id, status: patch.status }).toEqual({ id, status: 404 });
      }
      // B's admin with A's ids: the same 404 as an id that does not exist, and A is untouched.
      for (const target of [a.admin.id, clinician.id]) {
        const get = await http(ctx).get(`/v1/users/${target}`).set(...bearer(b.admin));
        const unknown = await http(ctx).get(`/v1/users/${randomUUID()}`).set(...bearer(b.admin));
        expect(get.status).toBe(404);
        expect(get.body).toEqual(unknown.body);
        await http(ctx).patch(`/v1/users/${target}`).set(...bearer(b.admin)).send({ role: 'clinician', status: 'deactivated', fullName: 'Hijacked' }).expect(404);
        await http(ctx).post(`/v1/users/${target}/invitation`).set(...bearer(b.admin)).expect(404);
      }
      expect(await snapshotPractice(ctx, a.practiceId)).toEqual(before);
    });

    it('forbids a clinician every users route with 403, and changes nothing', async () => {
      const before = await snapshotPractice(ctx, a.practiceId);
      await http(ctx).get('/v1/users').set(...bearer(clinician)).expect(403);
      await http(ctx).get(`/v1/users/${a.admin.id}`).set(...bearer(clinician)).expect(403);
      await http(ctx).patch(`/v1/users/${a.admin.id}`).set(...bearer(clinician)).send({ status: 'deactivated' }).expect(403);
      await http(ctx).patch(`/v1/users/${clinician.id}`).set(...bearer(clinician)).send({ role: 'admin' }).expect(403);
      await http(ctx).post('/v1/users').set(...bearer(clinician)).send({ email: uniqueEmail('c'), role: 'admin' }).expect(403);
      expect(await snapshotPractice(ctx, a.practiceId)).toEqual(before);
    });
  });

  describe('the last active admin', () => {
    it('cannot be demoted or deactivated (409), and nothing changes', async () => {
      const solo = await createPractice(ctx, 'Solo Practice');
      // Other admins that are invited or deactivated do not count.
      await inviteOnly(ctx, solo, 'admin');
      const gone = await createStaff(ctx, solo, 'admin');
      await http(ctx).patch(`/v1/users/${gone.id}`).set(...bearer(solo.admin)).send({ status: 'deactivated' }).expect(200);

      const before = await snapshotPractice(ctx, solo.practiceId);
      for (const body of [{ role: 'clinician' }, { status: 'deactivated' }, { role: 'clinician', status: 'deactivated' }]) {
        const res = await http(ctx).patch(`/v1/users/${solo.admin.id}`).set(...bearer(solo.admin)).send(body);
        expect({ body, status: res.status }).toEqual({ body, status: 409 });
        expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'last_admin' });
      }
      expect(await snapshotPractice(ctx, solo.practiceId)).toEqual(before);
    });

    /** Holds a lock on the practice's admin rows until both requests queue behind it, then lets go. */
    async function raceBehindLock(practiceId: string, fire: () => Array<Promise<{ status: number }>>): Promise<number[]> {
      const qr = ctx.db.createQueryRunner();
      await qr.connect();
      await qr.startTransaction();
      try {
        await qr.query(`SELECT id FROM users WHERE practice_id = $1 AND role = 'admin' FOR UPDATE`, [practiceId]);
        const inflight = fire();
        const deadline = Date.now() + 10_000;
        for (;;) {
          const [{ n }] = await ctx.db.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%FOR UPDATE%'`,
          );
          if (n >= 2) break;
          if (Date.now() > deadline) throw new Error(`only ${n} request(s) reached the admin lock`);
          await new Promise((r) => setTimeout(r, 10));
        }
        await qr.commitTransaction();
        return (await Promise.all(inflight)).map((r) => r.status);
      } finally {
        if (qr.isTransactionActive) await qr.rollbackTransaction();
        await qr.release();
      }
    }

    async function activeAdmins(practiceId: string): Promise<string[]> {
      const rows: Array<{ id: string }> = await ctx.db.query(
        `SELECT id FROM users WHERE practice_id = $1 AND role = 'admin' AND status = 'active' ORDER BY id`,
        [practiceId],
      );
      return rows.map((r) => r.id);
    }

    it('survives two concurrent demotions of the only two admins: exactly one wins', async () => {
      const duo = await createPractice(ctx, 'Duo Practice');
      const second = await createStaff(ctx, duo, 'admin');
      const statuses = await raceBehindLock(duo.practiceId, () => [
        http(ctx).patch(`/v1/users/${second.id}`).set(...bearer(duo.admin)).send({ role: 'clinician' }).then((r) => r),
        http(ctx).patch(`/v1/users/${duo.admin.id}`).set(...bearer(second)).send({ role: 'clinician' }).then((r) => r),
      ]);
      expect(statuses.sort()).toEqual([200, 409]);
      expect(await activeAdmins(duo.practiceId)).toHaveLength(1);
    });

    it('survives a concurrent demotion and deactivation of the only two admins, repeated', async () => {
      const duo = await createPractice(ctx, 'Race Practice');
      const second = await createStaff(ctx, duo, 'admin');
      for (let round = 0; round < 3; round++) {
        const statuses = await raceBehindLock(duo.practiceId, () => [
          http(ctx).patch(`/v1/users/${second.id}`).set(...bearer(duo.admin)).send({ status: 'deactivated' }).then((r) => r),
          http(ctx).patch(`/v1/users/${duo.admin.id}`).set(...bearer(duo.admin)).send({ role: 'clinician' }).then((r) => r),
        ]);
        expect(statuses.sort()).toEqual([200, 409]);
        const left = await activeAdmins(duo.practiceId);
        expect(left).toHaveLength(1);
        // Restore two admins for the next round.
        const [survivor] = left;
        const survivorActor = survivor === duo.admin.id ? duo.admin : await freshSession(ctx, second);
        if (survivor === duo.admin.id) {
          await http(ctx).patch(`/v1/users/${second.id}`).set(...bearer(duo.admin)).send({ status: 'active' }).expect(200);
          Object.assign(second, await freshSession(ctx, second));
        } else {
          await http(ctx).patch(`/v1/users/${duo.admin.id}`).set(...bearer(survivorActor)).send({ role: 'admin' }).expect(200);
        }
        expect(await activeAdmins(duo.practiceId)).toHaveLength(2);
      }
    });
  });
});
