import { DateTime } from 'luxon';
import { asPracticeId } from '../../src/common/tenancy/request-context';
import { CheckInSchedulePlanner } from '../../src/modules/check-in-schedules/check-in-schedule-planner';
import { Actor, bearer, http } from '../factories';
import { snapshotPractice } from '../factories/access';
import { addToCareTeam, insertClient } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildCareWorld, CareWorld, PortalCouple, portalCouple } from './check-ins.world';

const ZONE = 'America/New_York';
const DAY = 86_400_000;

interface ReminderRow {
  occurrenceKey: string;
  scheduledFor: Date;
  plannedFor: Date;
  state: string;
  stateReason: string | null;
  channel: string;
  recipientClientId: string;
}

describe('check-in schedules (/v1/clients/:id/check-in-schedule, /v1/me/check-in-schedule)', () => {
  let ctx: TestContext;
  let w: CareWorld;
  let couple: PortalCouple;
  /** A client of the clinician's own (individual) care team, with an email address. */
  let solo: string;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildCareWorld(ctx, 'Schedules Practice');
    couple = await portalCouple(ctx, w);
    solo = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName: 'Sam Solo', email: 'sam.solo@example.test' });
    await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { clientId: solo });
  });
  afterAll(() => ctx?.close());

  const url = (clientId: string) => `/v1/clients/${clientId}/check-in-schedule`;
  const put = (actor: Actor | null, clientId: string, body: object) => {
    const req = http(ctx).put(url(clientId));
    return actor ? req.set(...bearer(actor)).send(body) : req.send(body);
  };
  const get = (actor: Actor | null, clientId: string) => {
    const req = http(ctx).get(url(clientId));
    return actor ? req.set(...bearer(actor)) : req;
  };
  const del = (actor: Actor | null, clientId: string) => {
    const req = http(ctx).delete(url(clientId));
    return actor ? req.set(...bearer(actor)) : req;
  };

  /** The check-in reminders of a schedule, one row per occurrence and channel. */
  async function reminders(scheduleId: string, state?: string): Promise<ReminderRow[]> {
    return ctx.db.query(
      `SELECT occurrence_key AS "occurrenceKey", scheduled_for AS "scheduledFor", planned_for AS "plannedFor", state,
              state_reason AS "stateReason", channel, recipient_client_id AS "recipientClientId"
         FROM notifications
        WHERE subject_type = 'check_in_schedule' AND subject_id = $1 AND reason = 'check_in' AND ($2::text IS NULL OR state::text = $2)
        ORDER BY planned_for, channel`,
      [scheduleId, state ?? null],
    );
  }
  const pendingDates = async (scheduleId: string) => [...new Set((await reminders(scheduleId, 'pending')).map((r) => r.occurrenceKey))];
  const local = (d: Date) => DateTime.fromJSDate(d, { zone: ZONE });

  describe('PUT, GET and DELETE by the care team', () => {
    let scheduleId: string;

    it('creates the schedule (201) and plans its check_in reminders at 20:00 local for the next 14 days', async () => {
      const before = Date.now();
      const res = await put(w.clinician, solo, { rrule: 'FREQ=DAILY', localTime: '20:00' }).expect(201);
      expect(res.body).toMatchObject({
        clientId: solo,
        rrule: 'FREQ=DAILY',
        localTime: '20:00',
        timezone: ZONE,
        active: true,
        createdBy: w.clinician.id,
        version: 1,
      });
      scheduleId = res.body.id;
      expect(res.body.nextOccurrences).toHaveLength(5);
      for (const o of res.body.nextOccurrences as Array<{ localDate: string; at: string }>) {
        expect(local(new Date(o.at)).toFormat("yyyy-MM-dd'T'HH:mm")).toBe(`${o.localDate}T20:00`);
      }
      const until = new Date(res.body.materializedUntil).getTime();
      expect(until).toBeGreaterThanOrEqual(before + 14 * DAY);
      expect(until).toBeLessThanOrEqual(Date.now() + 14 * DAY);

      const rows = await reminders(scheduleId);
      const dates = [...new Set(rows.map((r) => r.occurrenceKey))];
      expect(dates).toHaveLength(14);
      for (const r of rows) {
        expect(r.recipientClientId).toBe(solo);
        expect(local(r.plannedFor).toFormat('HH:mm')).toBe('20:00');
        expect(local(r.plannedFor).toISODate()).toBe(r.occurrenceKey);
        expect(r.plannedFor.getTime()).toBeGreaterThan(before);
        expect(r.plannedFor.getTime()).toBeLessThanOrEqual(until);
        // 20:00 is outside the practice's quiet hours (21:00–08:00): nothing moved.
        expect(r.scheduledFor.getTime()).toBe(r.plannedFor.getTime());
      }
      // The client has an email address and no portal: email pending, in-app skipped (no inbox).
      expect(new Set(rows.filter((r) => r.channel === 'email').map((r) => r.state))).toEqual(new Set(['pending']));
      expect(new Set(rows.filter((r) => r.channel === 'in_app').map((r) => r.state))).toEqual(new Set(['skipped']));
    });

    it('reads it back (GET), for the care team', async () => {
      const res = await get(w.clinician, solo).expect(200);
      expect(res.body).toMatchObject({ id: scheduleId, rrule: 'FREQ=DAILY', localTime: '20:00', active: true, version: 1 });
    });

    it('an edit (PUT, 200) re-plans: the old pending reminders are cancelled, the new ones planned', async () => {
      const res = await put(w.clinician, solo, { rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR', localTime: '19:30', version: 1 }).expect(200);
      expect(res.body).toMatchObject({ id: scheduleId, rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR', localTime: '19:30', version: 2 });
      const pending = await reminders(scheduleId, 'pending');
      expect(pending.length).toBeGreaterThan(0);
      for (const r of pending) {
        expect(local(r.plannedFor).toFormat('HH:mm')).toBe('19:30');
        expect(['Mon', 'Wed', 'Fri']).toContain(local(r.plannedFor).toFormat('ccc'));
      }
      expect((await pendingDates(scheduleId)).length).toBeGreaterThanOrEqual(6);
      const cancelled = await reminders(scheduleId, 'cancelled');
      expect(cancelled.length).toBeGreaterThan(0);
      expect(cancelled.every((r) => local(r.plannedFor).toFormat('HH:mm') === '20:00')).toBe(true);
    });

    it('a stale version is refused (409) and changes nothing', async () => {
      const before = await snapshotPractice(ctx, w.practice.practiceId);
      const res = await put(w.clinician, solo, { rrule: 'FREQ=DAILY', localTime: '08:00', version: 1 }).expect(409);
      expect(res.body.code).toBe('version_conflict');
      expect(await snapshotPractice(ctx, w.practice.practiceId)).toEqual(before);
      expect((await get(w.clinician, solo).expect(200)).body.version).toBe(2);
    });

    it('deactivating cancels every pending reminder and plans none; reactivating plans again', async () => {
      const off = await put(w.clinician, solo, { rrule: 'FREQ=DAILY', localTime: '20:00', active: false }).expect(200);
      expect(off.body).toMatchObject({ active: false, nextOccurrences: [], materializedUntil: null, version: 3 });
      expect(await reminders(scheduleId, 'pending')).toEqual([]);

      const on = await put(w.clinician, solo, { rrule: 'FREQ=DAILY', localTime: '20:00', active: true }).expect(200);
      expect(on.body).toMatchObject({ active: true, version: 4 });
      expect(await pendingDates(scheduleId)).toHaveLength(14);
    });

    it('the client sees their own schedule in the portal; the other partner sees none', async () => {
      await put(w.clinician, couple.a.clientId, { rrule: 'FREQ=DAILY', localTime: '21:30' }).expect(201);
      const mine = await http(ctx).get('/v1/me/check-in-schedule').set(...bearer(couple.a.actor)).expect(200);
      expect(mine.body).toEqual({
        rrule: 'FREQ=DAILY',
        localTime: '21:30',
        timezone: ZONE,
        active: true,
        nextOccurrences: expect.any(Array),
      });
      expect(mine.body.nextOccurrences).toHaveLength(5);
      const theirs = await http(ctx).get('/v1/me/check-in-schedule').set(...bearer(couple.b.actor)).expect(404);
      expect(JSON.stringify(theirs.body)).not.toContain(couple.a.clientId);
    });

    it('a reminder inside quiet hours (21:30, quiet from 21:00) is moved to their end (08:00 the next morning)', async () => {
      const sched = (await get(w.clinician, couple.a.clientId).expect(200)).body.id as string;
      const rows = await reminders(sched, 'pending');
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) {
        expect(local(r.plannedFor).toFormat('HH:mm')).toBe('21:30');
        expect(local(r.scheduledFor).toFormat('HH:mm')).toBe('08:00');
        expect(local(r.scheduledFor).toISODate()).toBe(local(r.plannedFor).plus({ days: 1 }).toISODate());
      }
    });

    it('DELETE (204) removes the schedule and cancels its pending reminders; then 404', async () => {
      await del(w.clinician, solo).expect(204);
      expect(await reminders(scheduleId, 'pending')).toEqual([]);
      const cancelled = await reminders(scheduleId, 'cancelled');
      expect(cancelled.some((r) => r.stateReason === 'schedule_deleted')).toBe(true);
      await get(w.clinician, solo).expect(404);
      await del(w.clinician, solo).expect(404);
    });
  });

  describe('who may', () => {
    let target: string;
    beforeAll(async () => {
      target = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName: 'Casey Access' });
      await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { clientId: target });
      await put(w.clinician, target, { rrule: 'FREQ=DAILY', localTime: '20:00' }).expect(201);
    });

    async function refusedEverywhere(actor: Actor | null, status: number, clientId = target) {
      const before = await snapshotPractice(ctx, w.practice.practiceId);
      const pendingBefore = await ctx.db.query(`SELECT id, state FROM notifications WHERE practice_id = $1 ORDER BY id`, [w.practice.practiceId]);
      const bodies = [
        await get(actor, clientId).expect(status),
        await put(actor, clientId, { rrule: 'FREQ=WEEKLY;BYDAY=SU', localTime: '09:00' }).expect(status),
        await del(actor, clientId).expect(status),
      ].map((r) => JSON.stringify(r.body));
      for (const b of bodies) {
        expect(b).not.toContain('FREQ=DAILY');
        expect(b).not.toContain('20:00');
      }
      expect(await snapshotPractice(ctx, w.practice.practiceId)).toEqual(before);
      expect(await ctx.db.query(`SELECT id, state FROM notifications WHERE practice_id = $1 ORDER BY id`, [w.practice.practiceId])).toEqual(pendingBefore);
      return bodies;
    }

    it('an admin who is not on the care team: 403 (the record exists, its clinical content is not theirs)', async () => {
      const [b] = await refusedEverywhere(w.admin, 403);
      expect(JSON.parse(b).code).toBe('not_on_care_team');
    });

    it('an admin on the care team may', async () => {
      const other = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName: 'Ari Admin-Team' });
      await addToCareTeam(ctx, w.practice.practiceId, w.admin.id, { clientId: other });
      await put(w.admin, other, { rrule: 'FREQ=DAILY', localTime: '18:00' }).expect(201);
      await get(w.admin, other).expect(200);
      await del(w.admin, other).expect(204);
    });

    it('a clinician of the couple’s care team may set a partner’s schedule', async () => {
      await put(w.clinician, couple.b.clientId, { rrule: 'FREQ=DAILY', localTime: '19:00' }).expect(201);
      await del(w.clinician, couple.b.clientId).expect(204);
    });

    it('an unassigned clinician: 404, as if the client did not exist', async () => {
      await refusedEverywhere(w.unassigned, 404);
    });

    it('another practice’s admin: 404', async () => {
      await refusedEverywhere(w.other.admin, 404);
    });

    it('a portal account: 403 on the staff routes, even for its own client id', async () => {
      await refusedEverywhere(couple.a.actor, 403, couple.a.clientId);
    });

    it('nobody signed in: 401; a staff member on the portal route: 403', async () => {
      await refusedEverywhere(null, 401);
      await http(ctx).get('/v1/me/check-in-schedule').expect(401);
      await http(ctx).get('/v1/me/check-in-schedule').set(...bearer(w.clinician)).expect(403);
    });

    it('a malformed or unknown client id: 404', async () => {
      await get(w.clinician, 'not-a-uuid').expect(404);
      await put(w.clinician, '00000000-0000-4000-8000-000000000000', { rrule: 'FREQ=DAILY', localTime: '20:00' }).expect(404);
    });

    it('an archived client gets no schedule (409)', async () => {
      const archived = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName: 'Avi Archived', status: 'archived' });
      await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { clientId: archived });
      const res = await put(w.clinician, archived, { rrule: 'FREQ=DAILY', localTime: '20:00' }).expect(409);
      expect(res.body.code).toBe('client_archived');
    });
  });

  describe('bad input: 400 naming the field, nothing written', () => {
    it.each([
      [{ rrule: 'every day', localTime: '20:00' }, 'rrule', /RRULE/],
      [{ rrule: 'FREQ=HOURLY', localTime: '20:00' }, 'rrule', /at most once a day/],
      [{ rrule: 'FREQ=DAILY;BYHOUR=20', localTime: '20:00' }, 'rrule', /localTime/],
      [{ rrule: 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY', localTime: '20:00' }, 'rrule', /RRULE/],
      [{ rrule: `FREQ=DAILY;${'X'.repeat(300)}`, localTime: '20:00' }, 'rrule', /300/],
      [{ rrule: 42, localTime: '20:00' }, 'rrule', /string/],
      [{ localTime: '20:00' }, 'rrule', /./],
      [{ rrule: 'FREQ=DAILY', localTime: '25:00' }, 'localTime', /HH:mm/],
      [{ rrule: 'FREQ=DAILY', localTime: '8pm' }, 'localTime', /HH:mm/],
      [{ rrule: 'FREQ=DAILY', localTime: '8:00' }, 'localTime', /HH:mm/],
      [{ rrule: 'FREQ=DAILY' }, 'localTime', /./],
      [{ rrule: 'FREQ=DAILY', localTime: '20:00', active: 'yes' }, 'active', /boolean/],
      [{ rrule: 'FREQ=DAILY', localTime: '20:00', version: 0 }, 'version', /./],
      [{ rrule: 'FREQ=DAILY', localTime: '20:00', timezone: 'Europe/Paris' }, 'timezone', /not an accepted field/],
    ])('%j → %s', async (body, field, reason) => {
      const before = await snapshotPractice(ctx, w.practice.practiceId);
      const res = await put(w.clinician, solo, body).expect(400);
      const problem = (res.body.fields as Array<{ field: string; reasons: string[] }>).find((f) => f.field === field);
      expect(problem).toBeDefined();
      expect(problem!.reasons.join('; ')).toMatch(reason);
      expect(res.body.message).toContain(`${field}: `);
      expect(await snapshotPractice(ctx, w.practice.practiceId)).toEqual(before);
    });
  });

  describe('the rolling window (materialize-check-ins) and DST in America/New_York', () => {
    let planner: CheckInSchedulePlanner;
    let client: string;
    let scheduleId: string;
    beforeAll(async () => {
      planner = ctx.app.get(CheckInSchedulePlanner);
      client = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName: 'Dana Daylight', email: 'dana@example.test' });
      await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { clientId: client });
      scheduleId = (await put(w.clinician, client, { rrule: 'FREQ=DAILY', localTime: '20:00' }).expect(201)).body.id;
    });

    it('extends a window that runs short by the days that are missing, and only those; a second run plans nothing', async () => {
      const before = await pendingDates(scheduleId);
      expect(before).toHaveLength(14);
      // Three days on, the window has 11 days left: the job tops it up to 14.
      const later = new Date(Date.now() + 3 * DAY);
      expect(await planner.extendDue(later)).toBeGreaterThanOrEqual(1);
      const after = await pendingDates(scheduleId);
      expect(after).toHaveLength(17);
      expect(after.slice(0, 14)).toEqual(before);
      const rows = await ctx.db.query(`SELECT count(*)::int AS n FROM notifications WHERE subject_id = $1`, [scheduleId]);
      await planner.extendDue(later);
      expect(await ctx.db.query(`SELECT count(*)::int AS n FROM notifications WHERE subject_id = $1`, [scheduleId])).toEqual(rows);
      expect(await pendingDates(scheduleId)).toEqual(after);
    });

    it('plans 20:00 local on both sides of the spring-forward (2027-03-14) and fall-back (2027-11-07) changes', async () => {
      await planner.extend(asPracticeId(w.practice.practiceId), scheduleId, new Date('2027-03-10T12:00:00Z'));
      await planner.extend(asPracticeId(w.practice.practiceId), scheduleId, new Date('2027-11-03T12:00:00Z'));
      const byDate = new Map((await reminders(scheduleId, 'pending')).filter((r) => r.channel === 'email').map((r) => [r.occurrenceKey, r.scheduledFor.toISOString()]));
      expect(byDate.get('2027-03-13')).toBe('2027-03-14T01:00:00.000Z'); // 20:00 EST
      expect(byDate.get('2027-03-14')).toBe('2027-03-15T00:00:00.000Z'); // 20:00 EDT
      expect(byDate.get('2027-03-15')).toBe('2027-03-16T00:00:00.000Z');
      expect(byDate.get('2027-11-06')).toBe('2027-11-07T00:00:00.000Z'); // 20:00 EDT
      expect(byDate.get('2027-11-07')).toBe('2027-11-08T01:00:00.000Z'); // 20:00 EST
      expect(byDate.get('2027-11-08')).toBe('2027-11-09T01:00:00.000Z');
    });

    it('skips inactive schedules and archived clients (and cancels what an archived client still had pending)', async () => {
      const archivedLater = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName: 'Ray Later', email: 'ray@example.test' });
      await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { clientId: archivedLater });
      const id = (await put(w.clinician, archivedLater, { rrule: 'FREQ=DAILY', localTime: '20:00' }).expect(201)).body.id as string;
      await ctx.db.query(`UPDATE clients SET status = 'archived' WHERE id = $1`, [archivedLater]);
      expect(await planner.extend(asPracticeId(w.practice.practiceId), id, new Date(Date.now() + 3 * DAY))).toBe(0);
      expect(await reminders(id, 'pending')).toEqual([]);
    });
  });

  it('checking in today withdraws today’s reminder if it is still to come; the other days stay', async () => {
    const person = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, 'Tara Today');
    await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { clientId: person.clientId });
    const id = (await put(w.clinician, person.clientId, { rrule: 'FREQ=DAILY', localTime: '23:59' }).expect(201)).body.id as string;
    const today = DateTime.now().setZone(ZONE).toISODate()!;
    const before = await pendingDates(id);
    await http(ctx).post('/v1/me/check-ins').set(...bearer(person.actor)).send({ trust: 6, safety: 7, connection: 6, mood: 4 }).expect(201);
    const after = await pendingDates(id);
    expect(after).toEqual(before.filter((d) => d !== today));
    if (before.includes(today)) {
      const withdrawn = await reminders(id, 'cancelled');
      expect(withdrawn.map((r) => r.occurrenceKey)).toEqual(withdrawn.map(() => today));
    }
    // A second check-in the same day changes nothing more.
    await http(ctx).post('/v1/me/check-ins').set(...bearer(person.actor)).send({ trust: 6, safety: 7, connection: 6, mood: 4 }).expect(201);
    expect(await pendingDates(id)).toEqual(after);
  });

  it('a check-in is individual work: an active high-severity IPV flag on the couple does not stop a partner’s check-in reminders', async () => {
    await http(ctx)
      .post(`/v1/clients/${couple.b.clientId}/safety-flags`)
      .set(...bearer(w.clinician))
      .send({ kind: 'intimate_partner_violence', severity: 'high' })
      .expect(201);
    const res = await put(w.clinician, couple.b.clientId, { rrule: 'FREQ=DAILY', localTime: '19:00' }).expect(201);
    expect(res.body.nextOccurrences).toHaveLength(5);
    expect(await pendingDates(res.body.id)).toHaveLength(14);
  });
});
