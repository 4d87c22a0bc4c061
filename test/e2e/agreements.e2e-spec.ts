import { randomUUID } from 'node:crypto';
import { Actor, bearer, createStaff, http } from '../factories';
import { addToCareTeam } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildCareWorld, CareWorld, insertCheckIn, insertPlan, PortalCouple, portalCouple } from './check-ins.world';

const TITLE = 'Phone open on request for ninety days';
const ITEMS = ['Blair hands over the phone unlocked whenever Alex asks', 'No contact at all with Jordan from the gym', 'Location sharing stays on'];

describe('agreements /v1/agreements and /v1/me/agreements', () => {
  let ctx: TestContext;
  let w: CareWorld;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildCareWorld(ctx, 'Agreements Practice');
  });
  afterAll(() => ctx?.close());

  const body = (coupleId: string, over: Record<string, unknown> = {}) => ({ coupleId, stepKey: 'boundaries', kind: 'boundary', title: TITLE, items: ITEMS, ...over });
  const create = (actor: Actor, b: object) => http(ctx).post('/v1/agreements').set(...bearer(actor)).send(b);
  const make = async (c: PortalCouple, over: Record<string, unknown> = {}) => (await create(w.clinician, body(c.coupleId, over)).expect(201)).body;
  const agreementsOf = (coupleId: string) => ctx.db.query(`SELECT * FROM agreements WHERE couple_id = $1 ORDER BY created_at`, [coupleId]);
  const revisionsOf = (id: string) => ctx.db.query(`SELECT * FROM agreement_revisions WHERE agreement_id = $1 ORDER BY revision`, [id]);
  const acksOf = (id: string) => ctx.db.query(`SELECT * FROM agreement_acknowledgements WHERE agreement_id = $1 ORDER BY revision, client_id`, [id]);
  /** Everything stored about one agreement, to show a refused request changed nothing. */
  const stateOf = async (id: string) => ({
    agreement: await ctx.db.query(`SELECT * FROM agreements WHERE id = $1`, [id]),
    revisions: await revisionsOf(id),
    acks: await acksOf(id),
  });
  const ack = (actor: Actor, id: string, b: object = {}) => http(ctx).post(`/v1/me/agreements/${id}/acknowledge`).set(...bearer(actor)).send(b);
  const today = async () => (await ctx.db.query(`SELECT to_char((now() AT TIME ZONE timezone)::date, 'YYYY-MM-DD') AS d FROM practices WHERE id = $1`, [w.practice.practiceId]))[0].d as string;

  describe('POST /v1/agreements', () => {
    let c: PortalCouple;
    beforeAll(async () => {
      c = await portalCouple(ctx, w);
    });

    it('writes revision 1 for the care team; the wording is encrypted at rest, bound to the agreement', async () => {
      const reviewOn = await today();
      const res = await create(w.clinician, body(c.coupleId, { reviewOn })).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        coupleId: c.coupleId,
        planId: null,
        stepKey: 'boundaries',
        kind: 'boundary',
        status: 'active',
        title: TITLE,
        items: ITEMS,
        reviewOn,
        revision: 1,
        revisedAt: expect.any(String),
        acknowledgements: [
          { clientId: c.a.clientId, name: 'Alex Injured', recoveryRole: 'injured', acknowledgedAt: null },
          { clientId: c.b.clientId, name: 'Blair Involved', recoveryRole: 'involved', acknowledgedAt: null },
        ],
        acknowledgedByBoth: false,
        createdBy: { id: w.clinician.id, fullName: 'A clinician' },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        endedAt: null,
        version: 1,
        revisions: [
          { revision: 1, title: TITLE, items: ITEMS, changeNote: null, createdBy: { id: w.clinician.id, fullName: 'A clinician' }, createdAt: expect.any(String), acknowledgements: [] },
        ],
      });
      const [row] = await ctx.db.query(`SELECT * FROM agreements WHERE id = $1`, [res.body.id]);
      expect(row).toMatchObject({ practice_id: w.practice.practiceId, couple_id: c.coupleId, current_revision: 1, version: 1, created_by: w.clinician.id });
      const revisions = await revisionsOf(res.body.id);
      expect(revisions).toHaveLength(1);
      expect(revisions[0].body_ciphertext).toMatch(/^v1\./);
      const stored = JSON.stringify({ row, revisions });
      for (const plain of [TITLE, ...ITEMS, 'Jordan from the gym', 'ninety days']) expect(stored).not.toContain(plain);
      // The envelope opens only for this agreement and revision: moved to another, it fails to decrypt.
      const other = await make(c);
      const [own] = await revisionsOf(other.id);
      await ctx.db.query(`UPDATE agreement_revisions SET body_ciphertext = $1 WHERE agreement_id = $2`, [revisions[0].body_ciphertext, other.id]);
      await http(ctx).get(`/v1/agreements/${other.id}`).set(...bearer(w.clinician)).expect(500);
      await ctx.db.query(`UPDATE agreement_revisions SET body_ciphertext = $1 WHERE agreement_id = $2`, [own.body_ciphertext, other.id]);
      await http(ctx).get(`/v1/agreements/${other.id}`).set(...bearer(w.clinician)).expect(200);
    });

    it('ties it to the couple’s open plan by default, or to the plan named', async () => {
      const c2 = await portalCouple(ctx, w);
      const plan = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId: c2.coupleId }, 'active', { stabilization: 'completed', boundaries: 'active' });
      expect((await make(c2)).planId).toBe(plan);
      expect((await make(c2, { planId: plan, kind: 'transparency', stepKey: 'transparency' })).planId).toBe(plan);
    });

    it('refuses a plan that is not an open plan of this couple (400 planId)', async () => {
      const c2 = await portalCouple(ctx, w);
      const c3 = await portalCouple(ctx, w);
      const otherCouples = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId: c3.coupleId }, 'active', {});
      const closed = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId: c2.coupleId }, 'closed', {});
      for (const planId of [otherCouples, closed, randomUUID()]) {
        const res = await create(w.clinician, body(c2.coupleId, { planId })).expect(400);
        expect(res.body.message).toContain('planId:');
      }
      expect(await agreementsOf(c2.coupleId)).toHaveLength(0);
    });

    it('409 for a dissolved couple', async () => {
      const c2 = await portalCouple(ctx, w);
      await ctx.db.query(`UPDATE couples SET status = 'dissolved', dissolved_at = now(), dissolved_by = $2 WHERE id = $1`, [c2.coupleId, w.admin.id]);
      const res = await create(w.clinician, body(c2.coupleId)).expect(409);
      expect(res.body.code).toBe('couple_dissolved');
      expect(await agreementsOf(c2.coupleId)).toHaveLength(0);
    });

    it('401 anonymous; 404 another practice’s admin and an unassigned clinician; 403 the admin off the care team and the partners; nothing written', async () => {
      const c2 = await portalCouple(ctx, w);
      await http(ctx).post('/v1/agreements').send(body(c2.coupleId)).expect(401);
      for (const actor of [w.other.admin, w.unassigned]) {
        const res = await create(actor, body(c2.coupleId)).expect(404);
        expect(res.text).not.toContain(c2.a.clientId);
      }
      expect((await create(w.admin, body(c2.coupleId)).expect(403)).body.code).toBe('not_on_care_team');
      await create(c2.a.actor, body(c2.coupleId)).expect(403);
      await create(c2.b.actor, body(c2.coupleId)).expect(403);
      await create(w.clinician, body(randomUUID())).expect(404);
      expect(await agreementsOf(c2.coupleId)).toHaveLength(0);
    });

    it('an admin who is on the couple’s care team may write one', async () => {
      const c2 = await portalCouple(ctx, w);
      await addToCareTeam(ctx, w.practice.practiceId, w.admin.id, { coupleId: c2.coupleId });
      const res = await create(w.admin, body(c2.coupleId)).expect(201);
      expect(res.body.createdBy.id).toBe(w.admin.id);
    });

    it.each([
      ['no items', { items: [] }, 'items:'],
      ['31 items', { items: Array.from({ length: 31 }, (_, i) => `item ${i}`) }, 'items:'],
      ['an item over 500 characters', { items: ['ok', 'x'.repeat(501)] }, 'items:'],
      ['a blank item', { items: ['ok', '   '] }, 'items:'],
      ['an item that is not text', { items: ['ok', 7] }, 'items:'],
      ['items not a list', { items: 'one thing' }, 'items:'],
      ['no title', { title: undefined }, 'title:'],
      ['a blank title', { title: '  ' }, 'title:'],
      ['a title over 200 characters', { title: 't'.repeat(201) }, 'title:'],
      ['an unknown step', { stepKey: 'healing' }, 'stepKey:'],
      ['an unknown kind', { kind: 'financial' }, 'kind:'],
      ['a malformed coupleId', { coupleId: 'nope' }, 'coupleId:'],
      ['a review date that does not exist', { reviewOn: '2031-02-30' }, 'reviewOn:'],
      ['a review date in the past', { reviewOn: '2020-01-01' }, 'reviewOn:'],
      ['a malformed planId', { planId: 'plan-1' }, 'planId:'],
      ['an unknown field', { practiceId: randomUUID() }, 'practiceId:'],
    ])('400 for %s, naming the field; nothing written', async (_label, over, field) => {
      const b = body(c.coupleId, over);
      const before = (await agreementsOf(c.coupleId)).length;
      const res = await create(w.clinician, b).expect(400);
      expect(res.body.message).toContain(field);
      expect(await agreementsOf(c.coupleId)).toHaveLength(before);
    });
  });

  describe('GET /v1/agreements and /v1/agreements/:id', () => {
    let c: PortalCouple;
    let ids: string[];

    beforeAll(async () => {
      c = await portalCouple(ctx, w);
      ids = [];
      ids.push((await make(c)).id);
      ids.push((await make(c, { kind: 'transparency', stepKey: 'transparency', title: 'Whereabouts', items: ['Text when plans change'] })).id);
      ids.push((await make(c, { title: 'Money', items: ['Joint account statements shared monthly'] })).id);
      await http(ctx).post(`/v1/agreements/${ids[2]}/end`).set(...bearer(w.clinician)).send({}).expect(200);
    });

    it('lists a couple’s agreements newest first with their wording and acknowledgements, a page at a time', async () => {
      const p1 = await http(ctx).get(`/v1/agreements?coupleId=${c.coupleId}&limit=2`).set(...bearer(w.clinician)).expect(200);
      expect(p1.body.data.map((a: { id: string }) => a.id)).toEqual([ids[2], ids[1]]);
      expect(p1.body.data[1]).toMatchObject({
        title: 'Whereabouts',
        items: ['Text when plans change'],
        kind: 'transparency',
        acknowledgements: [expect.objectContaining({ clientId: c.a.clientId }), expect.objectContaining({ clientId: c.b.clientId })],
      });
      const p2 = await http(ctx).get(`/v1/agreements?coupleId=${c.coupleId}&limit=2&cursor=${p1.body.nextCursor}`).set(...bearer(w.clinician)).expect(200);
      expect(p2.body).toEqual({ data: [expect.objectContaining({ id: ids[0], title: TITLE })], nextCursor: null });
    });

    it('filters by status and kind; without a couple, lists every couple of the caller’s care teams', async () => {
      const active = await http(ctx).get(`/v1/agreements?coupleId=${c.coupleId}&status=active`).set(...bearer(w.clinician)).expect(200);
      expect(active.body.data.map((a: { id: string }) => a.id)).toEqual([ids[1], ids[0]]);
      const transparency = await http(ctx).get(`/v1/agreements?coupleId=${c.coupleId}&kind=transparency`).set(...bearer(w.clinician)).expect(200);
      expect(transparency.body.data.map((a: { id: string }) => a.id)).toEqual([ids[1]]);
      const all = await http(ctx).get('/v1/agreements?limit=100').set(...bearer(w.clinician)).expect(200);
      expect(all.body.data.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(ids));
    });

    it('off the care team: nothing listed; the couple filtered is 404 (unassigned, other practice) or 403 (admin)', async () => {
      for (const actor of [w.unassigned, w.admin, w.other.admin]) {
        const res = await http(ctx).get('/v1/agreements?limit=100').set(...bearer(actor)).expect(200);
        for (const id of ids) expect(res.text).not.toContain(id);
        expect(res.text).not.toContain(c.coupleId);
      }
      await http(ctx).get(`/v1/agreements?coupleId=${c.coupleId}`).set(...bearer(w.unassigned)).expect(404);
      await http(ctx).get(`/v1/agreements?coupleId=${c.coupleId}`).set(...bearer(w.other.admin)).expect(404);
      await http(ctx).get(`/v1/agreements?coupleId=${c.coupleId}`).set(...bearer(w.admin)).expect(403);
      await http(ctx).get('/v1/agreements').expect(401);
      await http(ctx).get('/v1/agreements').set(...bearer(c.a.actor)).expect(403);
      expect((await http(ctx).get('/v1/agreements?status=paused').set(...bearer(w.clinician)).expect(400)).body.message).toContain('status:');
      expect((await http(ctx).get('/v1/agreements?coupleId=x').set(...bearer(w.clinician)).expect(400)).body.message).toContain('coupleId:');
    });

    it('reads one to the care team; 401, 404 (other practice, unassigned, unknown, malformed), 403 (admin off the team, partners) otherwise', async () => {
      const res = await http(ctx).get(`/v1/agreements/${ids[0]}`).set(...bearer(w.clinician)).expect(200);
      expect(res.body).toMatchObject({ id: ids[0], title: TITLE, items: ITEMS, revisions: [expect.objectContaining({ revision: 1 })] });
      await http(ctx).get(`/v1/agreements/${ids[0]}`).expect(401);
      for (const actor of [w.other.admin, w.unassigned]) {
        const denied = await http(ctx).get(`/v1/agreements/${ids[0]}`).set(...bearer(actor)).expect(404);
        expect(denied.body.message).toBe('Agreement not found');
      }
      const admin = await http(ctx).get(`/v1/agreements/${ids[0]}`).set(...bearer(w.admin)).expect(403);
      expect(admin.text).not.toContain('Jordan');
      await http(ctx).get(`/v1/agreements/${ids[0]}`).set(...bearer(c.a.actor)).expect(403);
      expect((await http(ctx).get(`/v1/agreements/${randomUUID()}`).set(...bearer(w.clinician)).expect(404)).body.message).toBe('Agreement not found');
      await http(ctx).get('/v1/agreements/nope').set(...bearer(w.clinician)).expect(404);
    });
  });

  describe('PATCH /v1/agreements/:id (revise) and POST /v1/agreements/:id/end', () => {
    let c: PortalCouple;
    beforeAll(async () => {
      c = await portalCouple(ctx, w);
    });

    it('a new wording is a new revision: history kept, acknowledgements of the old wording no longer count', async () => {
      const a = await make(c);
      await ack(c.a.actor, a.id).expect(200);
      const acked = await http(ctx).get(`/v1/agreements/${a.id}`).set(...bearer(w.clinician)).expect(200);
      expect(acked.body.acknowledgements.map((x: { acknowledgedAt: string | null }) => x.acknowledgedAt !== null)).toEqual([true, false]);

      const newItems = [...ITEMS.slice(0, 2), 'Location sharing on until the review'];
      const res = await http(ctx)
        .patch(`/v1/agreements/${a.id}`)
        .set(...bearer(w.clinician))
        .send({ items: newItems, changeNote: 'Location sharing limited to the review date', version: 1 })
        .expect(200);
      expect(res.body).toMatchObject({ revision: 2, version: 2, title: TITLE, items: newItems, acknowledgedByBoth: false });
      expect(res.body.acknowledgements.map((x: { acknowledgedAt: string | null }) => x.acknowledgedAt)).toEqual([null, null]);
      expect(res.body.revisions).toEqual([
        expect.objectContaining({ revision: 2, items: newItems, changeNote: 'Location sharing limited to the review date', createdBy: { id: w.clinician.id, fullName: 'A clinician' }, acknowledgements: [] }),
        expect.objectContaining({ revision: 1, items: ITEMS, changeNote: null, acknowledgements: [{ clientId: c.a.clientId, acknowledgedAt: expect.any(String) }] }),
      ]);
      const revisions = await revisionsOf(a.id);
      expect(revisions.map((r: { revision: number }) => r.revision)).toEqual([1, 2]);
      expect(revisions[0].body_ciphertext).not.toBe(revisions[1].body_ciphertext);
      expect(JSON.stringify(revisions)).not.toContain('until the review');
      expect(await acksOf(a.id)).toEqual([expect.objectContaining({ revision: 1, client_id: c.a.clientId })]);
    });

    it('a new review date alone is no new wording: same revision, acknowledgements kept', async () => {
      const a = await make(c);
      await ack(c.b.actor, a.id).expect(200);
      const reviewOn = await today();
      const res = await http(ctx).patch(`/v1/agreements/${a.id}`).set(...bearer(w.clinician)).send({ reviewOn, version: 1 }).expect(200);
      expect(res.body).toMatchObject({ revision: 1, version: 2, reviewOn });
      expect(res.body.acknowledgements[1].acknowledgedAt).toEqual(expect.any(String));
      const cleared = await http(ctx).patch(`/v1/agreements/${a.id}`).set(...bearer(w.clinician)).send({ reviewOn: null, title: TITLE, version: 2 }).expect(200);
      expect(cleared.body).toMatchObject({ revision: 1, version: 3, reviewOn: null });
      expect(await revisionsOf(a.id)).toHaveLength(1);
    });

    it('a stale version is 409 and changes nothing; two revisions from the same version: one wins, one 409', async () => {
      const a = await make(c);
      await http(ctx).patch(`/v1/agreements/${a.id}`).set(...bearer(w.clinician)).send({ title: 'Second wording', version: 1 }).expect(200);
      const before = await stateOf(a.id);
      const stale = await http(ctx).patch(`/v1/agreements/${a.id}`).set(...bearer(w.clinician)).send({ title: 'Stale wording', version: 1 }).expect(409);
      expect(stale.body.code).toBe('version_conflict');
      expect(await stateOf(a.id)).toEqual(before);

      const second = await createStaff(ctx, w.practice, 'clinician');
      await addToCareTeam(ctx, w.practice.practiceId, second.id, { coupleId: c.coupleId }, w.clinician.id);
      const results = await Promise.all(
        [
          [w.clinician, 'Wording from the first clinician'],
          [second, 'Wording from the second clinician'],
        ].map(([actor, title]) => http(ctx).patch(`/v1/agreements/${a.id}`).set(...bearer(actor as Actor)).send({ title, version: 2 })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const winner = results.find((r) => r.status === 200)!;
      const revisions = await revisionsOf(a.id);
      expect(revisions.map((r: { revision: number }) => r.revision)).toEqual([1, 2, 3]);
      const now = await http(ctx).get(`/v1/agreements/${a.id}`).set(...bearer(w.clinician)).expect(200);
      expect(now.body).toMatchObject({ revision: 3, version: 3, title: winner.body.title });
    });

    it.each([
      ['no version', { title: 'x' }, 'version:'],
      ['a version that is not a number', { title: 'x', version: '1' }, 'version:'],
      ['nothing to change', { version: 1 }, 'title:'],
      ['a change note without a change of wording', { title: TITLE, changeNote: 'tidied', version: 1 }, 'changeNote:'],
      ['empty items', { items: [], version: 1 }, 'items:'],
      ['an item over 500 characters', { items: ['y'.repeat(501)], version: 1 }, 'items:'],
      ['a review date in the past', { reviewOn: '2020-05-05', version: 1 }, 'reviewOn:'],
      ['a change note over 500 characters', { title: 'New', changeNote: 'n'.repeat(501), version: 1 }, 'changeNote:'],
      ['an unknown field', { status: 'ended', version: 1 }, 'status:'],
    ])('400 for %s, naming the field; nothing changed', async (_label, b, field) => {
      const a = await make(c);
      const before = await stateOf(a.id);
      const res = await http(ctx).patch(`/v1/agreements/${a.id}`).set(...bearer(w.clinician)).send(b).expect(400);
      expect(res.body.message).toContain(field);
      expect(await stateOf(a.id)).toEqual(before);
    });

    it('401, 404 (other practice, unassigned), 403 (admin off the team, partners) for revise and end; nothing changed', async () => {
      const a = await make(c);
      const before = await stateOf(a.id);
      const patch = (actor: Actor | null) => {
        const req = http(ctx).patch(`/v1/agreements/${a.id}`);
        return (actor ? req.set(...bearer(actor)) : req).send({ title: 'Hijacked', version: 1 });
      };
      const end = (actor: Actor | null) => {
        const req = http(ctx).post(`/v1/agreements/${a.id}/end`);
        return (actor ? req.set(...bearer(actor)) : req).send({});
      };
      for (const call of [patch, end]) {
        await call(null).expect(401);
        await call(w.other.admin).expect(404);
        await call(w.unassigned).expect(404);
        await call(w.admin).expect(403);
        await call(c.a.actor).expect(403);
        await call(c.b.actor).expect(403);
      }
      expect(await stateOf(a.id)).toEqual(before);
    });

    it('ends an agreement once; an ended agreement is neither revised, ended again, nor acknowledged', async () => {
      const a = await make(c);
      const stale = await http(ctx).post(`/v1/agreements/${a.id}/end`).set(...bearer(w.clinician)).send({ version: 7 }).expect(409);
      expect(stale.body.code).toBe('version_conflict');
      const res = await http(ctx).post(`/v1/agreements/${a.id}/end`).set(...bearer(w.clinician)).send({ version: 1 }).expect(200);
      expect(res.body).toMatchObject({ status: 'ended', endedAt: expect.any(String), version: 2, title: TITLE });
      const before = await stateOf(a.id);
      expect((await http(ctx).post(`/v1/agreements/${a.id}/end`).set(...bearer(w.clinician)).expect(409)).body.code).toBe('agreement_ended');
      expect((await http(ctx).patch(`/v1/agreements/${a.id}`).set(...bearer(w.clinician)).send({ title: 'Later', version: 2 }).expect(409)).body.code).toBe('agreement_ended');
      expect((await ack(c.a.actor, a.id).expect(409)).body.code).toBe('agreement_ended');
      expect(await stateOf(a.id)).toEqual(before);
    });
  });

  describe('the partners’ portal: GET /v1/me/agreements and POST /v1/me/agreements/:id/acknowledge', () => {
    let c: PortalCouple;
    let other: PortalCouple;
    let id: string;

    beforeAll(async () => {
      c = await portalCouple(ctx, w);
      other = await portalCouple(ctx, w);
      id = (await make(c)).id;
      await make(other, { title: 'Someone else’s boundary', items: ['Not yours to read'] });
    });

    it('shows each partner their couple’s agreements with the wording, and no other couple’s', async () => {
      for (const partner of [c.a, c.b]) {
        const res = await http(ctx).get('/v1/me/agreements').set(...bearer(partner.actor)).expect(200);
        expect(res.body).toEqual({
          data: [
            {
              id,
              kind: 'boundary',
              stepKey: 'boundaries',
              status: 'active',
              title: TITLE,
              items: ITEMS,
              reviewOn: null,
              revision: 1,
              revisedAt: expect.any(String),
              youAcknowledgedAt: null,
              partnerAcknowledgedAt: null,
            },
          ],
          nextCursor: null,
        });
        expect(res.text).not.toContain('Not yours to read');
      }
      const solo = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, 'No Couple');
      expect((await http(ctx).get('/v1/me/agreements').set(...bearer(solo.actor)).expect(200)).body).toEqual({ data: [], nextCursor: null });
    });

    it('a partner acknowledges for themself; the other sees it; repeating it changes nothing', async () => {
      const res = await ack(c.a.actor, id, { revision: 1 }).expect(200);
      expect(res.body).toMatchObject({ id, youAcknowledgedAt: expect.any(String), partnerAcknowledgedAt: null });
      const again = await ack(c.a.actor, id).expect(200);
      expect(again.body.youAcknowledgedAt).toBe(res.body.youAcknowledgedAt);
      const b = await http(ctx).get('/v1/me/agreements').set(...bearer(c.b.actor)).expect(200);
      expect(b.body.data[0]).toMatchObject({ youAcknowledgedAt: null, partnerAcknowledgedAt: res.body.youAcknowledgedAt });
      await ack(c.b.actor, id).expect(200);
      const staff = await http(ctx).get(`/v1/agreements/${id}`).set(...bearer(w.clinician)).expect(200);
      expect(staff.body.acknowledgedByBoth).toBe(true);
      expect(await acksOf(id)).toHaveLength(2);
    });

    it('no one acknowledges on a partner’s behalf: staff 403, another couple’s partner 404, anonymous 401; nothing written', async () => {
      const fresh = (await make(c)).id;
      for (const staff of [w.clinician, w.admin, w.unassigned, w.other.admin]) await ack(staff, fresh).expect(403);
      for (const stranger of [other.a.actor, other.b.actor]) {
        const res = await ack(stranger, fresh).expect(404);
        expect(res.text).not.toContain(TITLE);
      }
      await http(ctx).post(`/v1/me/agreements/${fresh}/acknowledge`).send({}).expect(401);
      await ack(c.a.actor, randomUUID()).expect(404);
      await ack(c.a.actor, 'nope').expect(404);
      expect(await acksOf(fresh)).toEqual([]);
      await http(ctx).get('/v1/me/agreements').expect(401);
      await http(ctx).get('/v1/me/agreements').set(...bearer(w.clinician)).expect(403);
    });

    it('a partner of a practice’s other couple, in another practice too, never reaches it', async () => {
      const elsewhere = await createPortalClient(ctx, w.other.practiceId, w.other.admin.id, 'Elsewhere Client');
      await ack(elsewhere.actor, id).expect(404);
      const res = await http(ctx).get('/v1/me/agreements').set(...bearer(elsewhere.actor)).expect(200);
      expect(res.body.data).toEqual([]);
    });

    it('acknowledging a wording that has since changed is 409; the new wording needs its own acknowledgement', async () => {
      const a = await make(c);
      await http(ctx).patch(`/v1/agreements/${a.id}`).set(...bearer(w.clinician)).send({ title: 'Reworded', version: 1 }).expect(200);
      const res = await ack(c.a.actor, a.id, { revision: 1 }).expect(409);
      expect(res.body.code).toBe('revision_changed');
      expect(await acksOf(a.id)).toEqual([]);
      const ok = await ack(c.a.actor, a.id, { revision: 2 }).expect(200);
      expect(ok.body).toMatchObject({ revision: 2, title: 'Reworded', youAcknowledgedAt: expect.any(String) });
      expect((await ack(c.a.actor, a.id, { revision: 0 }).expect(400)).body.message).toContain('revision:');
    });
  });

  describe('GET /v1/agreements/:id/adherence', () => {
    it('counts yes/partly/no per partner and for both, from the couple’s check-ins since the current wording', async () => {
      const c = await portalCouple(ctx, w);
      const elsewhere = await portalCouple(ctx, w);
      const a = await make(c);
      const day = 86_400_000;
      const now = Date.now();
      await ctx.db.query(`UPDATE agreement_revisions SET created_at = $2 WHERE agreement_id = $1`, [a.id, new Date(now - 10 * day)]);
      const at = (daysAgo: number) => new Date(now - daysAgo * day);
      const checkIn = (who: string, coupleId: string | null, daysAgo: number, kept: 'yes' | 'partly' | 'no' | null) =>
        insertCheckIn(ctx, w.practice.practiceId, { clientId: who, coupleId, submittedAt: at(daysAgo), agreementsKept: kept });
      // Counted: A yes, yes, partly, no, (unanswered); B yes, yes, no.
      for (const [d, k] of [[9, 'yes'], [8, 'yes'], [7, 'partly'], [6, 'no'], [5, null]] as const) await checkIn(c.a.clientId, c.coupleId, d, k);
      for (const [d, k] of [[9, 'yes'], [4, 'yes'], [3, 'no']] as const) await checkIn(c.b.clientId, c.coupleId, d, k);
      // Not counted: before the current wording, outside the couple, another couple's.
      await checkIn(c.a.clientId, c.coupleId, 11, 'no');
      await checkIn(c.b.clientId, null, 2, 'no');
      await checkIn(elsewhere.a.clientId, elsewhere.coupleId, 2, 'no');

      const res = await http(ctx).get(`/v1/agreements/${a.id}/adherence`).set(...bearer(w.clinician)).expect(200);
      expect(res.body).toEqual({
        agreementId: a.id,
        revision: 1,
        since: at(10).toISOString(),
        until: expect.any(String),
        partners: [
          { clientId: c.a.clientId, recoveryRole: 'injured', yes: 2, partly: 1, no: 1, answered: 4, checkIns: 5, keptRate: 0.5 },
          { clientId: c.b.clientId, recoveryRole: 'involved', yes: 2, partly: 0, no: 1, answered: 3, checkIns: 3, keptRate: 0.6667 },
        ],
        overall: { yes: 4, partly: 1, no: 2, answered: 7, checkIns: 8, keptRate: 0.5714 },
      });
      expect(Math.abs(Date.parse(res.body.until) - Date.now())).toBeLessThan(60_000);

      // A new wording starts a new count.
      await http(ctx).patch(`/v1/agreements/${a.id}`).set(...bearer(w.clinician)).send({ title: 'Reworded', version: 1 }).expect(200);
      const fresh = await http(ctx).get(`/v1/agreements/${a.id}/adherence`).set(...bearer(w.clinician)).expect(200);
      expect(fresh.body).toMatchObject({
        revision: 2,
        partners: [
          { clientId: c.a.clientId, yes: 0, partly: 0, no: 0, answered: 0, checkIns: 0, keptRate: null },
          { clientId: c.b.clientId, yes: 0, partly: 0, no: 0, answered: 0, checkIns: 0, keptRate: null },
        ],
        overall: { answered: 0, checkIns: 0, keptRate: null },
      });
    });

    it('an ended agreement counts until it ended', async () => {
      const c = await portalCouple(ctx, w);
      const a = await make(c);
      const day = 86_400_000;
      const now = Date.now();
      await ctx.db.query(`UPDATE agreement_revisions SET created_at = $2 WHERE agreement_id = $1`, [a.id, new Date(now - 10 * day)]);
      await http(ctx).post(`/v1/agreements/${a.id}/end`).set(...bearer(w.clinician)).send({}).expect(200);
      await ctx.db.query(`UPDATE agreements SET ended_at = $2 WHERE id = $1`, [a.id, new Date(now - 5 * day)]);
      await insertCheckIn(ctx, w.practice.practiceId, { clientId: c.a.clientId, coupleId: c.coupleId, submittedAt: new Date(now - 6 * day), agreementsKept: 'yes' });
      await insertCheckIn(ctx, w.practice.practiceId, { clientId: c.a.clientId, coupleId: c.coupleId, submittedAt: new Date(now - 4 * day), agreementsKept: 'no' });
      const res = await http(ctx).get(`/v1/agreements/${a.id}/adherence`).set(...bearer(w.clinician)).expect(200);
      expect(res.body.until).toBe(new Date(now - 5 * day).toISOString());
      expect(res.body.overall).toEqual({ yes: 1, partly: 0, no: 0, answered: 1, checkIns: 1, keptRate: 1 });
    });

    it('401, 404 (other practice, unassigned, unknown), 403 (admin off the team, partners)', async () => {
      const c = await portalCouple(ctx, w);
      const a = await make(c);
      const url = `/v1/agreements/${a.id}/adherence`;
      await http(ctx).get(url).expect(401);
      await http(ctx).get(url).set(...bearer(w.other.admin)).expect(404);
      await http(ctx).get(url).set(...bearer(w.unassigned)).expect(404);
      await http(ctx).get(url).set(...bearer(w.admin)).expect(403);
      await http(ctx).get(url).set(...bearer(c.a.actor)).expect(403);
      await http(ctx).get(`/v1/agreements/${randomUUID()}/adherence`).set(...bearer(w.clinician)).expect(404);
    });
  });
});
