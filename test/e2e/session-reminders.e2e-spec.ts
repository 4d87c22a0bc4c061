import { Actor, bearer, http } from '../factories';
import { snapshotPractice } from '../factories/access';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildSessionsWorld, SessionsWorld, slot } from './sessions.world';

interface ReminderRow {
  recipientClientId: string;
  occurrenceKey: string;
  channel: string;
  state: string;
  stateReason: string | null;
  plannedFor: Date;
  scheduledFor: Date;
}

const HOUR = 3_600_000;

describe('session reminders (24 h and 1 h before, practice-configurable)', () => {
  let ctx: TestContext;
  let w: SessionsWorld;
  let day = 20;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildSessionsWorld(ctx);
  });
  afterAll(() => ctx?.close());

  /** A slot on a day of its own, so that bookings never overlap. */
  const nextSlot = (hour = 15) => slot((day += 1), hour);
  const book = (body: Record<string, unknown>, actor: Actor = w.clinician) => http(ctx).post('/v1/sessions').set(...bearer(actor)).send(body);
  const bookSolo = (times = nextSlot()) => book({ kind: 'individual', participantClientIds: [w.soloClientId], ...times }).expect(201);
  const setOffsets = (offsets: unknown) =>
    http(ctx).patch('/v1/practice').set(...bearer(w.admin)).send({ settings: { sessionReminderOffsetsMinutes: offsets } });

  function reminders(sessionId: string, state?: string): Promise<ReminderRow[]> {
    return ctx.db.query(
      `SELECT recipient_client_id AS "recipientClientId", occurrence_key AS "occurrenceKey", channel, state, state_reason AS "stateReason",
              planned_for AS "plannedFor", scheduled_for AS "scheduledFor"
         FROM notifications
        WHERE reason = 'session_reminder' AND subject_type = 'session' AND subject_id = $1 AND ($2::text IS NULL OR state::text = $2)
        ORDER BY planned_for, recipient_client_id, channel`,
      [sessionId, state ?? null],
    );
  }
  /** One entry per recipient and occurrence: [client, key, planned ISO]. */
  const planned = (rows: ReminderRow[]) => [
    ...new Map(rows.map((r) => [`${r.recipientClientId}:${r.occurrenceKey}`, [r.recipientClientId, r.occurrenceKey, r.plannedFor.toISOString()]])).values(),
  ];
  const before = (iso: string, hours: number) => new Date(new Date(iso).getTime() - hours * HOUR).toISOString();

  it('booking an individual session plans a reminder 24 h and 1 h before, for its participant', async () => {
    const res = await bookSolo();
    const rows = await reminders(res.body.id);
    expect(planned(rows)).toEqual([
      [w.soloClientId, '24h', before(res.body.startsAt, 24)],
      [w.soloClientId, '1h', before(res.body.startsAt, 1)],
    ]);
    // The engine records each channel: this client has no email and no portal, so nothing can reach them.
    expect(rows.every((r) => r.state === 'skipped')).toBe(true);
  });

  it('a couple session: each participant gets their own reminders, in their inbox', async () => {
    const res = await book({ kind: 'couple', coupleId: w.coupleId, ...nextSlot() }).expect(201);
    const [a, b] = [w.partnerA.clientId, w.partnerB.clientId].sort();
    const rows = await reminders(res.body.id);
    expect(planned(rows)).toEqual([
      [a, '24h', before(res.body.startsAt, 24)],
      [b, '24h', before(res.body.startsAt, 24)],
      [a, '1h', before(res.body.startsAt, 1)],
      [b, '1h', before(res.body.startsAt, 1)],
    ]);
    expect(rows.filter((r) => r.channel === 'in_app').every((r) => r.state === 'pending')).toBe(true);
    expect(rows.filter((r) => r.channel === 'in_app')).toHaveLength(4);
  });

  it('a session three hours away gets only its 1-hour reminder (the 24-hour one is already past)', async () => {
    const start = new Date(Date.now() + 3 * HOUR);
    start.setUTCSeconds(0, 0);
    const res = await book({
      kind: 'individual',
      participantClientIds: [w.soloClientId],
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 50 * 60_000).toISOString(),
    }).expect(201);
    expect(planned(await reminders(res.body.id)).map((p) => p[1])).toEqual(['1h']);
  });

  it('rescheduling re-plans: the pending reminders for the old time are cancelled, new ones planned for the new time', async () => {
    const res = await book({ kind: 'couple', coupleId: w.coupleId, ...nextSlot() }).expect(201);
    const moved = nextSlot(17);
    const patched = await http(ctx)
      .patch(`/v1/sessions/${res.body.id}`)
      .set(...bearer(w.clinician))
      .send({ startsAt: moved.startsAt, version: res.body.version })
      .expect(200);
    const pending = await reminders(res.body.id, 'pending');
    expect(new Set(pending.map((r) => r.plannedFor.toISOString()))).toEqual(new Set([before(patched.body.startsAt, 24), before(patched.body.startsAt, 1)]));
    expect(pending).toHaveLength(4); // two partners × two offsets, in-app
    const cancelled = await reminders(res.body.id, 'cancelled');
    expect(cancelled).toHaveLength(4);
    expect(cancelled.every((r) => r.stateReason === 'replanned')).toBe(true);
    expect(new Set(cancelled.map((r) => r.plannedFor.toISOString()))).toEqual(new Set([before(res.body.startsAt, 24), before(res.body.startsAt, 1)]));
  });

  it('a reschedule refused (stale version) re-plans nothing', async () => {
    const res = await book({ kind: 'couple', coupleId: w.coupleId, ...nextSlot() }).expect(201);
    const rowsBefore = await reminders(res.body.id);
    await http(ctx).patch(`/v1/sessions/${res.body.id}`).set(...bearer(w.clinician)).send({ startsAt: nextSlot().startsAt, version: 99 }).expect(409);
    expect(await reminders(res.body.id)).toEqual(rowsBefore);
  });

  it.each(['cancelled', 'late_cancelled'])('marking the session %s cancels its pending reminders', async (status) => {
    const res = await book({ kind: 'couple', coupleId: w.coupleId, ...nextSlot() }).expect(201);
    await http(ctx).post(`/v1/sessions/${res.body.id}/status`).set(...bearer(w.clinician)).send({ status }).expect(200);
    expect(await reminders(res.body.id, 'pending')).toEqual([]);
    const cancelled = await reminders(res.body.id, 'cancelled');
    expect(cancelled).toHaveLength(4);
    expect(cancelled.every((r) => r.stateReason === `session_${status}`)).toBe(true);
  });

  it('a booking refused for an overlap (409) leaves no reminders behind', async () => {
    const times = nextSlot();
    await bookSolo(times);
    const count = async () => (await ctx.db.query(`SELECT count(*)::int AS n FROM notifications WHERE practice_id = $1`, [w.practice.practiceId]))[0].n;
    const n = await count();
    await book({ kind: 'couple', coupleId: w.coupleId, ...times }).expect(409);
    expect(await count()).toBe(n);
  });

  describe('the practice’s offsets (settings.sessionReminderOffsetsMinutes)', () => {
    afterEach(async () => {
      await setOffsets([1440, 60]).expect(200);
    });

    it('are respected: 2 days, 2 hours and 30 minutes before', async () => {
      const set = await setOffsets([2880, 120, 30]).expect(200);
      expect(set.body.settings.sessionReminderOffsetsMinutes).toEqual([2880, 120, 30]);
      const res = await bookSolo();
      expect(planned(await reminders(res.body.id))).toEqual([
        [w.soloClientId, '48h', before(res.body.startsAt, 48)],
        [w.soloClientId, '2h', before(res.body.startsAt, 2)],
        [w.soloClientId, '30m', before(res.body.startsAt, 0.5)],
      ]);
    });

    it('[] means no session reminders', async () => {
      await setOffsets([]).expect(200);
      const res = await bookSolo();
      expect(await reminders(res.body.id)).toEqual([]);
    });

    it('a practice stored before the setting existed reads, and plans with, the default 24 h and 1 h', async () => {
      await ctx.db.query(`UPDATE practices SET settings = settings - 'sessionReminderOffsetsMinutes' WHERE id = $1`, [w.practice.practiceId]);
      const practice = await http(ctx).get('/v1/practice').set(...bearer(w.admin)).expect(200);
      expect(practice.body.settings.sessionReminderOffsetsMinutes).toEqual([1440, 60]);
      const res = await bookSolo();
      expect(planned(await reminders(res.body.id)).map((p) => p[1])).toEqual(['24h', '1h']);
    });

    it('changing them does not touch what is already planned; the next re-plan uses them', async () => {
      const res = await book({ kind: 'couple', coupleId: w.coupleId, ...nextSlot() }).expect(201);
      await setOffsets([240]).expect(200);
      expect([...new Set((await reminders(res.body.id, 'pending')).map((r) => r.occurrenceKey))]).toEqual(['24h', '1h']);
      const patched = await http(ctx)
        .patch(`/v1/sessions/${res.body.id}`)
        .set(...bearer(w.clinician))
        .send({ location: 'Room 4', version: res.body.version })
        .expect(200);
      expect(patched.body.location).toBe('Room 4');
      const pending = await reminders(res.body.id, 'pending');
      expect([...new Set(pending.map((r) => r.occurrenceKey))]).toEqual(['4h']);
      expect(pending.every((r) => r.plannedFor.toISOString() === before(res.body.startsAt, 4))).toBe(true);
    });

    it.each([
      [[60, 120, 240, 480, 960], /no more than 4/],
      [[10], /at least 15/],
      [[10081], /at most 10080/],
      [[90.5], /whole number/],
      [['60'], /whole number/],
      [[60, 60], /unique/],
      [null, /array/],
      ['1440', /array/],
    ])('%j → 400 naming settings.sessionReminderOffsetsMinutes', async (offsets, reason) => {
      const snap = await snapshotPractice(ctx, w.practice.practiceId);
      const res = await setOffsets(offsets).expect(400);
      const problem = (res.body.fields as Array<{ field: string; reasons: string[] }>).find((f) => f.field === 'settings.sessionReminderOffsetsMinutes');
      expect(problem).toBeDefined();
      expect(problem!.reasons.join('; ')).toMatch(reason);
      expect(await snapshotPractice(ctx, w.practice.practiceId)).toEqual(snap);
    });

    it('only an admin changes them', async () => {
      await http(ctx).patch('/v1/practice').set(...bearer(w.clinician)).send({ settings: { sessionReminderOffsetsMinutes: [30] } }).expect(403);
    });
  });
});
