import { DateTime } from 'luxon';
import { Actor, bearer, createStaff, http } from '../factories';
import { addToCareTeam } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildCareWorld, CareWorld, PortalCouple, portalCouple } from './check-ins.world';

interface AlertRow {
  recipientUserId: string;
  recipientClientId: string | null;
  channel: string;
  state: string;
  subjectType: string;
  subjectId: string;
  occurrenceKey: string;
  scheduledFor: Date;
  plannedFor: Date;
}

const CALM = { trust: 6, safety: 7, connection: 5, mood: 3 };
const UNSAFE = { trust: 2, safety: 1, connection: 2, mood: 1, feelsUnsafe: true, freeText: 'He is shouting again and I am scared' };

describe('“I feel unsafe”: the care team is alerted at once, in-app and by email, whatever the quiet hours', () => {
  let ctx: TestContext;
  let w: CareWorld;
  let couple: PortalCouple;
  /** On partner A's individual care team only. */
  let individualClinician: Actor;
  let deactivated: Actor;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildCareWorld(ctx, 'Alert Practice');
    couple = await portalCouple(ctx, w);
    individualClinician = await createStaff(ctx, w.practice, 'clinician');
    await addToCareTeam(ctx, w.practice.practiceId, individualClinician.id, { clientId: couple.a.clientId });
    deactivated = await createStaff(ctx, w.practice, 'clinician');
    await addToCareTeam(ctx, w.practice.practiceId, deactivated.id, { clientId: couple.a.clientId });
    await http(ctx).patch(`/v1/users/${deactivated.id}`).set(...bearer(w.admin)).send({ status: 'deactivated' }).expect(200);

    // Quiet hours around this very moment in the practice's zone: a non-urgent reminder now would wait.
    const local = DateTime.now().setZone('America/New_York');
    await http(ctx)
      .patch('/v1/practice')
      .set(...bearer(w.admin))
      .send({ settings: { quietHours: { start: local.minus({ hours: 1 }).toFormat('HH:mm'), end: local.plus({ hours: 3 }).toFormat('HH:mm') } } })
      .expect(200);
  });
  afterAll(() => ctx?.close());

  const checkIn = (actor: Actor, body: object) => http(ctx).post('/v1/me/check-ins').set(...bearer(actor)).send(body);

  function alertsFor(checkInId: string): Promise<AlertRow[]> {
    return ctx.db.query(
      `SELECT recipient_user_id AS "recipientUserId", recipient_client_id AS "recipientClientId", channel, state,
              subject_type AS "subjectType", subject_id AS "subjectId", occurrence_key AS "occurrenceKey",
              scheduled_for AS "scheduledFor", planned_for AS "plannedFor"
         FROM notifications WHERE reason = 'clinician_alert' AND subject_id = $1
        ORDER BY recipient_user_id, channel`,
      [checkInId],
    );
  }

  it('plans an urgent clinician_alert for every active member of the client’s and the couple’s care teams, due now', async () => {
    const before = Date.now();
    const res = await checkIn(couple.a.actor, UNSAFE).expect(201);
    const after = Date.now();
    expect(res.body.feelsUnsafe).toBe(true);

    const rows = await alertsFor(res.body.id);
    const recipients = [w.clinician.id, individualClinician.id].sort();
    expect(rows.map((r) => [r.recipientUserId, r.channel])).toEqual(recipients.flatMap((id) => [[id, 'email'], [id, 'in_app']]));
    for (const r of rows) {
      expect(r).toMatchObject({ recipientClientId: null, state: 'pending', subjectType: 'check_in', subjectId: res.body.id, occurrenceKey: 'unsafe' });
      // Urgent: not moved to the end of the quiet hours we are in.
      expect(r.scheduledFor.getTime()).toBe(r.plannedFor.getTime());
      expect(r.scheduledFor.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(r.scheduledFor.getTime()).toBeLessThanOrEqual(after + 1000);
    }
  });

  it('nobody off the care team is alerted: not the unassigned clinician, not the admin, not a deactivated member, not the partner', async () => {
    const res = await checkIn(couple.a.actor, UNSAFE).expect(201);
    const recipients = new Set((await alertsFor(res.body.id)).map((r) => r.recipientUserId));
    for (const id of [w.unassigned.id, w.admin.id, deactivated.id, couple.b.actor.id]) expect(recipients.has(id)).toBe(false);
    expect(await ctx.db.query(`SELECT 1 FROM notifications WHERE subject_id = $1 AND recipient_client_id IS NOT NULL`, [res.body.id])).toEqual([]);
  });

  it('the other partner’s report goes to the couple’s care team, not to partner A’s individual clinician', async () => {
    const res = await checkIn(couple.b.actor, UNSAFE).expect(201);
    expect([...new Set((await alertsFor(res.body.id)).map((r) => r.recipientUserId))]).toEqual([w.clinician.id]);
  });

  it('the alert rows carry ids only: no free text, no name', async () => {
    const res = await checkIn(couple.a.actor, UNSAFE).expect(201);
    const raw = JSON.stringify(await ctx.db.query(`SELECT * FROM notifications WHERE subject_id = $1`, [res.body.id]));
    expect(raw).not.toContain('shouting');
    expect(raw).not.toContain('Alex');
  });

  it('a calm check-in alerts nobody', async () => {
    const res = await checkIn(couple.a.actor, CALM).expect(201);
    expect(await alertsFor(res.body.id)).toEqual([]);
    const res2 = await checkIn(couple.a.actor, { ...CALM, feelsUnsafe: false }).expect(201);
    expect(await alertsFor(res2.body.id)).toEqual([]);
  });

  it('a refused check-in (422) leaves neither a check-in nor an alert behind', async () => {
    const count = async () =>
      (await ctx.db.query(`SELECT (SELECT count(*) FROM check_ins WHERE practice_id = $1)::int AS c, (SELECT count(*) FROM notifications WHERE practice_id = $1 AND reason = 'clinician_alert')::int AS n`, [w.practice.practiceId]))[0];
    const before = await count();
    const res = await checkIn(couple.a.actor, { ...UNSAFE, forgivenessReadiness: 'ready' }).expect(422);
    expect(res.body.code).toBe('readiness_not_asked_yet');
    expect(await count()).toEqual(before);
  });

  it('a client with no care team at all: the practice’s admins are alerted, so the alert always reaches someone', async () => {
    const alone = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, 'Noah Noteam');
    const res = await checkIn(alone.actor, UNSAFE).expect(201);
    expect([...new Set((await alertsFor(res.body.id)).map((r) => r.recipientUserId))]).toEqual([w.admin.id]);
  });

  it('an individual client’s report goes to that client’s care team', async () => {
    const client = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, 'Indy Vidual');
    await addToCareTeam(ctx, w.practice.practiceId, w.unassigned.id, { clientId: client.clientId });
    const res = await checkIn(client.actor, UNSAFE).expect(201);
    const rows = await alertsFor(res.body.id);
    expect([...new Set(rows.map((r) => r.recipientUserId))]).toEqual([w.unassigned.id]);
    expect(rows.map((r) => r.channel)).toEqual(['email', 'in_app']);
  });

  it('another practice’s staff are never alerted', async () => {
    const rows: Array<{ n: number }> = await ctx.db.query(
      `SELECT count(*)::int AS n FROM notifications n JOIN users u ON u.id = n.recipient_user_id WHERE n.practice_id = $1 AND u.practice_id <> $1`,
      [w.practice.practiceId],
    );
    expect(rows[0].n).toBe(0);
    expect(await ctx.db.query(`SELECT 1 FROM notifications WHERE recipient_user_id = $1`, [w.other.admin.id])).toEqual([]);
  });
});
