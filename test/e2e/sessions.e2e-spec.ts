import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { bearer, http } from '../factories';
import { addToCareTeam, insertClient } from '../factories/clinical';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildSessionsWorld, SessionsWorld, slot } from './sessions.world';

describe('sessions', () => {
  let ctx: TestContext;
  let w: SessionsWorld;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildSessionsWorld(ctx);
  });
  afterAll(() => ctx?.close());

  const countSessions = async (): Promise<number> =>
    Number((await ctx.db.query(`SELECT count(*) AS n FROM clinical_sessions WHERE practice_id = $1`, [w.practice.practiceId]))[0].n);

  const book = (actor: { accessToken: string }, body: Record<string, unknown>) =>
    http(ctx).post('/v1/sessions').set(...bearer(actor)).send(body);

  const bookSolo = (days: number, hour = 15, minutes = 50) =>
    book(w.clinician, { kind: 'individual', participantClientIds: [w.soloClientId], ...slot(days, hour, minutes) });

  describe('POST /v1/sessions', () => {
    it('books an individual session for the calling clinician, in UTC with the practice’s zone', async () => {
      const s = slot(3, 14);
      const res = await book(w.clinician, { kind: 'individual', participantClientIds: [w.soloClientId], ...s, location: 'Room 2' }).expect(201);
      expect(res.body).toMatchObject({
        kind: 'individual',
        clinicianId: w.clinician.id,
        coupleId: null,
        participantClientIds: [w.soloClientId],
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        timezone: 'America/New_York',
        location: 'Room 2',
        telehealthUrl: null,
        status: 'scheduled',
        createdBy: w.clinician.id,
        version: 1,
      });
      expect(res.body.localStartsAt).toMatch(/-0[45]:00$/);
    });

    it('defaults a couple session’s participants to the couple’s active partners', async () => {
      const res = await book(w.clinician, { kind: 'couple', coupleId: w.coupleId, ...slot(4), telehealthUrl: 'https://meet.example.com/r/42' }).expect(201);
      expect(res.body.coupleId).toBe(w.coupleId);
      expect(res.body.participantClientIds).toEqual([w.partnerA.clientId, w.partnerB.clientId].sort());
      expect(res.body.telehealthUrl).toBe('https://meet.example.com/r/42');
    });

    it('finds the couple from its two partners', async () => {
      const res = await book(w.clinician, { kind: 'couple', participantClientIds: [w.partnerB.clientId, w.partnerA.clientId], ...slot(5) }).expect(201);
      expect(res.body.coupleId).toBe(w.coupleId);
    });

    it('refuses couple participants that are not exactly the couple’s partners', async () => {
      const res = await book(w.clinician, { kind: 'couple', coupleId: w.coupleId, participantClientIds: [w.partnerA.clientId, w.soloClientId], ...slot(6) }).expect(400);
      expect(res.body.message).toMatch(/^participantClientIds: /);
      const res2 = await book(w.clinician, { kind: 'couple', participantClientIds: [w.partnerA.clientId, w.soloClientId], ...slot(6) }).expect(400);
      expect(res2.body.message).toMatch(/^participantClientIds: /);
    });

    it('takes a local time with a zone and stores the instant', async () => {
      const res = await book(w.clinician, {
        kind: 'individual',
        participantClientIds: [w.soloClientId],
        startsAt: '2027-07-01T09:00',
        endsAt: '2027-07-01T09:50',
        timezone: 'Europe/Berlin',
      }).expect(201);
      expect(res.body.startsAt).toBe('2027-07-01T07:00:00.000Z');
      expect(res.body.endsAt).toBe('2027-07-01T07:50:00.000Z');
      expect(res.body.timezone).toBe('Europe/Berlin');
      expect(res.body.localStartsAt).toBe('2027-07-01T09:00:00+02:00');
    });

    it('refuses 02:30 on the US spring-forward day (it does not exist in New York)', async () => {
      const before = await countSessions();
      const res = await book(w.clinician, {
        kind: 'individual',
        participantClientIds: [w.soloClientId],
        startsAt: '2027-03-14T02:30',
        endsAt: '2027-03-14T03:20',
        timezone: 'America/New_York',
      }).expect(400);
      expect(res.body.message).toMatch(/^startsAt: does not exist in America\/New_York/);
      expect(res.body.fields).toEqual([{ field: 'startsAt', reasons: [expect.stringContaining('daylight saving')] }]);
      expect(await countSessions()).toBe(before);
    });

    it('books 01:30 on the fall-back day as its first occurrence (EDT), and the second with an explicit offset', async () => {
      const first = await book(w.clinician, {
        kind: 'individual',
        participantClientIds: [w.soloClientId],
        startsAt: '2027-11-07T01:30',
        endsAt: '2027-11-07T01:55',
        timezone: 'America/New_York',
      }).expect(201);
      // 01:30 happens twice; the first occurrence is still on daylight time, UTC-4.
      expect(first.body.startsAt).toBe('2027-11-07T05:30:00.000Z');
      expect(first.body.localStartsAt).toBe('2027-11-07T01:30:00-04:00');
      expect(first.body.endsAt).toBe('2027-11-07T05:55:00.000Z');

      const second = await book(w.clinician, {
        kind: 'individual',
        participantClientIds: [w.soloClientId],
        startsAt: '2027-11-07T01:30:00-05:00',
        endsAt: '2027-11-07T01:55:00-05:00',
        timezone: 'America/New_York',
      }).expect(201);
      expect(second.body.startsAt).toBe('2027-11-07T06:30:00.000Z');
      expect(second.body.localStartsAt).toBe('2027-11-07T01:30:00-05:00');
    });

    it('needs a timezone for local times', async () => {
      const res = await book(w.clinician, { kind: 'individual', participantClientIds: [w.soloClientId], startsAt: '2027-07-02T09:00', endsAt: '2027-07-02T09:50' }).expect(400);
      expect(res.body.message).toMatch(/^timezone: /);
    });

    it('refuses an end before the start, an over-long session, and malformed input, naming the field', async () => {
      const s = slot(7);
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{ kind: 'individual', participantClientIds: [w.soloClientId], startsAt: s.endsAt, endsAt: s.startsAt }, /^endsAt: must be after startsAt/],
        [{ kind: 'individual', participantClientIds: [w.soloClientId], startsAt: s.startsAt, endsAt: new Date(Date.parse(s.startsAt) + 9 * 3_600_000).toISOString() }, /^endsAt: must be at most 8 hours/],
        [{ kind: 'family', participantClientIds: [w.soloClientId], ...s }, /kind: must be one of/],
        [{ kind: 'individual', participantClientIds: [w.soloClientId], ...s, telehealthUrl: 'http://meet.example.com/x' }, /telehealthUrl: must be an https URL/],
        [{ kind: 'individual', participantClientIds: [w.soloClientId], startsAt: 'tomorrow at 3', endsAt: s.endsAt }, /startsAt: must be an ISO 8601/],
        [{ kind: 'individual', participantClientIds: [w.soloClientId], ...s, timezone: 'Mars/Olympus' }, /timezone: must be an IANA/],
        [{ kind: 'individual', participantClientIds: ['nope'], ...s }, /participantClientIds: must hold UUIDs/],
        [{ kind: 'individual', participantClientIds: [w.soloClientId, w.partnerA.clientId], ...s }, /^participantClientIds: must hold exactly one client/],
        [{ kind: 'individual', coupleId: w.coupleId, participantClientIds: [w.soloClientId], ...s }, /^coupleId: must not be set/],
        [{ kind: 'couple', ...s }, /^coupleId: is required/],
        [{ kind: 'individual', participantClientIds: [w.soloClientId], ...s, practiceId: w.otherAdmin.practiceId }, /practiceId: is not an accepted field/],
      ];
      const before = await countSessions();
      for (const [body, message] of cases) {
        const res = await book(w.clinician, body);
        expect({ status: res.status, body }).toEqual({ status: 400, body });
        expect(res.body.message).toMatch(message);
      }
      expect(await countSessions()).toBe(before);
    });

    it('lets an admin book for a clinician on the care team, and needs the clinician named', async () => {
      const s = slot(8);
      const missing = await book(w.admin, { kind: 'individual', participantClientIds: [w.soloClientId], ...s }).expect(400);
      expect(missing.body.message).toMatch(/^clinicianId: /);
      const res = await book(w.admin, { kind: 'individual', clinicianId: w.clinician.id, participantClientIds: [w.soloClientId], ...s }).expect(201);
      expect(res.body.clinicianId).toBe(w.clinician.id);
      expect(res.body.createdBy).toBe(w.admin.id);
    });

    it('refuses a clinician who is not on the participants’ care team, or who is not an active clinician here', async () => {
      const s = slot(9);
      const notOnTeam = await book(w.admin, { kind: 'individual', clinicianId: w.unassigned.id, participantClientIds: [w.soloClientId], ...s }).expect(422);
      expect(notOnTeam.body.code).toBe('clinician_not_on_care_team');
      await book(w.admin, { kind: 'individual', clinicianId: w.admin.id, participantClientIds: [w.soloClientId], ...s }).expect(404);
      await book(w.admin, { kind: 'individual', clinicianId: w.otherAdmin.id, participantClientIds: [w.soloClientId], ...s }).expect(404);
      await book(w.admin, { kind: 'individual', clinicianId: w.partnerA.portal.id, participantClientIds: [w.soloClientId], ...s }).expect(404);
    });

    it('answers 404 for clients the caller cannot see, and for another practice, leaving nothing behind', async () => {
      const before = await countSessions();
      await book(w.unassigned, { kind: 'individual', participantClientIds: [w.soloClientId], ...slot(10) }).expect(404);
      await book(w.unassigned, { kind: 'couple', coupleId: w.coupleId, ...slot(10) }).expect(404);
      await book(w.otherAdmin, { kind: 'individual', clinicianId: w.clinician.id, participantClientIds: [w.soloClientId], ...slot(10) }).expect(404);
      await book(w.otherAdmin, { kind: 'couple', clinicianId: w.clinician.id, coupleId: w.coupleId, ...slot(10) }).expect(404);
      expect(await countSessions()).toBe(before);
    });

    it('is for staff: portal accounts get 403, anonymous 401', async () => {
      const before = await countSessions();
      await book(w.partnerA.portal, { kind: 'individual', participantClientIds: [w.partnerA.clientId], ...slot(11) }).expect(403);
      await book(w.partnerB.portal, { kind: 'couple', coupleId: w.coupleId, ...slot(11) }).expect(403);
      await http(ctx).post('/v1/sessions').send({ kind: 'individual', participantClientIds: [w.soloClientId], ...slot(11) }).expect(401);
      expect(await countSessions()).toBe(before);
    });

    it('refuses an archived client', async () => {
      const archived = await insertClient(ctx, w.practice.practiceId, w.admin.id, { status: 'archived' });
      await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { clientId: archived });
      const res = await book(w.clinician, { kind: 'individual', participantClientIds: [archived], ...slot(12) }).expect(409);
      expect(res.body.code).toBe('client_archived');
    });

    it('refuses an overlapping session for the same clinician with 409, and allows back-to-back ones', async () => {
      await bookSolo(13, 10, 60).expect(201);
      const res = await bookSolo(13, 10, 30).expect(409);
      expect(res.body).toMatchObject({ statusCode: 409, code: 'session_overlap' });
      const overlapCouple = await book(w.clinician, { kind: 'couple', coupleId: w.coupleId, ...slot(13, 10, 90) }).expect(409);
      expect(overlapCouple.body.code).toBe('session_overlap');
      await bookSolo(13, 11, 60).expect(201);
    });

    it('lets exactly one of ten concurrent overlapping bookings win', async () => {
      const base = slot(20, 16, 50);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          book(w.clinician, {
            kind: 'individual',
            participantClientIds: [w.soloClientId],
            startsAt: new Date(Date.parse(base.startsAt) + i * 60_000).toISOString(),
            endsAt: new Date(Date.parse(base.endsAt) + i * 60_000).toISOString(),
          }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('session_overlap');
      const rows = await ctx.db.query(
        `SELECT count(*) AS n FROM clinical_sessions WHERE clinician_id = $1 AND starts_at >= $2 AND starts_at < $3::timestamptz + interval '1 hour'`,
        [w.clinician.id, base.startsAt, base.startsAt],
      );
      expect(Number(rows[0].n)).toBe(1);
    });
  });

  describe('GET /v1/sessions and /v1/sessions/:id', () => {
    let week: { from: string; to: string };
    let weekIds: string[];
    let bIndividual: string;
    let otherClinicianSession: string;

    beforeAll(async () => {
      // A week 40 days out: five sessions for the clinician, one for a colleague.
      const monday = new Date(Date.now() + 40 * 86_400_000);
      monday.setUTCHours(0, 0, 0, 0);
      week = { from: monday.toISOString(), to: new Date(monday.getTime() + 7 * 86_400_000).toISOString() };
      const at = (day: number, hour: number) => {
        const start = new Date(monday.getTime() + day * 86_400_000 + hour * 3_600_000);
        return { startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 50 * 60_000).toISOString() };
      };
      weekIds = [];
      weekIds.push((await book(w.clinician, { kind: 'couple', coupleId: w.coupleId, ...at(0, 14) }).expect(201)).body.id);
      weekIds.push((await book(w.clinician, { kind: 'individual', participantClientIds: [w.partnerA.clientId], ...at(1, 14) }).expect(201)).body.id);
      bIndividual = (await book(w.clinician, { kind: 'individual', participantClientIds: [w.partnerB.clientId], ...at(2, 14) }).expect(201)).body.id;
      weekIds.push(bIndividual);
      weekIds.push((await book(w.clinician, { kind: 'individual', participantClientIds: [w.soloClientId], ...at(3, 14) }).expect(201)).body.id);
      weekIds.push((await book(w.clinician, { kind: 'intake', participantClientIds: [w.soloClientId], ...at(4, 14) }).expect(201)).body.id);
      // Outside the week (the Monday after).
      await book(w.clinician, { kind: 'individual', participantClientIds: [w.soloClientId], ...at(7, 14) }).expect(201);
      // A colleague's session with a client only the colleague's team sees.
      const theirs = await insertClient(ctx, w.practice.practiceId, w.admin.id);
      await addToCareTeam(ctx, w.practice.practiceId, w.unassigned.id, { clientId: theirs });
      otherClinicianSession = (await book(w.unassigned, { kind: 'individual', participantClientIds: [theirs], ...at(0, 14) }).expect(201)).body.id;
    });

    it('lists a clinician’s week in start order, with participants, in one query', async () => {
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      const res = await http(ctx)
        .get('/v1/sessions')
        .query({ clinicianId: w.clinician.id, from: week.from, to: week.to })
        .set(...bearer(w.clinician))
        .expect(200);
      const sessionQueries = spy.mock.calls.filter(([sql]) => /clinical_sessions|session_participants/.test(String(sql)));
      spy.mockRestore();
      expect(res.body.data.map((s: { id: string }) => s.id)).toEqual(weekIds);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.data[0].participantClientIds).toEqual([w.partnerA.clientId, w.partnerB.clientId].sort());
      expect(sessionQueries).toHaveLength(1);
    });

    it('pages with a cursor, without gaps or repeats', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { data: Array<{ id: string }>; nextCursor: string | null } } = await http(ctx)
          .get('/v1/sessions')
          .query({ clinicianId: w.clinician.id, from: week.from, to: week.to, limit: 2, ...(cursor ? { cursor } : {}) })
          .set(...bearer(w.clinician))
          .expect(200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.data.map((s) => s.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(weekIds);
    });

    it('filters by client and by couple', async () => {
      const byA = await http(ctx).get('/v1/sessions').query({ clientId: w.partnerA.clientId, from: week.from, to: week.to }).set(...bearer(w.clinician)).expect(200);
      expect(byA.body.data.map((s: { id: string }) => s.id)).toEqual([weekIds[0], weekIds[1]]);
      const byCouple = await http(ctx).get('/v1/sessions').query({ coupleId: w.coupleId, from: week.from, to: week.to }).set(...bearer(w.clinician)).expect(200);
      expect(byCouple.body.data.map((s: { id: string }) => s.id)).toEqual([weekIds[0]]);
      const intakes = await http(ctx).get('/v1/sessions').query({ kind: 'intake', from: week.from, to: week.to }).set(...bearer(w.clinician)).expect(200);
      expect(intakes.body.data.map((s: { id: string }) => s.id)).toEqual([weekIds[4]]);
    });

    it('shows admins the whole schedule, clinicians only theirs and their clients’, other practices nothing', async () => {
      const admin = await http(ctx).get('/v1/sessions').query(week).set(...bearer(w.admin)).expect(200);
      expect(admin.body.data.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([...weekIds, otherClinicianSession]));
      const mine = await http(ctx).get('/v1/sessions').query(week).set(...bearer(w.clinician)).expect(200);
      expect(mine.body.data.map((s: { id: string }) => s.id)).not.toContain(otherClinicianSession);
      const theirs = await http(ctx).get('/v1/sessions').query(week).set(...bearer(w.unassigned)).expect(200);
      expect(theirs.body.data.map((s: { id: string }) => s.id)).toEqual([otherClinicianSession]);
      const snooping = await http(ctx).get('/v1/sessions').query({ ...week, clinicianId: w.clinician.id }).set(...bearer(w.unassigned)).expect(200);
      expect(snooping.body.data).toEqual([]);
      const other = await http(ctx).get('/v1/sessions').query({ clinicianId: w.clinician.id }).set(...bearer(w.otherAdmin)).expect(200);
      expect(other.body.data).toEqual([]);
    });

    it('refuses bad filters naming the field; portal 403; anonymous 401', async () => {
      expect((await http(ctx).get('/v1/sessions').query({ from: 'yesterday' }).set(...bearer(w.clinician)).expect(400)).body.message).toMatch(/^from: /);
      expect((await http(ctx).get('/v1/sessions').query({ from: week.to, to: week.from }).set(...bearer(w.clinician)).expect(400)).body.message).toMatch(/^to: must be after from/);
      expect((await http(ctx).get('/v1/sessions').query({ clinicianId: 'x' }).set(...bearer(w.clinician)).expect(400)).body.message).toMatch(/^clinicianId: /);
      expect((await http(ctx).get('/v1/sessions').query({ cursor: 'garbage' }).set(...bearer(w.clinician)).expect(400)).body.message).toMatch(/^cursor: /);
      expect((await http(ctx).get('/v1/sessions').query({ limit: 1000 }).set(...bearer(w.clinician)).expect(400)).body.message).toMatch(/^limit: /);
      await http(ctx).get('/v1/sessions').set(...bearer(w.partnerA.portal)).expect(403);
      await http(ctx).get('/v1/sessions').expect(401);
    });

    it('reads one session: clinician and admin yes; unassigned clinician and other practice 404; portal 403; anonymous 401', async () => {
      const id = weekIds[0];
      const res = await http(ctx).get(`/v1/sessions/${id}`).set(...bearer(w.clinician)).expect(200);
      expect(res.body.id).toBe(id);
      await http(ctx).get(`/v1/sessions/${id}`).set(...bearer(w.admin)).expect(200);
      await http(ctx).get(`/v1/sessions/${id}`).set(...bearer(w.unassigned)).expect(404);
      await http(ctx).get(`/v1/sessions/${id}`).set(...bearer(w.otherAdmin)).expect(404);
      await http(ctx).get(`/v1/sessions/${id}`).set(...bearer(w.partnerA.portal)).expect(403);
      await http(ctx).get(`/v1/sessions/${id}`).expect(401);
      await http(ctx).get('/v1/sessions/not-a-uuid').set(...bearer(w.clinician)).expect(404);
      await http(ctx).get('/v1/sessions/00000000-0000-4000-8000-000000000000').set(...bearer(w.clinician)).expect(404);
    });
  });

  describe('PATCH /v1/sessions/:id', () => {
    it('reschedules with the version read, keeping the length when only the start moves', async () => {
      const s = (await bookSolo(50, 13, 45).expect(201)).body;
      const newStart = new Date(Date.parse(s.startsAt) + 2 * 3_600_000).toISOString();
      const res = await http(ctx).patch(`/v1/sessions/${s.id}`).set(...bearer(w.clinician)).send({ version: 1, startsAt: newStart, location: 'Room 9' }).expect(200);
      expect(res.body).toMatchObject({ startsAt: newStart, endsAt: new Date(Date.parse(newStart) + 45 * 60_000).toISOString(), location: 'Room 9', version: 2 });

      const stale = await http(ctx).patch(`/v1/sessions/${s.id}`).set(...bearer(w.clinician)).send({ version: 1, location: 'Room 1' }).expect(409);
      expect(stale.body.code).toBe('version_conflict');
      const row = await ctx.db.query(`SELECT location, version FROM clinical_sessions WHERE id = $1`, [s.id]);
      expect(row[0]).toEqual({ location: 'Room 9', version: 2 });
    });

    it('takes local times in the session’s own zone and refuses a DST gap', async () => {
      const s = (await book(w.clinician, { kind: 'individual', participantClientIds: [w.soloClientId], startsAt: '2027-03-13T10:00', endsAt: '2027-03-13T10:50', timezone: 'America/New_York' }).expect(201)).body;
      const gap = await http(ctx).patch(`/v1/sessions/${s.id}`).set(...bearer(w.clinician)).send({ version: 1, startsAt: '2027-03-14T02:15' }).expect(400);
      expect(gap.body.message).toMatch(/^startsAt: does not exist in America\/New_York/);
      const ok = await http(ctx).patch(`/v1/sessions/${s.id}`).set(...bearer(w.clinician)).send({ version: 1, startsAt: '2027-03-14T10:00' }).expect(200);
      expect(ok.body.startsAt).toBe('2027-03-14T14:00:00.000Z'); // EDT after the change
      expect(ok.body.endsAt).toBe('2027-03-14T14:50:00.000Z');
    });

    it('refuses a move onto another of the clinician’s sessions', async () => {
      const a = (await bookSolo(51, 9, 60).expect(201)).body;
      const b = (await bookSolo(51, 11, 60).expect(201)).body;
      const res = await http(ctx).patch(`/v1/sessions/${b.id}`).set(...bearer(w.clinician)).send({ version: 1, startsAt: new Date(Date.parse(a.startsAt) + 30 * 60_000).toISOString() }).expect(409);
      expect(res.body.code).toBe('session_overlap');
      expect((await ctx.db.query(`SELECT starts_at FROM clinical_sessions WHERE id = $1`, [b.id]))[0].starts_at.toISOString()).toBe(b.startsAt);
    });

    it('refuses bad input naming the field, and moves of cancelled sessions with 422', async () => {
      const s = (await bookSolo(52).expect(201)).body;
      expect((await http(ctx).patch(`/v1/sessions/${s.id}`).set(...bearer(w.clinician)).send({ location: 'x' }).expect(400)).body.message).toMatch(/^version: /);
      expect((await http(ctx).patch(`/v1/sessions/${s.id}`).set(...bearer(w.clinician)).send({ version: 1, endsAt: s.startsAt }).expect(400)).body.message).toMatch(/^endsAt: must be after startsAt/);
      expect((await http(ctx).patch(`/v1/sessions/${s.id}`).set(...bearer(w.clinician)).send({ version: 1, telehealthUrl: 'ftp://x' }).expect(400)).body.message).toMatch(/^telehealthUrl: /);
      await http(ctx).post(`/v1/sessions/${s.id}/status`).set(...bearer(w.clinician)).send({ status: 'cancelled' }).expect(200);
      const res = await http(ctx).patch(`/v1/sessions/${s.id}`).set(...bearer(w.clinician)).send({ version: 2, location: 'Room 3' }).expect(422);
      expect(res.body.code).toBe('session_not_scheduled');
    });

    it('404 for an unassigned clinician and another practice (nothing changes); 403 portal; 401 anonymous', async () => {
      const s = (await bookSolo(53).expect(201)).body;
      const body = { version: 1, location: 'Elsewhere' };
      await http(ctx).patch(`/v1/sessions/${s.id}`).set(...bearer(w.unassigned)).send(body).expect(404);
      await http(ctx).patch(`/v1/sessions/${s.id}`).set(...bearer(w.otherAdmin)).send(body).expect(404);
      await http(ctx).patch(`/v1/sessions/${s.id}`).set(...bearer(w.partnerA.portal)).send(body).expect(403);
      await http(ctx).patch(`/v1/sessions/${s.id}`).send(body).expect(401);
      const row = await ctx.db.query(`SELECT location, version FROM clinical_sessions WHERE id = $1`, [s.id]);
      expect(row[0]).toEqual({ location: null, version: 1 });
      await http(ctx).patch(`/v1/sessions/${s.id}`).set(...bearer(w.admin)).send(body).expect(200);
    });
  });

  describe('POST /v1/sessions/:id/status', () => {
    it('cancels with a reason, records who and when, and frees the time', async () => {
      const s = (await bookSolo(60, 15, 50).expect(201)).body;
      const res = await http(ctx).post(`/v1/sessions/${s.id}/status`).set(...bearer(w.clinician)).send({ status: 'cancelled', reason: 'Client asked to move it' }).expect(200);
      expect(res.body).toMatchObject({ status: 'cancelled', statusReason: 'Client asked to move it', statusChangedBy: w.clinician.id, version: 2 });
      expect(Date.now() - Date.parse(res.body.statusChangedAt)).toBeLessThan(60_000);
      await bookSolo(60, 15, 50).expect(201);
    });

    it('late-cancelling also frees the time', async () => {
      const s = (await bookSolo(61).expect(201)).body;
      await http(ctx).post(`/v1/sessions/${s.id}/status`).set(...bearer(w.admin)).send({ status: 'late_cancelled' }).expect(200);
      await bookSolo(61).expect(201);
    });

    it('moves only from scheduled, naming the refused transition with 422', async () => {
      const s = (await bookSolo(62).expect(201)).body;
      await http(ctx).post(`/v1/sessions/${s.id}/status`).set(...bearer(w.clinician)).send({ status: 'cancelled' }).expect(200);
      const res = await http(ctx).post(`/v1/sessions/${s.id}/status`).set(...bearer(w.clinician)).send({ status: 'completed' }).expect(422);
      expect(res.body).toMatchObject({ code: 'invalid_status_transition', from: 'cancelled', to: 'completed' });
      expect(res.body.message).toMatch(/from cancelled to completed/);
    });

    it('completes or marks a no-show only once the session has started', async () => {
      const future = (await bookSolo(63).expect(201)).body;
      const early = await http(ctx).post(`/v1/sessions/${future.id}/status`).set(...bearer(w.clinician)).send({ status: 'completed' }).expect(422);
      expect(early.body.code).toBe('session_not_started');
      const past = (await bookSolo(-3).expect(201)).body;
      const done = await http(ctx).post(`/v1/sessions/${past.id}/status`).set(...bearer(w.clinician)).send({ status: 'completed' }).expect(200);
      expect(done.body.status).toBe('completed');
      const past2 = (await bookSolo(-4).expect(201)).body;
      await http(ctx).post(`/v1/sessions/${past2.id}/status`).set(...bearer(w.clinician)).send({ status: 'no_show' }).expect(200);
    });

    it('checks a given version', async () => {
      const s = (await bookSolo(64).expect(201)).body;
      const res = await http(ctx).post(`/v1/sessions/${s.id}/status`).set(...bearer(w.clinician)).send({ status: 'cancelled', version: 7 }).expect(409);
      expect(res.body.code).toBe('version_conflict');
    });

    it('bad input 400 naming the field; 404 unassigned and other practice (unchanged); 403 portal; 401 anonymous', async () => {
      const s = (await bookSolo(65).expect(201)).body;
      expect((await http(ctx).post(`/v1/sessions/${s.id}/status`).set(...bearer(w.clinician)).send({ status: 'scheduled' }).expect(400)).body.message).toMatch(/^status: must be one of/);
      expect((await http(ctx).post(`/v1/sessions/${s.id}/status`).set(...bearer(w.clinician)).send({ status: 'cancelled', reason: 'x'.repeat(501) }).expect(400)).body.message).toMatch(/^reason: /);
      await http(ctx).post(`/v1/sessions/${s.id}/status`).set(...bearer(w.unassigned)).send({ status: 'cancelled' }).expect(404);
      await http(ctx).post(`/v1/sessions/${s.id}/status`).set(...bearer(w.otherAdmin)).send({ status: 'cancelled' }).expect(404);
      await http(ctx).post(`/v1/sessions/${s.id}/status`).set(...bearer(w.partnerB.portal)).send({ status: 'cancelled' }).expect(403);
      await http(ctx).post(`/v1/sessions/${s.id}/status`).send({ status: 'cancelled' }).expect(401);
      expect((await ctx.db.query(`SELECT status FROM clinical_sessions WHERE id = $1`, [s.id]))[0].status).toBe('scheduled');
    });
  });

  describe('GET /v1/me/sessions (client portal)', () => {
    let couple: string;
    let aSolo: string;
    let bSolo: string;
    let cancelled: string;
    let past: string;

    beforeAll(async () => {
      couple = (await book(w.clinician, { kind: 'couple', coupleId: w.coupleId, ...slot(70, 14) }).expect(201)).body.id;
      aSolo = (await book(w.clinician, { kind: 'individual', participantClientIds: [w.partnerA.clientId], ...slot(71, 14) }).expect(201)).body.id;
      bSolo = (await book(w.clinician, { kind: 'individual', participantClientIds: [w.partnerB.clientId], ...slot(72, 14) }).expect(201)).body.id;
      cancelled = (await book(w.clinician, { kind: 'individual', participantClientIds: [w.partnerA.clientId], ...slot(73, 14) }).expect(201)).body.id;
      await http(ctx).post(`/v1/sessions/${cancelled}/status`).set(...bearer(w.clinician)).send({ status: 'cancelled' }).expect(200);
      past = (await book(w.clinician, { kind: 'individual', participantClientIds: [w.partnerA.clientId], ...slot(-10, 14) }).expect(201)).body.id;
    });

    const allPages = async (actor: { accessToken: string }) => {
      const out: Array<Record<string, unknown>> = [];
      let cursor: string | null = null;
      do {
        const res: { body: { data: Array<Record<string, unknown>>; nextCursor: string | null } } = await http(ctx).get('/v1/me/sessions').query({ limit: 3, ...(cursor ? { cursor } : {}) }).set(...bearer(actor)).expect(200);
        out.push(...res.body.data);
        cursor = res.body.nextCursor;
      } while (cursor);
      return out;
    };

    it('shows partner A their upcoming sessions, never partner B’s individual ones', async () => {
      const mine = await allPages(w.partnerA.portal);
      const ids = mine.map((s) => s.id);
      expect(ids).toEqual(expect.arrayContaining([couple, aSolo]));
      expect(ids).not.toContain(bSolo);
      expect(ids).not.toContain(cancelled);
      expect(ids).not.toContain(past);
      const one = mine.find((s) => s.id === couple)!;
      expect(Object.keys(one).sort()).toEqual(
        ['clinicianName', 'endsAt', 'id', 'kind', 'localEndsAt', 'localStartsAt', 'location', 'startsAt', 'status', 'telehealthUrl', 'timezone'].sort(),
      );
      expect(JSON.stringify(mine)).not.toContain(w.partnerB.clientId);
    });

    it('shows partner B theirs, never partner A’s individual ones', async () => {
      const ids = (await allPages(w.partnerB.portal)).map((s) => s.id);
      expect(ids).toEqual(expect.arrayContaining([couple, bSolo]));
      expect(ids).not.toContain(aSolo);
    });

    it('is the client portal: staff 403, anonymous 401', async () => {
      await http(ctx).get('/v1/me/sessions').set(...bearer(w.clinician)).expect(403);
      await http(ctx).get('/v1/me/sessions').set(...bearer(w.admin)).expect(403);
      await http(ctx).get('/v1/me/sessions').expect(401);
      expect((await http(ctx).get('/v1/me/sessions').query({ limit: 0 }).set(...bearer(w.partnerA.portal)).expect(400)).body.message).toMatch(/^limit: /);
    });
  });
});
