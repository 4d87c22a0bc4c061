import { randomUUID } from 'node:crypto';
import { asPracticeId } from '../../src/common/tenancy/request-context';
import { ConjointWorkPause } from '../../src/modules/safety-flags/conjoint-pause.service';
import { Actor, bearer, createPractice, createStaff, http, PracticeWorld } from '../factories';
import { addToCareTeam, insertClient, insertCouple } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';

const SECRET_NOTE = 'Partner pushed her against the wall on Tuesday; she is staying with her sister';

describe('safety flags /v1/clients/:id/safety-flags', () => {
  let ctx: TestContext;
  let world: PracticeWorld;
  let admin: Actor;
  let clinician: Actor;
  let unassigned: Actor;
  let other: PracticeWorld;
  let otherClinician: Actor;

  beforeAll(async () => {
    ctx = await startTestApp();
    world = await createPractice(ctx, 'Flags Practice');
    admin = world.admin;
    clinician = await createStaff(ctx, world, 'clinician');
    unassigned = await createStaff(ctx, world, 'clinician');
    other = await createPractice(ctx, 'Elsewhere Practice');
    otherClinician = await createStaff(ctx, other, 'clinician');
  });
  afterAll(() => ctx?.close());

  const url = (clientId: string) => `/v1/clients/${clientId}/safety-flags`;

  /** A client on the clinician's care team. */
  async function myClient(fullName = 'Jordan Client'): Promise<string> {
    const id = await insertClient(ctx, world.practiceId, admin.id, { fullName });
    await addToCareTeam(ctx, world.practiceId, clinician.id, { clientId: id });
    return id;
  }

  /** A couple on the clinician's care team (which gives clinical access to both partners). */
  async function myCouple(): Promise<{ coupleId: string; a: string; b: string }> {
    const a = await insertClient(ctx, world.practiceId, admin.id, { fullName: 'Partner A' });
    const b = await insertClient(ctx, world.practiceId, admin.id, { fullName: 'Partner B' });
    const coupleId = await insertCouple(ctx, world.practiceId, admin.id, [
      { clientId: a, role: 'injured' },
      { clientId: b, role: 'involved' },
    ]);
    await addToCareTeam(ctx, world.practiceId, clinician.id, { coupleId });
    return { coupleId, a, b };
  }

  async function raise(clientId: string, body: Record<string, unknown>, actor: Actor = clinician) {
    return http(ctx).post(url(clientId)).set(...bearer(actor)).send(body).expect(201);
  }

  async function flagRows(clientId: string) {
    return ctx.db.query(`SELECT * FROM safety_flags WHERE client_id = $1 ORDER BY raised_at`, [clientId]);
  }

  async function paused(coupleId: string, actor: Actor = clinician): Promise<{ conjointWorkPaused: boolean; conjointWorkPauseReason: string | null }> {
    const res = await http(ctx).get(`/v1/couples/${coupleId}`).set(...bearer(actor)).expect(200);
    return { conjointWorkPaused: res.body.conjointWorkPaused, conjointWorkPauseReason: res.body.conjointWorkPauseReason };
  }

  describe('POST raise', () => {
    it('raises a flag with who and when; the note is encrypted at rest', async () => {
      const clientId = await myClient();
      const res = await raise(clientId, { kind: 'intimate_partner_violence', severity: 'high', note: SECRET_NOTE });
      expect(res.body).toMatchObject({
        clientId,
        kind: 'intimate_partner_violence',
        severity: 'high',
        status: 'active',
        note: SECRET_NOTE,
        raisedBy: { id: clinician.id, fullName: 'A clinician' },
        resolvedBy: null,
        resolvedAt: null,
        resolutionNote: null,
        pausesConjointWork: true,
      });
      expect(Date.now() - Date.parse(res.body.raisedAt)).toBeLessThan(60_000);

      const [row] = await flagRows(clientId);
      expect(row.id).toBe(res.body.id);
      expect(row.note_ciphertext).toMatch(/^v1\./);
      expect(row.note_ciphertext).not.toContain(SECRET_NOTE);
      expect(row.note_ciphertext).not.toContain('sister');
      expect(JSON.stringify(row)).not.toContain('sister');
      expect(row.raised_by).toBe(clinician.id);
    });

    it('raises a flag without a note', async () => {
      const clientId = await myClient();
      const res = await raise(clientId, { kind: 'substance_use', severity: 'low' });
      expect(res.body).toMatchObject({ note: null, pausesConjointWork: false });
    });

    it('401 anonymous; 404 other practice’s clinician and unassigned clinician; 403 admin, other practice’s admin and portal client; nothing written', async () => {
      const clientId = await myClient();
      const { actor: portal } = await createPortalClient(ctx, world.practiceId, admin.id);
      const body = { kind: 'self_harm_risk', severity: 'moderate', note: SECRET_NOTE };
      await http(ctx).post(url(clientId)).send(body).expect(401);
      const notYours = await http(ctx).post(url(clientId)).set(...bearer(otherClinician)).send(body).expect(404);
      await http(ctx).post(url(clientId)).set(...bearer(unassigned)).send(body).expect(404);
      await http(ctx).post(url(clientId)).set(...bearer(admin)).send(body).expect(403);
      await http(ctx).post(url(clientId)).set(...bearer(other.admin)).send(body).expect(403);
      await http(ctx).post(url(clientId)).set(...bearer(portal)).send(body).expect(403);
      expect(JSON.stringify(notYours.body)).not.toContain('sister');
      expect(await flagRows(clientId)).toHaveLength(0);
    });

    it('a client’s own portal account cannot raise or read its flags', async () => {
      const { clientId, actor } = await createPortalClient(ctx, world.practiceId, admin.id);
      await addToCareTeam(ctx, world.practiceId, clinician.id, { clientId });
      await raise(clientId, { kind: 'other', severity: 'low' });
      await http(ctx).get(url(clientId)).set(...bearer(actor)).expect(403);
      await http(ctx).post(url(clientId)).set(...bearer(actor)).send({ kind: 'other', severity: 'low' }).expect(403);
      expect(await flagRows(clientId)).toHaveLength(1);
    });

    it.each([
      ['an unknown kind', { kind: 'jealousy', severity: 'high' }, 'kind'],
      ['no severity', { kind: 'other' }, 'severity'],
      ['an unknown severity', { kind: 'other', severity: 'extreme' }, 'severity'],
      ['a blank note', { kind: 'other', severity: 'low', note: '   ' }, 'note'],
      ['a note that is not text', { kind: 'other', severity: 'low', note: 42 }, 'note'],
      ['a note too long', { kind: 'other', severity: 'low', note: `${SECRET_NOTE} `.repeat(100) }, 'note'],
      ['an unknown field', { kind: 'other', severity: 'low', status: 'resolved' }, 'status'],
    ])('refuses %s with 400 naming the field, never echoing the note', async (_label, body, field) => {
      const clientId = await myClient();
      const res = await http(ctx).post(url(clientId)).set(...bearer(clinician)).send(body).expect(400);
      expect(res.body.message).toContain(field);
      expect(JSON.stringify(res.body)).not.toContain('sister');
      expect(await flagRows(clientId)).toHaveLength(0);
    });

    it('answers 404 for a client that does not exist or a malformed id', async () => {
      await http(ctx).post(url(randomUUID())).set(...bearer(clinician)).send({ kind: 'other', severity: 'low' }).expect(404);
      await http(ctx).post(url('nope')).set(...bearer(clinician)).send({ kind: 'other', severity: 'low' }).expect(404);
    });
  });

  describe('GET list', () => {
    let clientId: string;
    const raised: string[] = [];

    beforeAll(async () => {
      clientId = await myClient();
      for (const [kind, severity] of [
        ['substance_use', 'low'],
        ['intimate_partner_violence', 'high'],
        ['ongoing_affair', 'moderate'],
      ] as const) {
        raised.push((await raise(clientId, { kind, severity, note: `${kind} ${SECRET_NOTE}` })).body.id);
      }
      await http(ctx).post(`${url(clientId)}/${raised[0]}/resolve`).set(...bearer(clinician)).send({}).expect(200);
    });

    it('lists newest first with decrypted notes, and pages with a cursor', async () => {
      const res = await http(ctx).get(url(clientId)).set(...bearer(clinician)).expect(200);
      expect(res.body.data.map((f: { id: string }) => f.id)).toEqual([raised[2], raised[1], raised[0]]);
      expect(res.body.data[0].note).toBe(`ongoing_affair ${SECRET_NOTE}`);
      expect(res.body.nextCursor).toBeNull();

      const first = await http(ctx).get(`${url(clientId)}?limit=2`).set(...bearer(clinician)).expect(200);
      expect(first.body.data).toHaveLength(2);
      const second = await http(ctx).get(`${url(clientId)}?limit=2&cursor=${first.body.nextCursor}`).set(...bearer(clinician)).expect(200);
      expect(second.body.data.map((f: { id: string }) => f.id)).toEqual([raised[0]]);
    });

    it('filters by status and kind', async () => {
      const active = await http(ctx).get(`${url(clientId)}?status=active`).set(...bearer(clinician)).expect(200);
      expect(active.body.data.map((f: { id: string }) => f.id)).toEqual([raised[2], raised[1]]);
      const ipv = await http(ctx).get(`${url(clientId)}?kind=intimate_partner_violence`).set(...bearer(clinician)).expect(200);
      expect(ipv.body.data.map((f: { id: string }) => f.id)).toEqual([raised[1]]);
    });

    it('the audit trail records reads, allowed and denied', async () => {
      await http(ctx).get(url(clientId)).set(...bearer(clinician)).expect(200);
      await http(ctx).get(url(clientId)).set(...bearer(admin)).expect(403);
      await ctx.flushAudit();
      const rows: Array<{ actor_user_id: string; outcome: string; reason: string | null; resource_type: string }> = await ctx.db.query(
        `SELECT actor_user_id, outcome, reason, resource_type FROM audit_events
          WHERE practice_id = $1 AND action = 'safety_flag.list' AND resource_id = $2 ORDER BY id`,
        [world.practiceId, clientId],
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { actor_user_id: clinician.id, outcome: 'allowed', reason: null, resource_type: 'client' },
          { actor_user_id: admin.id, outcome: 'denied', reason: 'not_on_care_team', resource_type: 'client' },
        ]),
      );
      const leaked = await ctx.db.query(`SELECT 1 FROM audit_events WHERE reason ILIKE '%sister%' OR action ILIKE '%sister%'`);
      expect(leaked).toHaveLength(0);
    });

    it('401 anonymous; 404 other practice and unassigned clinician; 403 admin off the care team and portal client', async () => {
      const { actor: portal } = await createPortalClient(ctx, world.practiceId, admin.id);
      await http(ctx).get(url(clientId)).expect(401);
      await http(ctx).get(url(clientId)).set(...bearer(other.admin)).expect(404);
      await http(ctx).get(url(clientId)).set(...bearer(otherClinician)).expect(404);
      await http(ctx).get(url(clientId)).set(...bearer(unassigned)).expect(404);
      const forbidden = await http(ctx).get(url(clientId)).set(...bearer(admin)).expect(403);
      expect(forbidden.body.code).toBe('not_on_care_team');
      await http(ctx).get(url(clientId)).set(...bearer(portal)).expect(403);
    });

    it('an admin on the care team reads them', async () => {
      const id = await myClient();
      await addToCareTeam(ctx, world.practiceId, admin.id, { clientId: id });
      await raise(id, { kind: 'other', severity: 'low', note: 'noted' });
      const res = await http(ctx).get(url(id)).set(...bearer(admin)).expect(200);
      expect(res.body.data[0].note).toBe('noted');
    });

    it('a clinician on the couple’s care team reads both partners’ flags', async () => {
      const { a, b } = await myCouple();
      await raise(a, { kind: 'other', severity: 'low' });
      await raise(b, { kind: 'other', severity: 'low' });
      await http(ctx).get(url(a)).set(...bearer(clinician)).expect(200);
      await http(ctx).get(url(b)).set(...bearer(clinician)).expect(200);
    });

    it.each([
      ['status=open', 'status'],
      ['kind=anger', 'kind'],
      ['limit=500', 'limit'],
      ['cursor=xyz', 'cursor'],
    ])('refuses %s with 400 naming the field', async (query, field) => {
      const res = await http(ctx).get(`${url(clientId)}?${query}`).set(...bearer(clinician)).expect(400);
      expect(res.body.message).toContain(field);
    });
  });

  describe('POST resolve', () => {
    it('resolves with who, when and an encrypted resolution note', async () => {
      const clientId = await myClient();
      const flag = (await raise(clientId, { kind: 'self_harm_risk', severity: 'high', note: SECRET_NOTE })).body;
      const res = await http(ctx)
        .post(`${url(clientId)}/${flag.id}/resolve`)
        .set(...bearer(clinician))
        .send({ note: 'Safety plan in place; sister confirms' })
        .expect(200);
      expect(res.body).toMatchObject({
        id: flag.id,
        status: 'resolved',
        note: SECRET_NOTE,
        resolvedBy: { id: clinician.id, fullName: 'A clinician' },
        resolutionNote: 'Safety plan in place; sister confirms',
      });
      expect(res.body.resolvedAt).toEqual(expect.any(String));
      const [row] = await flagRows(clientId);
      expect(row.status).toBe('resolved');
      expect(row.resolved_by).toBe(clinician.id);
      expect(row.resolution_note_ciphertext).toMatch(/^v1\./);
      expect(row.resolution_note_ciphertext).not.toContain('Safety plan');
    });

    it('refuses to resolve twice with 409', async () => {
      const clientId = await myClient();
      const flag = (await raise(clientId, { kind: 'other', severity: 'low' })).body;
      await http(ctx).post(`${url(clientId)}/${flag.id}/resolve`).set(...bearer(clinician)).send({}).expect(200);
      const res = await http(ctx).post(`${url(clientId)}/${flag.id}/resolve`).set(...bearer(clinician)).send({}).expect(409);
      expect(res.body.code).toBe('already_resolved');
    });

    it('of two concurrent resolutions, exactly one wins', async () => {
      const clientId = await myClient();
      const flag = (await raise(clientId, { kind: 'intimate_partner_violence', severity: 'high' })).body;
      const path = `${url(clientId)}/${flag.id}/resolve`;
      const results = await Promise.all([
        http(ctx).post(path).set(...bearer(clinician)).send({ note: 'first' }),
        http(ctx).post(path).set(...bearer(clinician)).send({ note: 'second' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    });

    it('answers 404 for a flag of another client, an unknown flag and a malformed id', async () => {
      const clientId = await myClient();
      const otherClient = await myClient();
      const flag = (await raise(clientId, { kind: 'other', severity: 'low' })).body;
      await http(ctx).post(`${url(otherClient)}/${flag.id}/resolve`).set(...bearer(clinician)).send({}).expect(404);
      await http(ctx).post(`${url(clientId)}/${randomUUID()}/resolve`).set(...bearer(clinician)).send({}).expect(404);
      await http(ctx).post(`${url(clientId)}/nope/resolve`).set(...bearer(clinician)).send({}).expect(404);
      expect((await flagRows(clientId))[0].status).toBe('active');
    });

    it('401 anonymous; 404 other practice’s clinician and unassigned clinician; 403 admin and portal client; nothing changes', async () => {
      const clientId = await myClient();
      const { actor: portal } = await createPortalClient(ctx, world.practiceId, admin.id);
      const flag = (await raise(clientId, { kind: 'intimate_partner_violence', severity: 'high' })).body;
      const path = `${url(clientId)}/${flag.id}/resolve`;
      await http(ctx).post(path).send({}).expect(401);
      await http(ctx).post(path).set(...bearer(otherClinician)).send({}).expect(404);
      await http(ctx).post(path).set(...bearer(unassigned)).send({}).expect(404);
      await http(ctx).post(path).set(...bearer(admin)).send({}).expect(403);
      await http(ctx).post(path).set(...bearer(other.admin)).send({}).expect(403);
      await http(ctx).post(path).set(...bearer(portal)).send({}).expect(403);
      const [row] = await flagRows(clientId);
      expect(row).toMatchObject({ status: 'active', resolved_by: null, resolved_at: null });
    });

    it('refuses a bad note with 400 naming it', async () => {
      const clientId = await myClient();
      const flag = (await raise(clientId, { kind: 'other', severity: 'low' })).body;
      const res = await http(ctx).post(`${url(clientId)}/${flag.id}/resolve`).set(...bearer(clinician)).send({ note: ['x'] }).expect(400);
      expect(res.body.message).toContain('note');
      expect((await flagRows(clientId))[0].status).toBe('active');
    });
  });

  describe('conjoint work pause', () => {
    it('a high IPV flag on one partner pauses the couple; resolving it unpauses', async () => {
      const { coupleId, a } = await myCouple();
      expect(await paused(coupleId)).toEqual({ conjointWorkPaused: false, conjointWorkPauseReason: null });
      const flag = (await raise(a, { kind: 'intimate_partner_violence', severity: 'high' })).body;
      expect(await paused(coupleId)).toEqual({ conjointWorkPaused: true, conjointWorkPauseReason: 'high_severity_ipv_flag' });
      // Visible on the record to an admin too (operations need to know couple work stopped), without the flag itself.
      expect((await paused(coupleId, admin)).conjointWorkPaused).toBe(true);
      const list = await http(ctx).get('/v1/couples').set(...bearer(clinician)).expect(200);
      expect(list.body.data.find((c: { id: string }) => c.id === coupleId).conjointWorkPaused).toBe(true);

      await http(ctx).post(`${url(a)}/${flag.id}/resolve`).set(...bearer(clinician)).send({}).expect(200);
      expect(await paused(coupleId)).toEqual({ conjointWorkPaused: false, conjointWorkPauseReason: null });
    });

    it('a moderate IPV flag does not pause', async () => {
      const { coupleId, b } = await myCouple();
      await raise(b, { kind: 'intimate_partner_violence', severity: 'moderate' });
      expect((await paused(coupleId)).conjointWorkPaused).toBe(false);
    });

    it('a high ongoing-affair flag does not pause', async () => {
      const { coupleId, a } = await myCouple();
      await raise(a, { kind: 'ongoing_affair', severity: 'high' });
      await raise(a, { kind: 'self_harm_risk', severity: 'high' });
      expect((await paused(coupleId)).conjointWorkPaused).toBe(false);
    });

    it('stays paused while any pausing flag remains on either partner', async () => {
      const { coupleId, a, b } = await myCouple();
      const fa = (await raise(a, { kind: 'intimate_partner_violence', severity: 'high' })).body;
      const fb = (await raise(b, { kind: 'intimate_partner_violence', severity: 'high' })).body;
      await http(ctx).post(`${url(a)}/${fa.id}/resolve`).set(...bearer(clinician)).send({}).expect(200);
      expect((await paused(coupleId)).conjointWorkPaused).toBe(true);
      await http(ctx).post(`${url(b)}/${fb.id}/resolve`).set(...bearer(clinician)).send({}).expect(200);
      expect((await paused(coupleId)).conjointWorkPaused).toBe(false);
    });

    it('a couple formed while a partner has an active high IPV flag starts paused; a dissolved one is not paused', async () => {
      const a = await myClient();
      const b = await myClient();
      await raise(a, { kind: 'intimate_partner_violence', severity: 'high' });
      const created = await http(ctx)
        .post('/v1/couples')
        .set(...bearer(clinician))
        .send({ partners: [{ clientId: a, role: 'injured' }, { clientId: b, role: 'involved' }], privacyPolicy: 'no_secrets' })
        .expect(201);
      expect(created.body.conjointWorkPaused).toBe(true);
      const dissolved = await http(ctx).post(`/v1/couples/${created.body.id}/dissolve`).set(...bearer(clinician)).send({}).expect(200);
      expect(dissolved.body.conjointWorkPaused).toBe(false);
    });

    it('the ConjointWorkPause service answers per couple and in bulk, scoped to the practice', async () => {
      const pause = ctx.app.get(ConjointWorkPause);
      const one = await myCouple();
      const two = await myCouple();
      await raise(one.b, { kind: 'intimate_partner_violence', severity: 'high' });
      const pid = asPracticeId(world.practiceId);
      expect(await pause.isConjointWorkPaused(pid, one.coupleId)).toBe(true);
      expect(await pause.isConjointWorkPaused(pid, two.coupleId)).toBe(false);
      expect(await pause.stateOf(pid, one.coupleId)).toEqual({ paused: true, reason: 'high_severity_ipv_flag' });
      expect(await pause.pausedCoupleIds(pid, [one.coupleId, two.coupleId])).toEqual(new Set([one.coupleId]));
      expect(await pause.isConjointWorkPaused(asPracticeId(other.practiceId), one.coupleId)).toBe(false);
    });
  });
});
