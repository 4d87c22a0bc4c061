import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { Actor, bearer, createStaff, http } from '../factories';
import { addToCareTeam, insertClient } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildCareWorld, CareWorld, insertCheckIn, insertPlan, PortalCouple, portalCouple } from './check-ins.world';

const SECRET_A = 'I found another message from her ex last night and could not sleep';
const SECRET_B = 'I am scared Alex will leave if I tell the whole truth about March';

const answers = (over: Record<string, unknown> = {}) => ({ trust: 6, safety: 7, connection: 5, mood: 3, ...over });

describe('check-ins /v1/me/check-ins and /v1/check-ins', () => {
  let ctx: TestContext;
  let w: CareWorld;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildCareWorld(ctx, 'Check-in Practice');
  });
  afterAll(() => ctx?.close());

  const submit = (actor: Actor, body: object) => http(ctx).post('/v1/me/check-ins').set(...bearer(actor)).send(body);
  const rowsOf = (clientId: string) => ctx.db.query(`SELECT * FROM check_ins WHERE client_id = $1 ORDER BY submitted_at`, [clientId]);
  const countAll = async () => Number((await ctx.db.query(`SELECT count(*)::int AS n FROM check_ins`))[0].n);
  const localToday = (zone: string) => DateTime.now().setZone(zone).toISODate();

  describe('POST /v1/me/check-ins', () => {
    let couple: PortalCouple;
    beforeAll(async () => {
      couple = await portalCouple(ctx, w);
    });

    it('records the answers against the client’s active couple; the free text is encrypted at rest', async () => {
      const before = localToday('America/New_York');
      const res = await submit(couple.a.actor, answers({ agreementsKept: 'partly', freeText: `  ${SECRET_A}  ` })).expect(201);
      const after = localToday('America/New_York');
      expect(res.body).toEqual({
        id: expect.any(String),
        submittedAt: expect.any(String),
        localDate: expect.any(String),
        trust: 6,
        safety: 7,
        connection: 5,
        mood: 3,
        agreementsKept: 'partly',
        forgivenessReadiness: null,
        feelsUnsafe: false,
        freeText: SECRET_A,
        extraAnswers: {},
      });
      expect([before, after]).toContain(res.body.localDate);
      expect(Date.now() - Date.parse(res.body.submittedAt)).toBeLessThan(60_000);

      const [row] = await ctx.db.query(`SELECT * FROM check_ins WHERE id = $1`, [res.body.id]);
      expect(row).toMatchObject({ client_id: couple.a.clientId, couple_id: couple.coupleId, practice_id: w.practice.practiceId, feels_unsafe: false });
      expect(row.free_text_ciphertext).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain('message from her ex');
      expect(JSON.stringify(row)).not.toContain(SECRET_A);
    });

    it('takes the local date in the client’s own timezone (25 hours apart between Kiritimati and Pago Pago)', async () => {
      const east = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, 'East Client');
      const west = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, 'West Client');
      await ctx.db.query(`UPDATE clients SET timezone = 'Pacific/Kiritimati' WHERE id = $1`, [east.clientId]);
      await ctx.db.query(`UPDATE clients SET timezone = 'Pacific/Pago_Pago' WHERE id = $1`, [west.clientId]);
      const e = await submit(east.actor, answers()).expect(201);
      const wres = await submit(west.actor, answers()).expect(201);
      const eDay = DateTime.fromISO(e.body.submittedAt).setZone('Pacific/Kiritimati').toISODate();
      const wDay = DateTime.fromISO(wres.body.submittedAt).setZone('Pacific/Pago_Pago').toISODate();
      expect(e.body.localDate).toBe(eDay);
      expect(wres.body.localDate).toBe(wDay);
      expect(e.body.localDate > wres.body.localDate).toBe(true);
      // A client in no couple checks in as themself.
      expect((await rowsOf(east.clientId))[0].couple_id).toBeNull();
    });

    it('blank free text is no free text', async () => {
      const res = await submit(couple.b.actor, answers({ freeText: '   ' })).expect(201);
      expect(res.body.freeText).toBeNull();
      const [row] = await ctx.db.query(`SELECT free_text_ciphertext FROM check_ins WHERE id = $1`, [res.body.id]);
      expect(row.free_text_ciphertext).toBeNull();
    });

    it('a check-in after the couple dissolved is the client’s alone', async () => {
      const c = await portalCouple(ctx, w);
      await ctx.db.query(`UPDATE couples SET status = 'dissolved', dissolved_at = now(), dissolved_by = $2 WHERE id = $1`, [c.coupleId, w.admin.id]);
      await ctx.db.query(`UPDATE couple_members SET active = false WHERE couple_id = $1`, [c.coupleId]);
      const res = await submit(c.a.actor, answers()).expect(201);
      const [row] = await ctx.db.query(`SELECT couple_id FROM check_ins WHERE id = $1`, [res.body.id]);
      expect(row.couple_id).toBeNull();
    });

    it('401 anonymous; 403 for staff (portal only) and another practice’s admin; nothing written', async () => {
      const n = await countAll();
      await http(ctx).post('/v1/me/check-ins').send(answers()).expect(401);
      for (const staff of [w.admin, w.clinician, w.unassigned, w.other.admin]) {
        const res = await submit(staff, answers()).expect(403);
        expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      }
      expect(await countAll()).toBe(n);
    });

    it.each([
      ['trust above 10', answers({ trust: 11 }), 'trust:'],
      ['trust below 0', answers({ trust: -1 }), 'trust:'],
      ['trust as text', answers({ trust: '6' }), 'trust:'],
      ['trust not whole', answers({ trust: 6.5 }), 'trust:'],
      ['no trust', { safety: 5, connection: 5, mood: 3 }, 'trust:'],
      ['safety above 10', answers({ safety: 12 }), 'safety:'],
      ['connection missing', { trust: 1, safety: 1, mood: 1 }, 'connection:'],
      ['mood 0', answers({ mood: 0 }), 'mood:'],
      ['mood 6', answers({ mood: 6 }), 'mood:'],
      ['an unknown agreements answer', answers({ agreementsKept: 'mostly' }), 'agreementsKept:'],
      ['an unknown readiness answer', answers({ forgivenessReadiness: 'yes' }), 'forgivenessReadiness:'],
      ['feelsUnsafe as text', answers({ feelsUnsafe: 'yes' }), 'feelsUnsafe:'],
      ['free text too long', answers({ freeText: 'x'.repeat(4001) }), 'freeText:'],
      ['free text not text', answers({ freeText: 42 }), 'freeText:'],
      ['a client id (whose check-in it is comes from the token)', answers({ clientId: randomUUID() }), 'clientId:'],
      ['a couple id', answers({ coupleId: randomUUID() }), 'coupleId:'],
    ])('refuses %s with 400 naming the field; nothing written', async (_label, body, field) => {
      const n = await countAll();
      const res = await submit(couple.a.actor, body).expect(400);
      expect(res.body.message).toContain(field);
      expect(await countAll()).toBe(n);
    });

    it('feeling unsafe is recorded as an open alert and written to the audit trail', async () => {
      const res = await submit(couple.b.actor, answers({ safety: 1, feelsUnsafe: true, freeText: SECRET_B })).expect(201);
      expect(res.body.feelsUnsafe).toBe(true);
      await ctx.flushAudit();
      const events = await ctx.db.query(
        `SELECT * FROM audit_events WHERE action = 'check_in.unsafe_reported' AND resource_id = $1`,
        [res.body.id],
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ practice_id: w.practice.practiceId, actor_user_id: couple.b.actor.id, actor_role: 'client', resource_type: 'check_in', outcome: 'allowed' });
      const [row] = await ctx.db.query(`SELECT feels_unsafe, alert_acknowledged_at FROM check_ins WHERE id = $1`, [res.body.id]);
      expect(row).toEqual({ feels_unsafe: true, alert_acknowledged_at: null });
    });
  });

  describe('forgiveness readiness is asked only once the intimacy step is active', () => {
    const readiness = (answer: 'ready' | 'not_yet') => answers({ forgivenessReadiness: answer });

    it('is refused (422 readiness_not_asked_yet) without a plan, on a plan before intimacy, and on a closed plan; nothing written', async () => {
      const c = await portalCouple(ctx, w);
      const refused = async () => {
        const res = await submit(c.a.actor, readiness('ready')).expect(422);
        expect(res.body).toMatchObject({ statusCode: 422, code: 'readiness_not_asked_yet' });
        expect(res.body.message).toContain('forgivenessReadiness');
        expect(await rowsOf(c.a.clientId)).toHaveLength(0);
      };
      await refused();
      const closed = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId: c.coupleId }, 'closed', { stabilization: 'completed', intimacy: 'active' });
      await refused();
      await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId: c.coupleId }, 'active', { stabilization: 'completed', root_cause: 'active' });
      await refused();
      expect(closed).toBeTruthy();
    });

    it('is accepted once intimacy is active on the couple’s plan, for both partners, and may be withdrawn', async () => {
      const c = await portalCouple(ctx, w);
      const plan = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId: c.coupleId }, 'active', { stabilization: 'completed' });
      await submit(c.b.actor, readiness('ready')).expect(422);
      await ctx.db.query(`UPDATE plan_steps SET state = 'active' WHERE plan_id = $1 AND step_key = 'intimacy'`, [plan]);
      const a = await submit(c.a.actor, readiness('ready')).expect(201);
      expect(a.body.forgivenessReadiness).toBe('ready');
      const b1 = await submit(c.b.actor, readiness('ready')).expect(201);
      const b2 = await submit(c.b.actor, readiness('not_yet')).expect(201);
      expect(b2.body.forgivenessReadiness).toBe('not_yet');
      const rows = await ctx.db.query(
        `SELECT id, forgiveness_readiness FROM check_ins WHERE couple_id = $1 ORDER BY submitted_at, id`,
        [c.coupleId],
      );
      expect(rows.map((r: { forgiveness_readiness: string }) => r.forgiveness_readiness).sort()).toEqual(['not_yet', 'ready', 'ready']);
      expect(rows.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([a.body.id, b1.body.id, b2.body.id]));
      // Intimacy completed still asks.
      await ctx.db.query(`UPDATE plan_steps SET state = 'completed' WHERE plan_id = $1 AND step_key = 'intimacy'`, [plan]);
      await submit(c.a.actor, readiness('not_yet')).expect(201);
    });

    it('is accepted on an individual client’s own plan', async () => {
      const solo = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, 'Solo Client');
      await submit(solo.actor, readiness('ready')).expect(422);
      await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { clientId: solo.clientId }, 'active', { stabilization: 'completed', intimacy: 'active' });
      const res = await submit(solo.actor, readiness('ready')).expect(201);
      const [row] = await ctx.db.query(`SELECT couple_id, forgiveness_readiness FROM check_ins WHERE id = $1`, [res.body.id]);
      expect(row).toEqual({ couple_id: null, forgiveness_readiness: 'ready' });
    });

    it('another couple’s plan does not count', async () => {
      const c1 = await portalCouple(ctx, w);
      const c2 = await portalCouple(ctx, w);
      await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId: c2.coupleId }, 'active', { stabilization: 'completed', intimacy: 'active' });
      await submit(c1.a.actor, readiness('ready')).expect(422);
      await submit(c2.a.actor, readiness('ready')).expect(201);
    });
  });

  describe('GET /v1/me/check-ins: your own, and never your partner’s', () => {
    let c: PortalCouple;
    const aIds: string[] = [];
    const bIds: string[] = [];

    beforeAll(async () => {
      c = await portalCouple(ctx, w);
      for (let i = 0; i < 3; i += 1) aIds.push((await submit(c.a.actor, answers({ trust: i, freeText: `${SECRET_A} #${i}` })).expect(201)).body.id);
      bIds.push((await submit(c.b.actor, answers({ feelsUnsafe: true, freeText: SECRET_B })).expect(201)).body.id);
    });

    it('pages your own check-ins newest first', async () => {
      const p1 = await http(ctx).get('/v1/me/check-ins?limit=2').set(...bearer(c.a.actor)).expect(200);
      expect(p1.body.data.map((r: { id: string }) => r.id)).toEqual([aIds[2], aIds[1]]);
      expect(p1.body.data[0]).toMatchObject({ trust: 2, freeText: `${SECRET_A} #2` });
      expect(p1.body.nextCursor).toEqual(expect.any(String));
      const p2 = await http(ctx).get(`/v1/me/check-ins?limit=2&cursor=${p1.body.nextCursor}`).set(...bearer(c.a.actor)).expect(200);
      expect(p2.body).toEqual({ data: [expect.objectContaining({ id: aIds[0] })], nextCursor: null });
    });

    it('partner A never receives partner B’s check-in content or ids, and the other way round', async () => {
      const a = await http(ctx).get('/v1/me/check-ins?limit=100').set(...bearer(c.a.actor)).expect(200);
      const b = await http(ctx).get('/v1/me/check-ins?limit=100').set(...bearer(c.b.actor)).expect(200);
      expect(a.body.data.map((r: { id: string }) => r.id).sort()).toEqual([...aIds].sort());
      expect(b.body.data.map((r: { id: string }) => r.id)).toEqual(bIds);
      for (const id of bIds) expect(a.text).not.toContain(id);
      for (const id of aIds) expect(b.text).not.toContain(id);
      expect(a.text).not.toContain('scared Alex');
      expect(b.text).not.toContain('message from her ex');
      expect(a.text).not.toContain(c.b.clientId);
      expect(b.text).not.toContain(c.a.clientId);
    });

    it('the partner’s portal is refused every staff route that could show the other’s check-ins', async () => {
      for (const path of [`/v1/check-ins?coupleId=${c.coupleId}`, `/v1/check-ins?clientId=${c.b.clientId}`, '/v1/check-ins/alerts', `/v1/check-ins/alerts?clientId=${c.b.clientId}`]) {
        const res = await http(ctx).get(path).set(...bearer(c.a.actor)).expect(403);
        expect(res.text).not.toContain('scared Alex');
        expect(res.text).not.toContain(bIds[0]);
      }
      await http(ctx).post(`/v1/check-ins/${bIds[0]}/acknowledge-alert`).set(...bearer(c.a.actor)).expect(403);
      const [row] = await ctx.db.query(`SELECT alert_acknowledged_at FROM check_ins WHERE id = $1`, [bIds[0]]);
      expect(row.alert_acknowledged_at).toBeNull();
    });

    it('401 anonymous; 403 staff; 400 for a cursor the API never issued', async () => {
      await http(ctx).get('/v1/me/check-ins').expect(401);
      await http(ctx).get('/v1/me/check-ins').set(...bearer(w.clinician)).expect(403);
      await http(ctx).get('/v1/me/check-ins').set(...bearer(w.admin)).expect(403);
      const res = await http(ctx).get('/v1/me/check-ins?cursor=bm9wZQ').set(...bearer(c.a.actor)).expect(400);
      expect(res.body.message).toContain('cursor:');
      const lim = await http(ctx).get('/v1/me/check-ins?limit=500').set(...bearer(c.a.actor)).expect(400);
      expect(lim.body.message).toContain('limit:');
    });
  });

  describe('GET /v1/check-ins (care team)', () => {
    let c: PortalCouple;
    let aId: string;
    let bId: string;

    beforeAll(async () => {
      c = await portalCouple(ctx, w);
      aId = (await submit(c.a.actor, answers({ trust: 3, agreementsKept: 'no', freeText: SECRET_A })).expect(201)).body.id;
      bId = (await submit(c.b.actor, answers({ trust: 8, agreementsKept: 'yes', freeText: SECRET_B })).expect(201)).body.id;
    });

    it('gives both partners’ entries of the couple, each with whose it is and the free text decrypted', async () => {
      const res = await http(ctx).get(`/v1/check-ins?coupleId=${c.coupleId}`).set(...bearer(w.clinician)).expect(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.data).toEqual([
        expect.objectContaining({ id: bId, clientId: c.b.clientId, clientName: 'Blair Involved', recoveryRole: 'involved', coupleId: c.coupleId, trust: 8, agreementsKept: 'yes', freeText: SECRET_B, alert: null }),
        expect.objectContaining({ id: aId, clientId: c.a.clientId, clientName: 'Alex Injured', recoveryRole: 'injured', coupleId: c.coupleId, trust: 3, agreementsKept: 'no', freeText: SECRET_A, alert: null }),
      ]);
    });

    it('filters by one client and by local dates', async () => {
      const one = await http(ctx).get(`/v1/check-ins?clientId=${c.a.clientId}`).set(...bearer(w.clinician)).expect(200);
      expect(one.body.data.map((r: { id: string }) => r.id)).toEqual([aId]);
      const old = await insertCheckIn(ctx, w.practice.practiceId, { clientId: c.a.clientId, coupleId: c.coupleId, submittedAt: new Date('2025-03-10T15:00:00Z') });
      const march = await http(ctx).get(`/v1/check-ins?clientId=${c.a.clientId}&from=2025-03-01&to=2025-03-31`).set(...bearer(w.clinician)).expect(200);
      expect(march.body.data.map((r: { id: string }) => r.id)).toEqual([old]);
      const since = await http(ctx).get(`/v1/check-ins?clientId=${c.a.clientId}&from=2025-03-11`).set(...bearer(w.clinician)).expect(200);
      expect(since.body.data.map((r: { id: string }) => r.id)).toEqual([aId]);
      const day = await http(ctx).get(`/v1/check-ins?coupleId=${c.coupleId}&from=2025-03-10&to=2025-03-10`).set(...bearer(w.clinician)).expect(200);
      expect(day.body.data.map((r: { id: string }) => r.id)).toEqual([old]);
    });

    it('pages with a cursor', async () => {
      const p1 = await http(ctx).get(`/v1/check-ins?coupleId=${c.coupleId}&limit=1`).set(...bearer(w.clinician)).expect(200);
      const p2 = await http(ctx).get(`/v1/check-ins?coupleId=${c.coupleId}&limit=1&cursor=${p1.body.nextCursor}`).set(...bearer(w.clinician)).expect(200);
      expect([p1.body.data[0].id, p2.body.data[0].id]).toEqual([bId, aId]);
    });

    it('an admin on the care team reads them; an admin who is not gets 403, with nothing of the content', async () => {
      const res = await http(ctx).get(`/v1/check-ins?coupleId=${c.coupleId}`).set(...bearer(w.admin)).expect(403);
      expect(res.body).toMatchObject({ code: 'not_on_care_team' });
      expect(res.text).not.toContain('message from her ex');
      await http(ctx).get(`/v1/check-ins?clientId=${c.a.clientId}`).set(...bearer(w.admin)).expect(403);
      const onTeam = await createStaff(ctx, w.practice, 'admin');
      await addToCareTeam(ctx, w.practice.practiceId, onTeam.id, { coupleId: c.coupleId }, w.admin.id);
      const ok = await http(ctx).get(`/v1/check-ins?coupleId=${c.coupleId}`).set(...bearer(onTeam)).expect(200);
      expect(ok.body.data).toHaveLength(3);
    });

    it('401 anonymous; 404 unassigned clinician and another practice’s admin (nothing revealed); 403 portal', async () => {
      await http(ctx).get(`/v1/check-ins?coupleId=${c.coupleId}`).expect(401);
      for (const path of [`/v1/check-ins?coupleId=${c.coupleId}`, `/v1/check-ins?clientId=${c.a.clientId}`]) {
        for (const actor of [w.unassigned, w.other.admin]) {
          const res = await http(ctx).get(path).set(...bearer(actor)).expect(404);
          expect(res.text).not.toContain('message from her ex');
          expect(res.text).not.toContain(aId);
        }
        await http(ctx).get(path).set(...bearer(c.a.actor)).expect(403);
      }
      await http(ctx).get(`/v1/check-ins?clientId=${randomUUID()}`).set(...bearer(w.clinician)).expect(404);
    });

    it('a clinician of the practice reads every client’s when the practice widens access', async () => {
      const p = await buildCareWorld(ctx, 'Wide Practice');
      const client = await createPortalClient(ctx, p.practice.practiceId, p.admin.id);
      await submit(client.actor, answers()).expect(201);
      await http(ctx).get(`/v1/check-ins?clientId=${client.clientId}`).set(...bearer(p.clinician)).expect(404);
      await http(ctx).patch('/v1/practice').set(...bearer(p.admin)).send({ settings: { cliniciansSeeAllClients: true } }).expect(200);
      const res = await http(ctx).get(`/v1/check-ins?clientId=${client.clientId}`).set(...bearer(p.clinician)).expect(200);
      expect(res.body.data).toHaveLength(1);
      // Widening is for clinicians: the admin still does not read clinical content.
      await http(ctx).get(`/v1/check-ins?clientId=${client.clientId}`).set(...bearer(p.admin)).expect(403);
    });

    it.each([
      ['neither clientId nor coupleId', '', 'clientId:'],
      ['both clientId and coupleId', `clientId=${randomUUID()}&coupleId=${randomUUID()}`, 'coupleId:'],
      ['a malformed clientId', 'clientId=nope', 'clientId:'],
      ['a malformed from', `clientId=${randomUUID()}&from=2025-13-01`, 'from:'],
      ['a date that does not exist', `clientId=${randomUUID()}&to=2025-02-30`, 'to:'],
      ['to before from', `clientId=${randomUUID()}&from=2025-03-02&to=2025-03-01`, 'to:'],
      ['a limit above 100', `clientId=${randomUUID()}&limit=101`, 'limit:'],
      ['an unknown filter', `clientId=${randomUUID()}&mood=3`, 'mood:'],
    ])('400 for %s, naming the field', async (_label, query, field) => {
      const res = await http(ctx).get(`/v1/check-ins?${query}`).set(...bearer(w.clinician)).expect(400);
      expect(res.body.message).toContain(field);
    });
  });

  describe('unsafe alerts: GET /v1/check-ins/alerts and POST /v1/check-ins/:id/acknowledge-alert', () => {
    let c: PortalCouple;
    let alertId: string;
    let calmId: string;

    beforeAll(async () => {
      c = await portalCouple(ctx, w);
      alertId = (await submit(c.b.actor, answers({ safety: 0, feelsUnsafe: true, freeText: SECRET_B })).expect(201)).body.id;
      calmId = (await submit(c.a.actor, answers()).expect(201)).body.id;
    });

    const ackRow = async (id: string) => (await ctx.db.query(`SELECT alert_acknowledged_at, alert_acknowledged_by FROM check_ins WHERE id = $1`, [id]))[0];

    it('lists the care team’s open unsafe reports, not calm check-ins, and not others’ clients', async () => {
      const res = await http(ctx).get('/v1/check-ins/alerts?limit=100').set(...bearer(w.clinician)).expect(200);
      const ids = res.body.data.map((r: { id: string }) => r.id);
      expect(ids).toContain(alertId);
      expect(ids).not.toContain(calmId);
      expect(res.body.data.find((r: { id: string }) => r.id === alertId)).toMatchObject({
        clientId: c.b.clientId,
        recoveryRole: 'involved',
        feelsUnsafe: true,
        freeText: SECRET_B,
        alert: { acknowledged: false, acknowledgedAt: null, acknowledgedBy: null },
      });
      const filtered = await http(ctx).get(`/v1/check-ins/alerts?coupleId=${c.coupleId}`).set(...bearer(w.clinician)).expect(200);
      expect(filtered.body.data.map((r: { id: string }) => r.id)).toEqual([alertId]);
      const byClient = await http(ctx).get(`/v1/check-ins/alerts?clientId=${c.a.clientId}`).set(...bearer(w.clinician)).expect(200);
      expect(byClient.body.data).toEqual([]);

      // Off the care team: nothing listed; filtered by a client, 404 (clinician) or 403 (admin).
      for (const actor of [w.unassigned, w.admin]) {
        const none = await http(ctx).get('/v1/check-ins/alerts?limit=100').set(...bearer(actor)).expect(200);
        expect(none.text).not.toContain(alertId);
        expect(none.text).not.toContain('scared Alex');
      }
      await http(ctx).get(`/v1/check-ins/alerts?clientId=${c.b.clientId}`).set(...bearer(w.unassigned)).expect(404);
      await http(ctx).get(`/v1/check-ins/alerts?clientId=${c.b.clientId}`).set(...bearer(w.admin)).expect(403);
      await http(ctx).get(`/v1/check-ins/alerts?coupleId=${c.coupleId}`).set(...bearer(w.other.admin)).expect(404);
      const elsewhere = await http(ctx).get('/v1/check-ins/alerts').set(...bearer(w.other.admin)).expect(200);
      expect(elsewhere.body.data).toEqual([]);
      await http(ctx).get('/v1/check-ins/alerts').expect(401);
      await http(ctx).get('/v1/check-ins/alerts').set(...bearer(c.b.actor)).expect(403);
    });

    it('refuses everyone but the care team, changing nothing', async () => {
      const url = `/v1/check-ins/${alertId}/acknowledge-alert`;
      await http(ctx).post(url).expect(401);
      await http(ctx).post(url).set(...bearer(w.unassigned)).expect(404);
      await http(ctx).post(url).set(...bearer(w.other.admin)).expect(404);
      await http(ctx).post(url).set(...bearer(w.admin)).expect(403);
      await http(ctx).post(url).set(...bearer(c.a.actor)).expect(403);
      await http(ctx).post(url).set(...bearer(c.b.actor)).expect(403);
      const otherClinician = await createStaff(ctx, w.other, 'clinician');
      const res = await http(ctx).post(url).set(...bearer(otherClinician)).expect(404);
      expect(res.text).not.toContain('scared Alex');
      expect(await ackRow(alertId)).toEqual({ alert_acknowledged_at: null, alert_acknowledged_by: null });
    });

    it('a clinician of the care team acknowledges it once; it leaves the open list', async () => {
      const res = await http(ctx).post(`/v1/check-ins/${alertId}/acknowledge-alert`).set(...bearer(w.clinician)).expect(200);
      expect(res.body).toMatchObject({
        id: alertId,
        alert: { acknowledged: true, acknowledgedAt: expect.any(String), acknowledgedBy: { id: w.clinician.id, fullName: 'A clinician' } },
      });
      expect((await ackRow(alertId)).alert_acknowledged_by).toBe(w.clinician.id);
      const again = await http(ctx).post(`/v1/check-ins/${alertId}/acknowledge-alert`).set(...bearer(w.clinician)).expect(409);
      expect(again.body.code).toBe('alert_already_acknowledged');
      const open = await http(ctx).get(`/v1/check-ins/alerts?coupleId=${c.coupleId}`).set(...bearer(w.clinician)).expect(200);
      expect(open.body.data).toEqual([]);
      // The history still shows who acknowledged it.
      const list = await http(ctx).get(`/v1/check-ins?clientId=${c.b.clientId}`).set(...bearer(w.clinician)).expect(200);
      expect(list.body.data[0].alert).toMatchObject({ acknowledged: true, acknowledgedBy: { id: w.clinician.id } });
    });

    it('409 for a check-in that reported no alert; 404 for one that does not exist or a malformed id', async () => {
      const res = await http(ctx).post(`/v1/check-ins/${calmId}/acknowledge-alert`).set(...bearer(w.clinician)).expect(409);
      expect(res.body.code).toBe('no_alert');
      expect(await ackRow(calmId)).toEqual({ alert_acknowledged_at: null, alert_acknowledged_by: null });
      await http(ctx).post(`/v1/check-ins/${randomUUID()}/acknowledge-alert`).set(...bearer(w.clinician)).expect(404);
      await http(ctx).post('/v1/check-ins/nope/acknowledge-alert').set(...bearer(w.clinician)).expect(404);
    });

    it('two clinicians acknowledging at once: one wins, the other is told it is done', async () => {
      const second = await createStaff(ctx, w.practice, 'clinician');
      await addToCareTeam(ctx, w.practice.practiceId, second.id, { coupleId: c.coupleId }, w.clinician.id);
      const id = (await submit(c.a.actor, answers({ feelsUnsafe: true })).expect(201)).body.id;
      const results = await Promise.all(
        [w.clinician, second].map((actor) => http(ctx).post(`/v1/check-ins/${id}/acknowledge-alert`).set(...bearer(actor))),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = results.find((r) => r.status === 200)!.body.alert.acknowledgedBy.id;
      expect((await ackRow(id)).alert_acknowledged_by).toBe(winner);
    });

    it('an individual client’s alert goes to that client’s care team', async () => {
      const solo = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName: 'Unlinked' });
      await addToCareTeam(ctx, w.practice.practiceId, w.unassigned.id, { clientId: solo });
      const id = await insertCheckIn(ctx, w.practice.practiceId, { clientId: solo, coupleId: null, submittedAt: new Date(), feelsUnsafe: true });
      const theirs = await http(ctx).get('/v1/check-ins/alerts?limit=100').set(...bearer(w.unassigned)).expect(200);
      expect(theirs.body.data.map((r: { id: string }) => r.id)).toEqual([id]);
      await http(ctx).post(`/v1/check-ins/${id}/acknowledge-alert`).set(...bearer(w.clinician)).expect(404);
      await http(ctx).post(`/v1/check-ins/${id}/acknowledge-alert`).set(...bearer(w.unassigned)).expect(200);
    });
  });
});
