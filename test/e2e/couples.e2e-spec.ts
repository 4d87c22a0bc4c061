import { randomUUID } from 'node:crypto';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Actor, bearer, createPractice, createStaff, http, PracticeWorld } from '../factories';
import { addToCareTeam, insertClient, insertCouple } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';

type Role = 'injured' | 'involved' | 'mutual';

describe('couples /v1/couples', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  let admin: Actor;
  let clinician: Actor;
  let unassigned: Actor;
  let portal: Actor;
  let other: PracticeWorld;

  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'Couples Practice');
    admin = world.admin;
    clinician = await createStaff(ctx, world, 'clinician');
    unassigned = await createStaff(ctx, world, 'clinician');
    portal = (await createPortalClient(ctx, world.practiceId, admin.id)).actor;
    other = await createPractice(ctx, 'Elsewhere Practice');
  });
  afterAll(() => ctx?.close());

  /** Two active clients on the care team of `clinicianOnTeam` (when given). */
  async function twoClients(clinicianOnTeam: Actor | null = clinician, practiceId = world.practiceId): Promise<[string, string]> {
    const a = await insertClient(ctx, practiceId, admin.id, { fullName: 'Alex Rivera', preferredName: 'Alex' });
    const b = await insertClient(ctx, practiceId, admin.id, { fullName: 'Sam Okafor' });
    if (clinicianOnTeam) {
      await addToCareTeam(ctx, practiceId, clinicianOnTeam.id, { clientId: a });
      await addToCareTeam(ctx, practiceId, clinicianOnTeam.id, { clientId: b });
    }
    return [a, b];
  }

  function createBody(a: string, b: string, roles: [Role, Role] = ['injured', 'involved'], extra: Record<string, unknown> = {}) {
    return {
      partners: [
        { clientId: a, role: roles[0] },
        { clientId: b, role: roles[1] },
      ],
      privacyPolicy: 'no_secrets',
      ...extra,
    };
  }

  async function createCouple(actor: Actor = clinician, roles: [Role, Role] = ['injured', 'involved']) {
    const [a, b] = await twoClients();
    const res = await http(ctx).post('/v1/couples').set(...bearer(actor)).send(createBody(a, b, roles)).expect(201);
    return { id: res.body.id as string, a, b, body: res.body };
  }

  /** Everything a write could change, to prove a refused call changed nothing. */
  async function stateOf(coupleId: string) {
    const rows = await ctx.db.query(
      `SELECT c.status, c.version, c.privacy_policy, to_char(c.privacy_consented_on, 'YYYY-MM-DD') AS consented, c.dissolved_at,
              (SELECT json_agg(json_build_object('client', m.client_id, 'role', m.recovery_role, 'active', m.active) ORDER BY m.client_id)
                 FROM couple_members m WHERE m.couple_id = c.id) AS members
         FROM couples c WHERE c.id = $1`,
      [coupleId],
    );
    return rows[0];
  }

  async function coupleCount(practiceId = world.practiceId): Promise<number> {
    const rows = await ctx.db.query(`SELECT count(*)::int AS n FROM couples WHERE practice_id = $1`, [practiceId]);
    return rows[0].n;
  }

  describe('POST /v1/couples', () => {
    it('forms a couple; the creating clinician joins its care team', async () => {
      const [a, b] = await twoClients();
      const res = await http(ctx)
        .post('/v1/couples')
        .set(...bearer(clinician))
        .send(createBody(a, b, ['involved', 'injured'], { privacyPolicy: 'limited_secrets', privacyConsentedOn: '2024-03-01' }))
        .expect(201);
      expect(res.body).toMatchObject({
        status: 'active',
        privacyPolicy: 'limited_secrets',
        privacyConsentedOn: '2024-03-01',
        conjointWorkPaused: false,
        conjointWorkPauseReason: null,
        createdBy: clinician.id,
        dissolvedAt: null,
        version: 1,
      });
      expect(res.body.partners).toEqual([
        { clientId: b, fullName: 'Sam Okafor', preferredName: null, role: 'injured', active: true, clientStatus: 'active' },
        { clientId: a, fullName: 'Alex Rivera', preferredName: 'Alex', role: 'involved', active: true, clientStatus: 'active' },
      ]);
      const team = await ctx.db.query(`SELECT clinician_id, added_by, client_id FROM care_team_members WHERE couple_id = $1`, [res.body.id]);
      expect(team).toEqual([{ clinician_id: clinician.id, added_by: clinician.id, client_id: null }]);
      await http(ctx).get(`/v1/couples/${res.body.id}`).set(...bearer(clinician)).expect(200);
    });

    it('accepts two mutual partners', async () => {
      const { body } = await createCouple(clinician, ['mutual', 'mutual']);
      expect(body.partners.map((p: { role: string }) => p.role)).toEqual(['mutual', 'mutual']);
    });

    it('an admin can form a couple but does not join its care team', async () => {
      const [a, b] = await twoClients(null);
      const res = await http(ctx).post('/v1/couples').set(...bearer(admin)).send(createBody(a, b)).expect(201);
      const team = await ctx.db.query(`SELECT 1 FROM care_team_members WHERE couple_id = $1`, [res.body.id]);
      expect(team).toHaveLength(0);
      await http(ctx).get(`/v1/couples/${res.body.id}`).set(...bearer(admin)).expect(200);
      await http(ctx).get(`/v1/couples/${res.body.id}`).set(...bearer(clinician)).expect(404);
    });

    it('refuses the anonymous with 401', async () => {
      const [a, b] = await twoClients();
      await http(ctx).post('/v1/couples').send(createBody(a, b)).expect(401);
    });

    it('another practice’s admin gets 404 and nothing is created', async () => {
      const [a, b] = await twoClients();
      const before = await coupleCount();
      const res = await http(ctx).post('/v1/couples').set(...bearer(other.admin)).send(createBody(a, b)).expect(404);
      expect(res.body.message).toContain('partners[0].clientId');
      expect(await coupleCount()).toBe(before);
      expect(await coupleCount(other.practiceId)).toBe(0);
    });

    it('a clinician not on the clients’ care teams gets 404 and nothing is created', async () => {
      const [a, b] = await twoClients();
      const before = await coupleCount();
      await http(ctx).post('/v1/couples').set(...bearer(unassigned)).send(createBody(a, b)).expect(404);
      expect(await coupleCount()).toBe(before);
    });

    it('a clinician who sees only one partner gets 404 naming the other', async () => {
      const [a] = await twoClients();
      const stranger = await insertClient(ctx, world.practiceId, admin.id);
      const res = await http(ctx).post('/v1/couples').set(...bearer(clinician)).send(createBody(a, stranger)).expect(404);
      expect(res.body.message).toContain('partners[1].clientId');
    });

    it('a client portal account gets 403', async () => {
      const [a, b] = await twoClients();
      await http(ctx).post('/v1/couples').set(...bearer(portal)).send(createBody(a, b)).expect(403);
    });

    it.each([
      ['two injured partners', (a: string, b: string) => createBody(a, b, ['injured', 'injured']), 'partners'],
      ['injured with mutual', (a: string, b: string) => createBody(a, b, ['injured', 'mutual']), 'partners'],
      ['the same client twice', (a: string) => createBody(a, a), 'partners'],
      ['one partner only', (a: string) => ({ partners: [{ clientId: a, role: 'injured' }], privacyPolicy: 'no_secrets' }), 'partners'],
      ['an unknown role', (a: string, b: string) => createBody(a, b, ['injured', 'betrayer' as Role]), 'partners.1.role'],
      ['a malformed client id', (a: string) => createBody(a, 'nope'), 'partners.1.clientId'],
      ['no privacy policy', (a: string, b: string) => ({ partners: createBody(a, b).partners }), 'privacyPolicy'],
      ['an unknown privacy policy', (a: string, b: string) => createBody(a, b, undefined, { privacyPolicy: 'anything_goes' }), 'privacyPolicy'],
      ['a consent date in the future', (a: string, b: string) => createBody(a, b, undefined, { privacyConsentedOn: '2999-01-01' }), 'privacyConsentedOn'],
      ['a consent date that does not exist', (a: string, b: string) => createBody(a, b, undefined, { privacyConsentedOn: '2024-02-30' }), 'privacyConsentedOn'],
      ['an unknown field', (a: string, b: string) => createBody(a, b, undefined, { practiceId: randomUUID() }), 'practiceId'],
    ])('refuses %s with 400 naming the field, writing nothing', async (_label, body, field) => {
      const [a, b] = await twoClients();
      const before = await coupleCount();
      const res = await http(ctx).post('/v1/couples').set(...bearer(clinician)).send(body(a, b)).expect(400);
      expect(res.body.fields.map((f: { field: string }) => f.field)).toContain(field);
      expect(res.body.message).toContain(field);
      expect(await coupleCount()).toBe(before);
    });

    it('refuses an archived client with 409 naming the partner', async () => {
      const [a] = await twoClients();
      const archived = await insertClient(ctx, world.practiceId, admin.id, { status: 'archived' });
      await addToCareTeam(ctx, world.practiceId, clinician.id, { clientId: archived });
      const res = await http(ctx).post('/v1/couples').set(...bearer(clinician)).send(createBody(a, archived)).expect(409);
      expect(res.body).toMatchObject({ code: 'client_archived', field: 'partners[1].clientId' });
    });

    it('refuses a client already in an active couple with 409 naming the partner', async () => {
      const { a } = await createCouple();
      const [c] = await twoClients();
      const res = await http(ctx).post('/v1/couples').set(...bearer(clinician)).send(createBody(c, a)).expect(409);
      expect(res.body).toMatchObject({ code: 'client_in_active_couple', field: 'partners[1].clientId' });
    });

    it('of two concurrent creations sharing a client, exactly one wins', async () => {
      for (let round = 0; round < 3; round += 1) {
        const [shared, x] = await twoClients();
        const [y] = await twoClients();
        const before = await coupleCount();
        const results = await Promise.all([
          http(ctx).post('/v1/couples').set(...bearer(clinician)).send(createBody(shared, x)),
          http(ctx).post('/v1/couples').set(...bearer(clinician)).send(createBody(y, shared)),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
        expect(results.find((r) => r.status === 409)!.body.code).toBe('client_in_active_couple');
        expect(await coupleCount()).toBe(before + 1);
        const active = await ctx.db.query(`SELECT couple_id FROM couple_members WHERE client_id = $1 AND active`, [shared]);
        expect(active).toHaveLength(1);
      }
    });

    it('two concurrent creations of the same pair in opposite order: one wins, no deadlock', async () => {
      const [a, b] = await twoClients();
      const results = await Promise.all([
        http(ctx).post('/v1/couples').set(...bearer(clinician)).send(createBody(a, b)),
        http(ctx).post('/v1/couples').set(...bearer(clinician)).send(createBody(b, a)),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });
  });

  describe('GET /v1/couples/:id', () => {
    let coupleId: string;
    beforeAll(async () => {
      coupleId = (await createCouple()).id;
    });

    it('reads the couple for its care team and for admins', async () => {
      const res = await http(ctx).get(`/v1/couples/${coupleId}`).set(...bearer(clinician)).expect(200);
      expect(res.body).toMatchObject({ id: coupleId, status: 'active', conjointWorkPaused: false, version: 1 });
      expect(res.body.partners).toHaveLength(2);
      await http(ctx).get(`/v1/couples/${coupleId}`).set(...bearer(admin)).expect(200);
    });

    it('records the read in the audit trail', async () => {
      await http(ctx).get(`/v1/couples/${coupleId}`).set(...bearer(clinician)).expect(200);
      await ctx.flushAudit();
      const rows = await ctx.db.query(
        `SELECT outcome FROM audit_events WHERE action = 'couple.read' AND resource_id = $1 AND actor_user_id = $2`,
        [coupleId, clinician.id],
      );
      expect(rows.length).toBeGreaterThan(0);
    });

    it('401 anonymous, 404 other practice, 404 unassigned clinician, 403 portal client, 404 malformed id', async () => {
      await http(ctx).get(`/v1/couples/${coupleId}`).expect(401);
      await http(ctx).get(`/v1/couples/${coupleId}`).set(...bearer(other.admin)).expect(404);
      await http(ctx).get(`/v1/couples/${coupleId}`).set(...bearer(unassigned)).expect(404);
      await http(ctx).get(`/v1/couples/${coupleId}`).set(...bearer(portal)).expect(403);
      await http(ctx).get(`/v1/couples/not-a-uuid`).set(...bearer(clinician)).expect(404);
      await http(ctx).get(`/v1/couples/${randomUUID()}`).set(...bearer(admin)).expect(404);
    });

    it('a clinician sees every couple when the practice widens visibility', async () => {
      const wide = await createPractice(ctx, 'Open Practice');
      const mine = await createStaff(ctx, wide, 'clinician');
      const colleague = await createStaff(ctx, wide, 'clinician');
      const a = await insertClient(ctx, wide.practiceId, wide.admin.id);
      const b = await insertClient(ctx, wide.practiceId, wide.admin.id);
      const id = await insertCouple(ctx, wide.practiceId, wide.admin.id, [
        { clientId: a, role: 'injured' },
        { clientId: b, role: 'involved' },
      ]);
      await addToCareTeam(ctx, wide.practiceId, mine.id, { coupleId: id });
      await http(ctx).get(`/v1/couples/${id}`).set(...bearer(colleague)).expect(404);
      await http(ctx).patch('/v1/practice').set(...bearer(wide.admin)).send({ settings: { cliniciansSeeAllClients: true } }).expect(200);
      await http(ctx).get(`/v1/couples/${id}`).set(...bearer(colleague)).expect(200);
      const list = await http(ctx).get('/v1/couples').set(...bearer(colleague)).expect(200);
      expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([id]);
    });
  });

  describe('GET /v1/couples', () => {
    let listWorld: PracticeWorld;
    let mine: Actor;
    let colleague: Actor;
    const ids: string[] = [];
    let dissolvedId: string;
    let sharedClient: string;

    beforeAll(async () => {
      listWorld = await createPractice(ctx, 'List Practice');
      mine = await createStaff(ctx, listWorld, 'clinician');
      colleague = await createStaff(ctx, listWorld, 'clinician');
      for (let i = 0; i < 3; i += 1) {
        const a = await insertClient(ctx, listWorld.practiceId, listWorld.admin.id);
        const b = await insertClient(ctx, listWorld.practiceId, listWorld.admin.id);
        await addToCareTeam(ctx, listWorld.practiceId, mine.id, { clientId: a });
        await addToCareTeam(ctx, listWorld.practiceId, mine.id, { clientId: b });
        const res = await http(ctx)
          .post('/v1/couples')
          .set(...bearer(mine))
          .send({ partners: [{ clientId: a, role: 'injured' }, { clientId: b, role: 'involved' }], privacyPolicy: 'no_secrets' })
          .expect(201);
        ids.push(res.body.id);
        if (i === 0) sharedClient = a;
      }
      // The first couple ends; one of its partners starts over with someone new.
      dissolvedId = ids[0];
      await http(ctx).post(`/v1/couples/${dissolvedId}/dissolve`).set(...bearer(mine)).send({ reason: 'separated' }).expect(200);
      const c = await insertClient(ctx, listWorld.practiceId, listWorld.admin.id);
      await addToCareTeam(ctx, listWorld.practiceId, mine.id, { clientId: c });
      const res = await http(ctx)
        .post('/v1/couples')
        .set(...bearer(mine))
        .send({ partners: [{ clientId: sharedClient, role: 'mutual' }, { clientId: c, role: 'mutual' }], privacyPolicy: 'limited_secrets' })
        .expect(201);
      ids.push(res.body.id);
    });

    it('lists newest first and pages with a cursor', async () => {
      const first = await http(ctx).get('/v1/couples?limit=3').set(...bearer(mine)).expect(200);
      expect(first.body.data.map((c: { id: string }) => c.id)).toEqual([ids[3], ids[2], ids[1]]);
      expect(first.body.data[0].partners).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await http(ctx).get(`/v1/couples?limit=3&cursor=${first.body.nextCursor}`).set(...bearer(mine)).expect(200);
      expect(second.body.data.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
      expect(second.body.nextCursor).toBeNull();
    });

    it('filters by status and by partner (history included)', async () => {
      const dissolved = await http(ctx).get('/v1/couples?status=dissolved').set(...bearer(mine)).expect(200);
      expect(dissolved.body.data.map((c: { id: string }) => c.id)).toEqual([dissolvedId]);
      const active = await http(ctx).get('/v1/couples?status=active').set(...bearer(mine)).expect(200);
      expect(active.body.data).toHaveLength(3);
      const partner = await http(ctx).get(`/v1/couples?clientId=${sharedClient}`).set(...bearer(mine)).expect(200);
      expect(partner.body.data.map((c: { id: string }) => c.id)).toEqual([ids[3], dissolvedId]);
    });

    it('shows a clinician only the couples on whose care team they are; an admin all', async () => {
      const theirs = await http(ctx).get('/v1/couples').set(...bearer(colleague)).expect(200);
      expect(theirs.body.data).toEqual([]);
      await addToCareTeam(ctx, listWorld.practiceId, colleague.id, { coupleId: ids[2] });
      const now = await http(ctx).get('/v1/couples').set(...bearer(colleague)).expect(200);
      expect(now.body.data.map((c: { id: string }) => c.id)).toEqual([ids[2]]);
      const all = await http(ctx).get('/v1/couples').set(...bearer(listWorld.admin)).expect(200);
      expect(all.body.data).toHaveLength(4);
    });

    it('another practice sees none of them, even filtering by one of their partners', async () => {
      const res = await http(ctx).get(`/v1/couples?clientId=${sharedClient}`).set(...bearer(other.admin)).expect(200);
      expect(res.body.data).toEqual([]);
      const all = await http(ctx).get('/v1/couples').set(...bearer(other.admin)).expect(200);
      expect(all.body.data.filter((c: { id: string }) => ids.includes(c.id))).toEqual([]);
    });

    it('reads a page, partners and pause included, in the same number of queries whatever its size (no N+1)', async () => {
      // One partner of the newest couple carries an active high-severity IPV flag.
      await ctx.db.query(
        `INSERT INTO safety_flags (practice_id, client_id, kind, severity, status, raised_by, raised_at)
         VALUES ($1, $2, 'intimate_partner_violence', 'high', 'active', $3, now())`,
        [listWorld.practiceId, sharedClient, mine.id],
      );
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      const countFor = async (limit: number) => {
        spy.mockClear();
        const res = await http(ctx).get('/v1/couples').query({ limit }).set(...bearer(mine)).expect(200);
        expect(res.body.data).toHaveLength(limit);
        expect(res.body.data.every((c: { partners: unknown[] }) => c.partners.length === 2)).toBe(true);
        expect(res.body.data[0]).toMatchObject({ id: ids[3], conjointWorkPaused: true, conjointWorkPauseReason: 'high_severity_ipv_flag' });
        // Besides authentication and the visibility setting: the page (pause computed inside it) and its partners.
        return spy.mock.calls.filter(([sql]) => /\b(couples|couple_members|safety_flags)\b/.test(String(sql))).length;
      };
      try {
        const small = await countFor(1);
        const large = await countFor(4);
        expect(large).toBe(small);
        expect(small).toBe(2);
      } finally {
        spy.mockRestore();
        await ctx.db.query(`DELETE FROM safety_flags WHERE client_id = $1`, [sharedClient]);
      }
    });

    it('401 anonymous, 403 portal client', async () => {
      await http(ctx).get('/v1/couples').expect(401);
      await http(ctx).get('/v1/couples').set(...bearer(portal)).expect(403);
    });

    it.each([
      ['status=gone', 'status'],
      ['clientId=12', 'clientId'],
      ['limit=0', 'limit'],
      ['cursor=garbage', 'cursor'],
    ])('refuses %s with 400 naming the field', async (query, field) => {
      const res = await http(ctx).get(`/v1/couples?${query}`).set(...bearer(mine)).expect(400);
      expect(res.body.message).toContain(field);
    });
  });

  describe('PATCH /v1/couples/:id', () => {
    it('changes the privacy policy, consent date and roles, bumping the version', async () => {
      const { id, a, b } = await createCouple();
      const res = await http(ctx)
        .patch(`/v1/couples/${id}`)
        .set(...bearer(clinician))
        .send({
          version: 1,
          privacyPolicy: 'limited_secrets',
          privacyConsentedOn: '2024-05-02',
          partners: [
            { clientId: a, role: 'involved' },
            { clientId: b, role: 'injured' },
          ],
        })
        .expect(200);
      expect(res.body).toMatchObject({ privacyPolicy: 'limited_secrets', privacyConsentedOn: '2024-05-02', version: 2 });
      const roles = Object.fromEntries(res.body.partners.map((p: { clientId: string; role: string }) => [p.clientId, p.role]));
      expect(roles).toEqual({ [a]: 'involved', [b]: 'injured' });

      const cleared = await http(ctx).patch(`/v1/couples/${id}`).set(...bearer(admin)).send({ version: 2, privacyConsentedOn: null }).expect(200);
      expect(cleared.body).toMatchObject({ privacyConsentedOn: null, privacyPolicy: 'limited_secrets', version: 3 });
    });

    it('refuses a stale version with 409 and changes nothing', async () => {
      const { id } = await createCouple();
      await http(ctx).patch(`/v1/couples/${id}`).set(...bearer(clinician)).send({ version: 1, privacyPolicy: 'limited_secrets' }).expect(200);
      const before = await stateOf(id);
      const res = await http(ctx).patch(`/v1/couples/${id}`).set(...bearer(clinician)).send({ version: 1, privacyPolicy: 'no_secrets' }).expect(409);
      expect(res.body).toMatchObject({ code: 'stale_version', currentVersion: 2 });
      expect(await stateOf(id)).toEqual(before);
    });

    it('of two concurrent saves from the same version, exactly one wins', async () => {
      const { id } = await createCouple();
      const results = await Promise.all([
        http(ctx).patch(`/v1/couples/${id}`).set(...bearer(clinician)).send({ version: 1, privacyPolicy: 'limited_secrets' }),
        http(ctx).patch(`/v1/couples/${id}`).set(...bearer(admin)).send({ version: 1, privacyConsentedOn: '2024-01-01' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await stateOf(id)).version).toBe(2);
    });

    it.each([
      ['no version', () => ({ privacyPolicy: 'no_secrets' }), 'version'],
      ['a version that is not a number', () => ({ version: '1' }), 'version'],
      ['a null privacy policy', () => ({ version: 1, privacyPolicy: null }), 'privacyPolicy'],
      ['a malformed consent date', () => ({ version: 1, privacyConsentedOn: '01/02/2024' }), 'privacyConsentedOn'],
      ['one partner made mutual', (a: string) => ({ version: 1, partners: [{ clientId: a, role: 'mutual' }] }), 'partners'],
      ['a client who is not a partner', () => ({ version: 1, partners: [{ clientId: randomUUID(), role: 'injured' }] }), 'partners[0].clientId'],
      ['an unknown field', () => ({ version: 1, status: 'dissolved' }), 'status'],
    ])('refuses %s with 400 naming the field and changes nothing', async (_label, body, field) => {
      const { id, a } = await createCouple();
      const before = await stateOf(id);
      const res = await http(ctx).patch(`/v1/couples/${id}`).set(...bearer(clinician)).send(body(a)).expect(400);
      expect(res.body.message).toContain(field);
      expect(await stateOf(id)).toEqual(before);
    });

    it('401 anonymous, 404 other practice / unassigned clinician, 403 portal client; nothing changes', async () => {
      const { id } = await createCouple();
      const before = await stateOf(id);
      const body = { version: 1, privacyPolicy: 'limited_secrets' };
      await http(ctx).patch(`/v1/couples/${id}`).send(body).expect(401);
      await http(ctx).patch(`/v1/couples/${id}`).set(...bearer(other.admin)).send(body).expect(404);
      await http(ctx).patch(`/v1/couples/${id}`).set(...bearer(unassigned)).send(body).expect(404);
      await http(ctx).patch(`/v1/couples/${id}`).set(...bearer(portal)).send(body).expect(403);
      expect(await stateOf(id)).toEqual(before);
    });

    it('refuses changes to a dissolved couple with 409', async () => {
      const { id } = await createCouple();
      await http(ctx).post(`/v1/couples/${id}/dissolve`).set(...bearer(clinician)).send({}).expect(200);
      const res = await http(ctx).patch(`/v1/couples/${id}`).set(...bearer(clinician)).send({ version: 2, privacyPolicy: 'limited_secrets' }).expect(409);
      expect(res.body.code).toBe('couple_dissolved');
    });
  });

  describe('POST /v1/couples/:id/dissolve', () => {
    it('dissolves: members inactive, history readable, partners free to join another couple', async () => {
      const { id, a, b } = await createCouple();
      const res = await http(ctx).post(`/v1/couples/${id}/dissolve`).set(...bearer(clinician)).send({ reason: 'conjoint_work_ended' }).expect(200);
      expect(res.body).toMatchObject({
        status: 'dissolved',
        dissolvedBy: clinician.id,
        dissolutionReason: 'conjoint_work_ended',
        version: 2,
        conjointWorkPaused: false,
      });
      expect(res.body.dissolvedAt).toEqual(expect.any(String));
      expect(res.body.partners.map((p: { active: boolean }) => p.active)).toEqual([false, false]);

      const read = await http(ctx).get(`/v1/couples/${id}`).set(...bearer(clinician)).expect(200);
      expect(read.body.status).toBe('dissolved');

      const [c] = await twoClients();
      const again = await http(ctx).post('/v1/couples').set(...bearer(clinician)).send(createBody(a, c)).expect(201);
      expect(again.body.id).not.toBe(id);
      await http(ctx).post('/v1/couples').set(...bearer(clinician)).send(createBody(b, a)).expect(409);
    });

    it('refuses a second dissolution and a stale version with 409', async () => {
      const { id } = await createCouple();
      await http(ctx).patch(`/v1/couples/${id}`).set(...bearer(clinician)).send({ version: 1, privacyPolicy: 'limited_secrets' }).expect(200);
      const stale = await http(ctx).post(`/v1/couples/${id}/dissolve`).set(...bearer(clinician)).send({ version: 1 }).expect(409);
      expect(stale.body.code).toBe('stale_version');
      await http(ctx).post(`/v1/couples/${id}/dissolve`).set(...bearer(admin)).send({ version: 2 }).expect(200);
      const twice = await http(ctx).post(`/v1/couples/${id}/dissolve`).set(...bearer(clinician)).send({}).expect(409);
      expect(twice.body.code).toBe('already_dissolved');
    });

    it('refuses an unknown reason with 400 naming it', async () => {
      const { id } = await createCouple();
      const before = await stateOf(id);
      const res = await http(ctx).post(`/v1/couples/${id}/dissolve`).set(...bearer(clinician)).send({ reason: 'they hate each other' }).expect(400);
      expect(res.body.message).toContain('reason');
      expect(await stateOf(id)).toEqual(before);
    });

    it('401 anonymous, 404 other practice / unassigned clinician, 403 portal client; nothing changes', async () => {
      const { id } = await createCouple();
      const before = await stateOf(id);
      await http(ctx).post(`/v1/couples/${id}/dissolve`).send({}).expect(401);
      await http(ctx).post(`/v1/couples/${id}/dissolve`).set(...bearer(other.admin)).send({}).expect(404);
      await http(ctx).post(`/v1/couples/${id}/dissolve`).set(...bearer(unassigned)).send({}).expect(404);
      await http(ctx).post(`/v1/couples/${id}/dissolve`).set(...bearer(portal)).send({}).expect(403);
      expect(await stateOf(id)).toEqual(before);
      expect(before.status).toBe('active');
    });
  });
});
