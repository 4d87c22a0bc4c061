import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Actor, bearer, createPractice, createStaff, http, PracticeWorld, uniqueEmail } from '../factories';
import { addToCareTeam, insertClient, insertCouple } from '../factories/clinical';
import { inviteAndAcceptPortal } from '../factories/client-portal';
import { startTestApp, TestContext } from '../setup/test-app';

type Method = 'get' | 'post' | 'patch';
interface Route {
  name: string;
  method: Method;
  path: (clientId: string) => string;
  body?: (version: number) => Record<string, unknown>;
}

/** Every staff route of /v1/clients that addresses one client. */
const ONE_CLIENT_ROUTES: Route[] = [
  { name: 'GET /v1/clients/:id', method: 'get', path: (id) => `/v1/clients/${id}` },
  { name: 'PATCH /v1/clients/:id', method: 'patch', path: (id) => `/v1/clients/${id}`, body: (version) => ({ version, fullName: 'Changed By Someone' }) },
  { name: 'POST /v1/clients/:id/archive', method: 'post', path: (id) => `/v1/clients/${id}/archive` },
  { name: 'POST /v1/clients/:id/unarchive', method: 'post', path: (id) => `/v1/clients/${id}/unarchive` },
  { name: 'POST /v1/clients/:id/invite', method: 'post', path: (id) => `/v1/clients/${id}/invite` },
];

const ALL_ROUTES: Route[] = [
  { name: 'GET /v1/clients', method: 'get', path: () => '/v1/clients' },
  { name: 'POST /v1/clients', method: 'post', path: () => '/v1/clients', body: () => ({ fullName: 'Someone New' }) },
  ...ONE_CLIENT_ROUTES,
];

describe('clients', () => {
  let ctx: TestContext;
  let A: PracticeWorld;
  let B: PracticeWorld;
  let assigned: Actor;
  let unassigned: Actor;
  let partnerX: string;
  let partnerY: string;
  let portalX: Actor;
  let portalY: Actor;
  /** A client with an email and no portal account, that only the assigned clinician's team holds. */
  let target: string;

  const send = (route: Route, clientId: string, actor?: Actor, version = 1) => {
    let req = http(ctx)[route.method](route.path(clientId));
    if (actor) req = req.set(...bearer(actor));
    return route.body ? req.send(route.body(version)) : req;
  };

  /** Everything a write to a client could touch, to prove a refused call changed nothing. */
  const snapshot = async (clientId: string) => ({
    client: await ctx.db.query('SELECT row_to_json(c) AS r FROM clients c WHERE id = $1', [clientId]),
    team: await ctx.db.query('SELECT clinician_id FROM care_team_members WHERE client_id = $1 ORDER BY clinician_id', [clientId]),
    users: await ctx.db.query('SELECT count(*)::int AS n FROM users'),
    tokens: await ctx.db.query('SELECT count(*)::int AS n FROM user_tokens'),
    clients: await ctx.db.query('SELECT count(*)::int AS n FROM clients'),
  });

  const versionOf = async (clientId: string): Promise<number> =>
    (await ctx.db.query('SELECT version FROM clients WHERE id = $1', [clientId]))[0].version;

  beforeAll(async () => {
    ctx = await startTestApp();
    A = await createPractice(ctx, 'Practice A');
    B = await createPractice(ctx, 'Practice B');
    assigned = await createStaff(ctx, A, 'clinician');
    unassigned = await createStaff(ctx, A, 'clinician');
    const xEmail = uniqueEmail('partner-x');
    const yEmail = uniqueEmail('partner-y');
    partnerX = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Partner Xavier', email: xEmail });
    partnerY = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Partner Yolanda', email: yEmail });
    await insertCouple(ctx, A.practiceId, A.admin.id, [
      { clientId: partnerX, role: 'injured' },
      { clientId: partnerY, role: 'involved' },
    ]);
    await addToCareTeam(ctx, A.practiceId, assigned.id, { clientId: partnerX });
    portalX = await inviteAndAcceptPortal(ctx, A, partnerX, xEmail);
    portalY = await inviteAndAcceptPortal(ctx, A, partnerY, yEmail);
    target = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Target Person', email: uniqueEmail('target') });
    await addToCareTeam(ctx, A.practiceId, assigned.id, { clientId: target });
  });
  afterAll(() => ctx?.close());

  describe('access matrix', () => {
    it.each(ALL_ROUTES.map((r) => [r.name, r] as const))('%s: anonymous → 401', async (_name, route) => {
      await send(route, target).expect(401);
    });

    it.each(ALL_ROUTES.map((r) => [r.name, r] as const))('%s: the client’s and the partner’s portal accounts → 403', async (_name, route) => {
      const before = await snapshot(partnerX);
      for (const portal of [portalX, portalY]) {
        const res = await send(route, partnerX, portal, await versionOf(partnerX)).expect(403);
        expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      }
      expect(await snapshot(partnerX)).toEqual(before);
    });

    it.each(ONE_CLIENT_ROUTES.map((r) => [r.name, r] as const))('%s: another practice’s admin → 404, nothing changed', async (_name, route) => {
      const before = await snapshot(target);
      const res = await send(route, target, B.admin, await versionOf(target)).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', message: 'Client not found' });
      expect(await snapshot(target)).toEqual(before);
    });

    it.each(ONE_CLIENT_ROUTES.map((r) => [r.name, r] as const))('%s: a clinician not on the care team → 404, nothing changed', async (_name, route) => {
      const before = await snapshot(target);
      await send(route, target, unassigned, await versionOf(target)).expect(404);
      expect(await snapshot(target)).toEqual(before);
    });

    it('a malformed id answers 404 like any id that is not yours', async () => {
      await http(ctx).get('/v1/clients/not-a-uuid').set(...bearer(A.admin)).expect(404);
    });

    it('another practice’s admin lists none of this practice’s clients, even filtering by its clinician', async () => {
      const res = await http(ctx).get('/v1/clients').query({ clinicianId: assigned.id, limit: 100 }).set(...bearer(B.admin)).expect(200);
      expect(res.body).toEqual({ data: [], nextCursor: null });
      const all = await http(ctx).get('/v1/clients').query({ limit: 100 }).set(...bearer(B.admin)).expect(200);
      expect(all.body.data.map((c: { id: string }) => c.id)).not.toContain(target);
    });

    it('another practice’s admin creating a client creates it in their own practice only', async () => {
      const res = await http(ctx).post('/v1/clients').set(...bearer(B.admin)).send({ fullName: 'B Person' }).expect(201);
      const row = await ctx.db.query('SELECT practice_id FROM clients WHERE id = $1', [res.body.id]);
      expect(row[0].practice_id).toBe(B.practiceId);
      await http(ctx).get(`/v1/clients/${res.body.id}`).set(...bearer(A.admin)).expect(404);
    });
  });

  describe('create', () => {
    it('an admin creates a complete record; the response maps every field', async () => {
      const res = await http(ctx)
        .post('/v1/clients')
        .set(...bearer(A.admin))
        .send({
          fullName: '  José Álvarez ',
          preferredName: 'Pepe',
          pronouns: 'he/him',
          dateOfBirth: '1984-03-09',
          email: ' Jose.Alvarez@Example.TEST ',
          phone: '+1 (415) 555-0123',
          timezone: 'Europe/Madrid',
          reminderPreferences: { channels: ['email', 'in_app'], quietHours: { start: '22:00', end: '07:30' } },
        })
        .expect(201);
      expect(res.body).toMatchObject({
        fullName: 'José Álvarez',
        preferredName: 'Pepe',
        pronouns: 'he/him',
        dateOfBirth: '1984-03-09',
        email: 'jose.alvarez@example.test',
        phone: '+14155550123',
        timezone: 'Europe/Madrid',
        reminderPreferences: { channels: ['email', 'in_app'], quietHours: { start: '22:00', end: '07:30' } },
        status: 'active',
        archivedAt: null,
        careTeam: [],
        portalStatus: 'none',
        createdBy: A.admin.id,
        version: 1,
      });
      const row = await ctx.db.query('SELECT search_name, practice_id FROM clients WHERE id = $1', [res.body.id]);
      expect(row[0]).toEqual({ search_name: 'jose alvarez | pepe', practice_id: A.practiceId });
    });

    it('defaults the timezone to the practice’s and the reminder preferences to the practice default', async () => {
      const res = await http(ctx).post('/v1/clients').set(...bearer(A.admin)).send({ fullName: 'Minimal Person' }).expect(201);
      expect(res.body).toMatchObject({
        timezone: 'America/New_York',
        reminderPreferences: { channels: null, quietHours: null },
        preferredName: null,
        phone: null,
      });
    });

    it('a clinician who creates a client is put on its care team and sees it', async () => {
      const res = await http(ctx).post('/v1/clients').set(...bearer(unassigned)).send({ fullName: 'New Caseload Person' }).expect(201);
      expect(res.body.careTeam).toEqual([unassigned.id]);
      await http(ctx).get(`/v1/clients/${res.body.id}`).set(...bearer(unassigned)).expect(200);
      await http(ctx).get(`/v1/clients/${res.body.id}`).set(...bearer(assigned)).expect(404);
    });

    const bad: Array<[string, Record<string, unknown>, string]> = [
      ['missing name', {}, 'fullName:'],
      ['blank name', { fullName: '   ' }, 'fullName:'],
      ['non-IANA timezone', { fullName: 'A', timezone: 'Mars/Olympus_Mons' }, 'timezone:'],
      ['abbreviation timezone', { fullName: 'A', timezone: 'EST' }, 'timezone:'],
      ['national phone', { fullName: 'A', phone: '4155550123' }, 'phone:'],
      ['phone with letters', { fullName: 'A', phone: '+1415CALLME' }, 'phone:'],
      ['email', { fullName: 'A', email: 'not-an-email' }, 'email:'],
      ['future birth date', { fullName: 'A', dateOfBirth: '2999-01-01' }, 'dateOfBirth:'],
      ['impossible birth date', { fullName: 'A', dateOfBirth: '1990-02-30' }, 'dateOfBirth:'],
      ['birth date with time', { fullName: 'A', dateOfBirth: '1990-02-03T10:00:00Z' }, 'dateOfBirth:'],
      ['unknown channel', { fullName: 'A', reminderPreferences: { channels: ['sms'] } }, 'reminderPreferences.channels:'],
      ['repeated channel', { fullName: 'A', reminderPreferences: { channels: ['email', 'email'] } }, 'reminderPreferences.channels:'],
      ['bad quiet hours', { fullName: 'A', reminderPreferences: { quietHours: { start: '25:00', end: '08:00' } } }, 'reminderPreferences.quietHours.start:'],
      ['quiet hours missing end', { fullName: 'A', reminderPreferences: { quietHours: { start: '21:00' } } }, 'reminderPreferences.quietHours.end:'],
      ['unknown nested field', { fullName: 'A', reminderPreferences: { channels: null, sms: true } }, 'reminderPreferences.sms:'],
      ['unknown field', { fullName: 'A', status: 'archived' }, 'status:'],
      ['practice id in the body', { fullName: 'A', practiceId: '00000000-0000-0000-0000-000000000000' }, 'practiceId:'],
    ];
    it.each(bad)('refuses %s with 400 naming the field, and writes nothing', async (_label, body, field) => {
      const before = await ctx.db.query('SELECT count(*)::int AS n FROM clients');
      const res = await http(ctx).post('/v1/clients').set(...bearer(A.admin)).send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toContain(field);
      expect(await ctx.db.query('SELECT count(*)::int AS n FROM clients')).toEqual(before);
    });
  });

  describe('read', () => {
    it('admins and the care team read the record with its care team and portal status', async () => {
      for (const actor of [A.admin, assigned]) {
        const res = await http(ctx).get(`/v1/clients/${partnerX}`).set(...bearer(actor)).expect(200);
        expect(res.body).toMatchObject({ id: partnerX, fullName: 'Partner Xavier', careTeam: [assigned.id], portalStatus: 'active' });
      }
    });

    it('shows an invited portal status until the invitation is accepted', async () => {
      const email = uniqueEmail('invited');
      const id = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Invited Person', email });
      await http(ctx).post(`/v1/clients/${id}/invite`).set(...bearer(A.admin)).expect(200);
      const res = await http(ctx).get(`/v1/clients/${id}`).set(...bearer(A.admin)).expect(200);
      expect(res.body.portalStatus).toBe('invited');
    });
  });

  describe('update', () => {
    it('changes what is sent, bumps the version, and keeps the search name current', async () => {
      const created = await http(ctx).post('/v1/clients').set(...bearer(assigned)).send({ fullName: 'Renee Dupont', phone: '+33142685300' }).expect(201);
      const res = await http(ctx)
        .patch(`/v1/clients/${created.body.id}`)
        .set(...bearer(assigned))
        .send({ version: 1, preferredName: 'Émilie', phone: null, reminderPreferences: { channels: ['in_app'] } })
        .expect(200);
      expect(res.body).toMatchObject({
        fullName: 'Renee Dupont',
        preferredName: 'Émilie',
        phone: null,
        reminderPreferences: { channels: ['in_app'], quietHours: null },
        version: 2,
      });
      const found = await http(ctx).get('/v1/clients').query({ q: 'EMILIE' }).set(...bearer(assigned)).expect(200);
      expect(found.body.data.map((c: { id: string }) => c.id)).toEqual([created.body.id]);
    });

    it('a stale version is refused with 409 and nothing changes', async () => {
      const created = await http(ctx).post('/v1/clients').set(...bearer(A.admin)).send({ fullName: 'Version Person' }).expect(201);
      const id = created.body.id as string;
      await http(ctx).patch(`/v1/clients/${id}`).set(...bearer(A.admin)).send({ version: 1, pronouns: 'they/them' }).expect(200);
      const before = await snapshot(id);
      const res = await http(ctx).patch(`/v1/clients/${id}`).set(...bearer(A.admin)).send({ version: 1, pronouns: 'she/her' }).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, code: 'stale_version' });
      expect(await snapshot(id)).toEqual(before);
    });

    it('two concurrent saves of the same version: exactly one wins', async () => {
      const created = await http(ctx).post('/v1/clients').set(...bearer(A.admin)).send({ fullName: 'Race Person' }).expect(201);
      const id = created.body.id as string;
      const results = await Promise.all(
        ['he/him', 'she/her', 'they/them', 'ze/zir'].map((pronouns) =>
          http(ctx).patch(`/v1/clients/${id}`).set(...bearer(A.admin)).send({ version: 1, pronouns }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
      expect(await versionOf(id)).toBe(2);
    });

    it.each([
      ['no version', { fullName: 'X' }, 'version:'],
      ['null name', { version: 1, fullName: null }, 'fullName:'],
      ['bad phone', { version: 1, phone: '555-0123' }, 'phone:'],
      ['bad timezone', { version: 1, timezone: 'Europe/Atlantis' }, 'timezone:'],
      ['null timezone', { version: 1, timezone: null }, 'timezone:'],
      ['bad email', { version: 1, email: 'x@' }, 'email:'],
      ['future birth date', { version: 1, dateOfBirth: '2998-12-31' }, 'dateOfBirth:'],
      ['status is not editable here', { version: 1, status: 'archived' }, 'status:'],
      ['unknown field', { version: 1, careTeam: [] }, 'careTeam:'],
    ])('refuses %s with 400 naming the field', async (_label, body, field) => {
      const before = await snapshot(target);
      const res = await http(ctx).patch(`/v1/clients/${target}`).set(...bearer(A.admin)).send(body).expect(400);
      expect(res.body.message).toContain(field);
      expect(await snapshot(target)).toEqual(before);
    });
  });

  describe('archive and unarchive', () => {
    it('archives and unarchives, idempotently, bumping the version only on change', async () => {
      const created = await http(ctx).post('/v1/clients').set(...bearer(assigned)).send({ fullName: 'Archive Person' }).expect(201);
      const id = created.body.id as string;
      const archived = await http(ctx).post(`/v1/clients/${id}/archive`).set(...bearer(assigned)).expect(200);
      expect(archived.body).toMatchObject({ status: 'archived', version: 2, careTeam: [assigned.id] });
      expect(archived.body.archivedAt).toEqual(expect.any(String));
      const again = await http(ctx).post(`/v1/clients/${id}/archive`).set(...bearer(assigned)).expect(200);
      expect(again.body).toMatchObject({ status: 'archived', version: 2 });
      await http(ctx).patch(`/v1/clients/${id}`).set(...bearer(assigned)).send({ version: 2, pronouns: 'x' }).expect(409);
      const active = await http(ctx).post(`/v1/clients/${id}/unarchive`).set(...bearer(assigned)).expect(200);
      expect(active.body).toMatchObject({ status: 'active', archivedAt: null, version: 3 });
    });

    it('archiving a client in an active couple is allowed and leaves the couple as it is', async () => {
      const p = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Couple Member One' });
      const q = await insertClient(ctx, A.practiceId, A.admin.id, { fullName: 'Couple Member Two' });
      const couple = await insertCouple(ctx, A.practiceId, A.admin.id, [
        { clientId: p, role: 'mutual' },
        { clientId: q, role: 'mutual' },
      ]);
      await http(ctx).post(`/v1/clients/${p}/archive`).set(...bearer(A.admin)).expect(200);
      const rows = await ctx.db.query(
        `SELECT c.status, m.active FROM couples c JOIN couple_members m ON m.couple_id = c.id WHERE c.id = $1 AND m.client_id = $2`,
        [couple, p],
      );
      expect(rows).toEqual([{ status: 'active', active: true }]);
    });

    it('the status filter separates active and archived clients', async () => {
      const world = await createPractice(ctx, 'Status Practice');
      const a = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: 'Active One' });
      const b = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: 'Archived One', status: 'archived' });
      const ids = async (query: Record<string, string>) =>
        (await http(ctx).get('/v1/clients').query(query).set(...bearer(world.admin)).expect(200)).body.data.map((c: { id: string }) => c.id);
      expect(await ids({ status: 'active' })).toEqual([a]);
      expect(await ids({ status: 'archived' })).toEqual([b]);
      expect((await ids({})).sort()).toEqual([a, b].sort());
      const bad = await http(ctx).get('/v1/clients').query({ status: 'deleted' }).set(...bearer(world.admin)).expect(400);
      expect(bad.body.message).toContain('status:');
    });
  });

  describe('list', () => {
    let world: PracticeWorld;
    let clinician: Actor;

    beforeAll(async () => {
      world = await createPractice(ctx, 'Search Practice');
      clinician = await createStaff(ctx, world, 'clinician');
    });

    it('finds names ignoring case and accents, over full and preferred name', async () => {
      const make = async (fullName: string, preferredName?: string) =>
        (await http(ctx).post('/v1/clients').set(...bearer(world.admin)).send({ fullName, preferredName }).expect(201)).body.id as string;
      const jose = await make('José Ramírez');
      const elodie = await make('Elodie Martin');
      const zoe = await make('Margaret Smith', 'Zoë');
      const soren = await make('Søren Kierkegaard');
      await make('Percent 100% Person');
      const search = async (q: string) =>
        (await http(ctx).get('/v1/clients').query({ q }).set(...bearer(world.admin)).expect(200)).body.data.map((c: { id: string }) => c.id);
      expect(await search('jose')).toEqual([jose]);
      expect(await search('JOSÉ')).toEqual([jose]);
      expect(await search('ramirez')).toEqual([jose]);
      expect(await search('ÉLODIE')).toEqual([elodie]);
      expect(await search('élodie martin')).toEqual([elodie]);
      expect(await search('zoe')).toEqual([zoe]);
      expect(await search('ZOË')).toEqual([zoe]);
      expect(await search('smith')).toEqual([zoe]);
      expect(await search('soren')).toEqual([soren]);
      expect(await search('_')).toEqual([]);
      expect(await search('%')).toHaveLength(1);
      expect(await search('nobody')).toEqual([]);
    });

    it('filters by clinician on the care team', async () => {
      const mine = await http(ctx).post('/v1/clients').set(...bearer(clinician)).send({ fullName: 'Clinician Own' }).expect(201);
      const res = await http(ctx).get('/v1/clients').query({ clinicianId: clinician.id }).set(...bearer(world.admin)).expect(200);
      expect(res.body.data.map((c: { id: string }) => c.id)).toEqual([mine.body.id]);
      const none = await http(ctx).get('/v1/clients').query({ clinicianId: world.admin.id }).set(...bearer(world.admin)).expect(200);
      expect(none.body.data).toEqual([]);
      const bad = await http(ctx).get('/v1/clients').query({ clinicianId: 'me' }).set(...bearer(world.admin)).expect(400);
      expect(bad.body.message).toContain('clinicianId:');
    });

    it('refuses bad paging input naming the field', async () => {
      expect((await http(ctx).get('/v1/clients').query({ limit: 0 }).set(...bearer(world.admin)).expect(400)).body.message).toContain('limit:');
      expect((await http(ctx).get('/v1/clients').query({ limit: 101 }).set(...bearer(world.admin)).expect(400)).body.message).toContain('limit:');
      expect((await http(ctx).get('/v1/clients').query({ cursor: 'garbage' }).set(...bearer(world.admin)).expect(400)).body.message).toContain('cursor:');
      const forged = Buffer.from(JSON.stringify([new Date().toISOString(), "x' OR 1=1"])).toString('base64url');
      expect((await http(ctx).get('/v1/clients').query({ cursor: forged }).set(...bearer(world.admin)).expect(400)).body.message).toContain('cursor:');
      expect((await http(ctx).get('/v1/clients').query({ sort: 'name' }).set(...bearer(world.admin)).expect(400)).body.message).toContain('sort:');
    });
  });

  describe('pagination', () => {
    let world: PracticeWorld;
    let clinician: Actor;
    const created: string[] = [];

    beforeAll(async () => {
      world = await createPractice(ctx, 'Paging Practice');
      clinician = await createStaff(ctx, world, 'clinician');
      const other = await createStaff(ctx, world, 'clinician');
      for (let i = 0; i < 13; i++) {
        const id = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: `Paged Client ${i}` });
        await addToCareTeam(ctx, world.practiceId, clinician.id, { clientId: id });
        await addToCareTeam(ctx, world.practiceId, other.id, { clientId: id });
        created.push(id);
      }
      // Clients the clinician must not see, interleaved in time.
      for (let i = 0; i < 4; i++) await insertClient(ctx, world.practiceId, world.admin.id, { fullName: `Hidden Client ${i}` });
    });

    const walk = async (actor: Actor, limit: number) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string | number> = { limit };
        if (cursor) query.cursor = cursor;
        const res = await http(ctx).get('/v1/clients').query(query).set(...bearer(actor)).expect(200);
        expect(res.body.data.length).toBeLessThanOrEqual(limit);
        seen.push(...res.body.data.map((c: { id: string }) => c.id));
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      return { seen, pages };
    };

    it('walks every visible client once, page by page', async () => {
      const { seen, pages } = await walk(clinician, 5);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...created].sort());
      const admin = await walk(world.admin, 4);
      expect(new Set(admin.seen).size).toBe(17);
      expect(admin.pages).toBe(5);
    });

    it('reads a page in the same number of queries whatever its size (no N+1)', async () => {
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      const countFor = async (limit: number) => {
        spy.mockClear();
        const res = await http(ctx).get('/v1/clients').query({ limit }).set(...bearer(clinician)).expect(200);
        expect(res.body.data).toHaveLength(limit);
        expect(res.body.data.every((c: { careTeam: string[] }) => c.careTeam.length === 2)).toBe(true);
        return spy.mock.calls.filter(([sql]) => /\b(clients|care_team_members)\b/.test(String(sql))).length;
      };
      try {
        const small = await countFor(2);
        const large = await countFor(13);
        expect(large).toBe(small);
        expect(small).toBeLessThanOrEqual(2);
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('visibility', () => {
    it('a clinician sees only care-team clients, or all with the practice setting', async () => {
      const world = await createPractice(ctx, 'Visibility Practice');
      const doc = await createStaff(ctx, world, 'clinician');
      const mine = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: 'Mine' });
      const theirs = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: 'Theirs' });
      await addToCareTeam(ctx, world.practiceId, doc.id, { clientId: mine });
      const list = async () =>
        (await http(ctx).get('/v1/clients').set(...bearer(doc)).expect(200)).body.data.map((c: { id: string }) => c.id);
      expect(await list()).toEqual([mine]);
      await http(ctx).get(`/v1/clients/${theirs}`).set(...bearer(doc)).expect(404);

      await http(ctx).patch('/v1/practice').set(...bearer(world.admin)).send({ settings: { cliniciansSeeAllClients: true } }).expect(200);
      expect((await list()).sort()).toEqual([mine, theirs].sort());
      await http(ctx).get(`/v1/clients/${theirs}`).set(...bearer(doc)).expect(200);
      // Widening stays inside the practice.
      await http(ctx).get(`/v1/clients/${target}`).set(...bearer(doc)).expect(404);

      await http(ctx).patch('/v1/practice').set(...bearer(world.admin)).send({ settings: { cliniciansSeeAllClients: false } }).expect(200);
      await http(ctx).get(`/v1/clients/${theirs}`).set(...bearer(doc)).expect(404);
    });

    it('a clinician on a couple’s care team sees both partners', async () => {
      const world = await createPractice(ctx, 'Couple Visibility');
      const doc = await createStaff(ctx, world, 'clinician');
      const p = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: 'Partner P' });
      const q = await insertClient(ctx, world.practiceId, world.admin.id, { fullName: 'Partner Q' });
      const couple = await insertCouple(ctx, world.practiceId, world.admin.id, [
        { clientId: p, role: 'injured' },
        { clientId: q, role: 'involved' },
      ]);
      await addToCareTeam(ctx, world.practiceId, doc.id, { coupleId: couple });
      const res = await http(ctx).get('/v1/clients').set(...bearer(doc)).expect(200);
      expect(res.body.data.map((c: { id: string }) => c.id).sort()).toEqual([p, q].sort());
    });
  });

  describe('audit', () => {
    it('records reads and writes, allowed and denied', async () => {
      await http(ctx).get(`/v1/clients/${target}`).set(...bearer(assigned)).expect(200);
      await http(ctx).get(`/v1/clients/${target}`).set(...bearer(unassigned)).expect(404);
      await ctx.flushAudit();
      const rows = await ctx.db.query(
        `SELECT actor_user_id, outcome FROM audit_events WHERE action = 'client.read' AND resource_id = $1 ORDER BY id`,
        [target],
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { actor_user_id: assigned.id, outcome: 'allowed' },
          { actor_user_id: unassigned.id, outcome: 'denied' },
        ]),
      );
    });
  });
});
