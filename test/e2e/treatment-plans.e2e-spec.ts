import { randomUUID } from 'node:crypto';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Actor, bearer, createStaff, http } from '../factories';
import { addToCareTeam, insertClient } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';
import {
  activePlan,
  buildPlanWorld,
  createPlan,
  events,
  expectStatus,
  myClient,
  planAction,
  planSnapshot,
  PlanWorld,
  PortalCouple,
  portalCouple,
  stabilizedPlan,
  STEP_KEYS,
  stepAction,
} from './treatment-plans.world';

/** A page of anything with ids. */
interface IdPage {
  data: Array<{ id: string }>;
  nextCursor: string | null;
}

const CONCERNS = 'Affair with a coworker discovered in March; he moved to the guest room';
const SUMMARY = 'Rebuilt trust over a year; they renewed their commitment';

describe('treatment plans /v1/treatment-plans', () => {
  let ctx: TestContext;
  let w: PlanWorld;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildPlanWorld(ctx, 'Plans Practice');
  });
  afterAll(() => ctx?.close());

  const get = (id: string, actor: Actor = w.clinician) => http(ctx).get(`/v1/treatment-plans/${id}`).set(...bearer(actor));
  const list = (actor: Actor, query: Record<string, string | number> = {}) => http(ctx).get('/v1/treatment-plans').set(...bearer(actor)).query(query);
  const patch = (id: string, body: Record<string, unknown>, actor: Actor = w.clinician) =>
    http(ctx).patch(`/v1/treatment-plans/${id}`).set(...bearer(actor)).send(body);

  describe('POST create', () => {
    it('a couple plan: draft on the current framework version, every step not started, created event, concerns encrypted at rest', async () => {
      const c = await portalCouple(ctx, w);
      const plan = await createPlan(ctx, w.clinician, { coupleId: c.coupleId, presentingConcerns: `  ${CONCERNS}  ` });
      const [{ version: current }] = await ctx.db.query(`SELECT version FROM framework_versions WHERE is_current`);
      expect(plan).toMatchObject({
        kind: 'couple',
        coupleId: c.coupleId,
        clientId: null,
        owner: { id: w.clinician.id, fullName: 'A clinician' },
        status: 'draft',
        frameworkVersion: current,
        outcome: null,
        presentingConcerns: CONCERNS,
        closingSummary: null,
        conjointWorkPaused: false,
        activeSteps: [],
        stepsDone: 0,
        stepsTotal: 9,
        version: 1,
        createdBy: w.clinician.id,
      });
      const positions: Array<{ key: string; position: number }> = await ctx.db.query(
        `SELECT key, position FROM framework_steps WHERE version = $1 ORDER BY position`,
        [current],
      );
      expect(plan.steps.map((s: { key: string; position: number }) => [s.key, s.position])).toEqual(positions.map((p) => [p.key, p.position]));
      expect(plan.steps.map((s: { key: string }) => s.key)).toEqual(STEP_KEYS);
      for (const s of plan.steps) expect(s).toMatchObject({ state: 'not_started', changedBy: null, changedAt: null, waivedReason: null, title: expect.any(String) });
      expect(plan.forgivenessReadiness).toEqual({
        partners: [
          expect.objectContaining({ clientId: c.a.clientId, role: 'injured', answer: null, withdrawn: false }),
          expect.objectContaining({ clientId: c.b.clientId, role: 'involved', answer: null, withdrawn: false }),
        ],
        allReady: false,
      });

      const [row] = await ctx.db.query(`SELECT * FROM treatment_plans WHERE id = $1`, [plan.id]);
      expect(row.presenting_concerns_ciphertext).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain('coworker');
      const ev = await events(ctx, plan.id);
      expect(ev).toEqual([expect.objectContaining({ kind: 'plan_created', to_state: 'draft', actor_id: w.clinician.id, reason: null })]);
    });

    it('an individual plan; the owner may be a colleague on the care team', async () => {
      const clientId = await myClient(ctx, w);
      await addToCareTeam(ctx, w.practice.practiceId, w.colleague.id, { clientId });
      const plan = await createPlan(ctx, w.clinician, { clientId, ownerId: w.colleague.id });
      expect(plan).toMatchObject({ kind: 'individual', clientId, coupleId: null, owner: { id: w.colleague.id }, createdBy: w.clinician.id });
      expect(plan.forgivenessReadiness.partners).toEqual([expect.objectContaining({ clientId, role: null })]);
    });

    it('the owner must be an active clinician on the care team (400 naming ownerId)', async () => {
      const c = await portalCouple(ctx, w);
      const teamAdmin = await createStaff(ctx, w.practice, 'admin');
      await addToCareTeam(ctx, w.practice.practiceId, teamAdmin.id, { coupleId: c.coupleId });
      for (const ownerId of [w.unassigned.id, teamAdmin.id, w.otherClinician.id, c.a.actor.id, randomUUID()]) {
        const res = expectStatus(await http(ctx).post('/v1/treatment-plans').set(...bearer(w.clinician)).send({ coupleId: c.coupleId, ownerId }), 400);
        expect(res.body).toMatchObject({ code: 'invalid_owner', field: 'ownerId' });
      }
      expect(await ctx.db.query(`SELECT id FROM treatment_plans WHERE couple_id = $1`, [c.coupleId])).toHaveLength(0);
    });

    it.each([
      ['both a couple and a client', (c: PortalCouple) => ({ coupleId: c.coupleId, clientId: c.a.clientId }), 'coupleId'],
      ['neither', () => ({ presentingConcerns: 'x' }), 'coupleId'],
      ['a couple id that is not a UUID', () => ({ coupleId: 'couple-1' }), 'coupleId'],
      ['a client id that is a number', () => ({ clientId: 42 }), 'clientId'],
      ['an owner id that is not a UUID', (c: PortalCouple) => ({ coupleId: c.coupleId, ownerId: 'me' }), 'ownerId'],
      ['blank presenting concerns', (c: PortalCouple) => ({ coupleId: c.coupleId, presentingConcerns: '   ' }), 'presentingConcerns'],
      ['presenting concerns too long', (c: PortalCouple) => ({ coupleId: c.coupleId, presentingConcerns: 'x'.repeat(8001) }), 'presentingConcerns'],
      ['an unknown field', (c: PortalCouple) => ({ coupleId: c.coupleId, status: 'active' }), 'status'],
      ['a framework version of its own', (c: PortalCouple) => ({ coupleId: c.coupleId, frameworkVersion: 2 }), 'frameworkVersion'],
    ])('refuses %s with 400 naming the field; nothing written', async (_label, body, field) => {
      const c = await portalCouple(ctx, w);
      const res = expectStatus(await http(ctx).post('/v1/treatment-plans').set(...bearer(w.clinician)).send(body(c)), 400);
      expect(res.body.message).toContain(field);
      const rows = await ctx.db.query(`SELECT id FROM treatment_plans WHERE couple_id = $1 OR client_id = $2`, [c.coupleId, c.a.clientId]);
      expect(rows).toHaveLength(0);
    });

    it('one open plan per couple and per client (409); after closing, a new one may start', async () => {
      const c = await portalCouple(ctx, w);
      const first = await createPlan(ctx, w.clinician, { coupleId: c.coupleId });
      const dup = expectStatus(await http(ctx).post('/v1/treatment-plans').set(...bearer(w.colleague)).send({ coupleId: c.coupleId }), 409);
      expect(dup.body).toMatchObject({ code: 'plan_already_open', field: 'coupleId' });
      expectStatus(await planAction(ctx, w.clinician, first.id, 'close', { outcome: 'discontinued', summary: 'Stopped before starting' }), 200);
      const second = await createPlan(ctx, w.clinician, { coupleId: c.coupleId });
      expect(second.id).not.toBe(first.id);

      const clientId = await myClient(ctx, w);
      await createPlan(ctx, w.clinician, { clientId });
      expect((await http(ctx).post('/v1/treatment-plans').set(...bearer(w.clinician)).send({ clientId })).status).toBe(409);
    });

    it('a dissolved couple or an archived client gets no new plan (409)', async () => {
      const c = await portalCouple(ctx, w);
      await ctx.db.query(`UPDATE couples SET status = 'dissolved', dissolved_at = now() WHERE id = $1`, [c.coupleId]);
      expect((await http(ctx).post('/v1/treatment-plans').set(...bearer(w.clinician)).send({ coupleId: c.coupleId })).body.code).toBe('couple_dissolved');
      const clientId = await myClient(ctx, w);
      await ctx.db.query(`UPDATE clients SET status = 'archived', archived_at = now() WHERE id = $1`, [clientId]);
      expect((await http(ctx).post('/v1/treatment-plans').set(...bearer(w.clinician)).send({ clientId })).body.code).toBe('client_archived');
    });

    it('only a clinician on the care team starts a plan: 404 for a couple not yours, 403 for admin and portal', async () => {
      const c = await portalCouple(ctx, w);
      const send = (actor: Actor, body: Record<string, unknown>) => http(ctx).post('/v1/treatment-plans').set(...bearer(actor)).send(body);
      expect((await send(w.unassigned, { coupleId: c.coupleId })).status).toBe(404);
      expect((await send(w.otherClinician, { coupleId: c.coupleId })).status).toBe(404);
      expect((await send(w.clinician, { coupleId: randomUUID() })).status).toBe(404);
      expect((await send(w.admin, { coupleId: c.coupleId })).status).toBe(403);
      expect((await send(w.other.admin, { coupleId: c.coupleId })).status).toBe(403);
      expect((await send(c.a.actor, { coupleId: c.coupleId })).status).toBe(403);
      expect((await http(ctx).post('/v1/treatment-plans').send({ coupleId: c.coupleId })).status).toBe(401);
      // A clinician who reads a partner through the couple's team is not on that partner's own team.
      expect((await send(w.clinician, { clientId: c.a.clientId })).status).toBe(403);
      expect(await ctx.db.query(`SELECT id FROM treatment_plans WHERE couple_id = $1 OR client_id = $2`, [c.coupleId, c.a.clientId])).toHaveLength(0);
    });
  });

  describe('GET one and history', () => {
    it('shows steps with who and when; the history shows who, when and why, paged with a cursor', async () => {
      const c = await portalCouple(ctx, w);
      const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
      expectStatus(await stepAction(ctx, w.colleague, id, 'transparency', 'activate', { reason: 'Disclosure session booked' }), 200);
      expectStatus(await stepAction(ctx, w.clinician, id, 'accountability', 'waive', { reason: 'Owned fully at intake' }), 200);

      const plan = expectStatus(await get(id), 200).body;
      const step = (key: string) => plan.steps.find((s: { key: string }) => s.key === key);
      expect(step('stabilization')).toMatchObject({ state: 'completed', changedBy: { id: w.clinician.id, fullName: 'A clinician' } });
      expect(step('transparency')).toMatchObject({ state: 'active', changedBy: { id: w.colleague.id }, reason: 'Disclosure session booked' });
      expect(step('accountability')).toMatchObject({ state: 'waived', waivedReason: 'Owned fully at intake', reason: 'Owned fully at intake' });
      expect(step('boundaries')).toMatchObject({ state: 'not_started', reason: null });
      expect(Date.now() - Date.parse(step('transparency').changedAt)).toBeLessThan(60_000);
      expect(plan).toMatchObject({ activeSteps: ['transparency'], stepsDone: 2, status: 'active' });
      expect(plan.activatedAt).toEqual(expect.any(String));

      const all = expectStatus(await http(ctx).get(`/v1/treatment-plans/${id}/history`).set(...bearer(w.clinician)), 200).body;
      expect(all.nextCursor).toBeNull();
      expect(all.data.map((e: { kind: string; stepKey: string | null; fromState: string | null; toState: string | null }) => [e.kind, e.stepKey, e.fromState, e.toState])).toEqual([
        ['plan_created', null, null, 'draft'],
        ['plan_activated', null, 'draft', 'active'],
        ['step_activated', 'stabilization', 'not_started', 'active'],
        ['step_completed', 'stabilization', 'active', 'completed'],
        ['step_activated', 'transparency', 'not_started', 'active'],
        ['step_waived', 'accountability', 'not_started', 'waived'],
      ]);
      expect(all.data[4]).toMatchObject({ reason: 'Disclosure session booked', actor: { id: w.colleague.id, fullName: 'A clinician' } });
      expect(all.data[5]).toMatchObject({ reason: 'Owned fully at intake', actor: { id: w.clinician.id } });

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: IdPage = expectStatus(
          await http(ctx)
            .get(`/v1/treatment-plans/${id}/history`)
            .set(...bearer(w.clinician))
            .query({ limit: 4, ...(cursor ? { cursor } : {}) }),
          200,
        ).body;
        expect(page.data.length).toBeLessThanOrEqual(4);
        seen.push(...page.data.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.data.map((e: { id: string }) => e.id));

      const desc = expectStatus(await http(ctx).get(`/v1/treatment-plans/${id}/history`).set(...bearer(w.clinician)).query({ order: 'desc', limit: 2 }), 200).body;
      expect(desc.data.map((e: { id: string }) => e.id)).toEqual([all.data[5].id, all.data[4].id]);
      const next = expectStatus(
        await http(ctx).get(`/v1/treatment-plans/${id}/history`).set(...bearer(w.clinician)).query({ order: 'desc', limit: 2, cursor: desc.nextCursor }),
        200,
      ).body;
      expect(next.data.map((e: { id: string }) => e.id)).toEqual([all.data[3].id, all.data[2].id]);

      for (const query of [{ cursor: 'garbage' }, { limit: 0 }, { order: 'sideways' }]) {
        expect((await http(ctx).get(`/v1/treatment-plans/${id}/history`).set(...bearer(w.clinician)).query(query)).status).toBe(400);
      }
    });

    it('the history is append-only in the database', async () => {
      const c = await portalCouple(ctx, w);
      const plan = await createPlan(ctx, w.clinician, { coupleId: c.coupleId });
      await expect(ctx.db.query(`UPDATE plan_events SET reason = 'rewritten' WHERE plan_id = $1`, [plan.id])).rejects.toThrow(/append-only/);
      await expect(ctx.db.query(`DELETE FROM plan_events WHERE plan_id = $1`, [plan.id])).rejects.toThrow(/append-only/);
    });

    it('admin off the team 403, admin on the team 200, unassigned and other practice 404, portal 403, malformed id 404', async () => {
      const c = await portalCouple(ctx, w);
      const plan = await createPlan(ctx, w.clinician, { coupleId: c.coupleId, presentingConcerns: CONCERNS });
      const teamAdmin = await createStaff(ctx, w.practice, 'admin');
      await addToCareTeam(ctx, w.practice.practiceId, teamAdmin.id, { coupleId: c.coupleId });
      for (const path of [`/v1/treatment-plans/${plan.id}`, `/v1/treatment-plans/${plan.id}/history`]) {
        const call = (actor: Actor) => http(ctx).get(path).set(...bearer(actor));
        const adminRes = await call(w.admin);
        expect(adminRes.status).toBe(403);
        expect(adminRes.body.code).toBe('not_on_care_team');
        expect((await call(teamAdmin)).status).toBe(200);
        expect((await call(w.colleague)).status).toBe(200);
        for (const actor of [w.unassigned, w.otherClinician, w.other.admin]) {
          const res = await call(actor);
          expect(res.status).toBe(404);
          expect(JSON.stringify(res.body)).not.toContain('coworker');
        }
        expect((await call(c.a.actor)).status).toBe(403);
        expect((await http(ctx).get(path)).status).toBe(401);
      }
      expect((await get(randomUUID())).status).toBe(404);
      expect((await get('not-a-plan')).status).toBe(404);
      expect((await http(ctx).get('/v1/treatment-plans/not-a-plan/history').set(...bearer(w.clinician))).status).toBe(404);
    });
  });

  describe('GET list', () => {
    it('pages newest first with a cursor, filters by status, couple, client and owner, and shows only plans you may read', async () => {
      const lw = await buildPlanWorld(ctx, 'List Practice');
      const couples = [await portalCouple(ctx, lw), await portalCouple(ctx, lw), await portalCouple(ctx, lw)];
      const ids: string[] = [];
      for (const c of couples) ids.push((await createPlan(ctx, lw.clinician, { coupleId: c.coupleId })).id);
      const clientId = await myClient(ctx, lw);
      await addToCareTeam(ctx, lw.practice.practiceId, lw.colleague.id, { clientId });
      ids.push((await createPlan(ctx, lw.clinician, { clientId, ownerId: lw.colleague.id })).id);
      expectStatus(await planAction(ctx, lw.clinician, ids[0], 'activate'), 200);
      // A plan on a team the clinician is not on.
      const elsewhere = await insertClient(ctx, lw.practice.practiceId, lw.admin.id, { fullName: 'Not Yours' });
      await addToCareTeam(ctx, lw.practice.practiceId, lw.unassigned.id, { clientId: elsewhere });
      const hidden = (await createPlan(ctx, lw.unassigned, { clientId: elsewhere })).id;

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: IdPage = expectStatus(await list(lw.clinician, { limit: 3, ...(cursor ? { cursor } : {}) }), 200).body;
        expect(page.data.length).toBeLessThanOrEqual(3);
        seen.push(...page.data.map((p) => p.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());
      expect(seen).not.toContain(hidden);

      const first = expectStatus(await list(lw.clinician, { coupleId: couples[0].coupleId }), 200).body.data;
      expect(first).toEqual([expect.objectContaining({ id: ids[0], status: 'active', kind: 'couple', stepsTotal: 9, stepsDone: 0, activeSteps: [] })]);
      expect(first[0]).not.toHaveProperty('presentingConcerns');
      expect(expectStatus(await list(lw.clinician, { status: 'draft' }), 200).body.data.map((p: { id: string }) => p.id).sort()).toEqual(ids.slice(1).sort());
      expect(expectStatus(await list(lw.clinician, { clientId }), 200).body.data.map((p: { id: string }) => p.id)).toEqual([ids[3]]);
      expect(expectStatus(await list(lw.clinician, { ownerId: lw.colleague.id }), 200).body.data.map((p: { id: string }) => p.id)).toEqual([ids[3]]);

      // The unassigned clinician sees only their own case; the admin (on no team) sees none; the other practice none.
      expect(expectStatus(await list(lw.unassigned), 200).body.data.map((p: { id: string }) => p.id)).toEqual([hidden]);
      expect(expectStatus(await list(lw.admin), 200).body.data).toEqual([]);
      const foreign = expectStatus(await list(lw.other.admin, { coupleId: couples[0].coupleId }), 200);
      expect(foreign.body.data).toEqual([]);
      expect(foreign.text).not.toContain(lw.practice.practiceId);
      expect(expectStatus(await list(lw.otherClinician), 200).body.data).toEqual([]);
      expect((await list(couples[0].a.actor)).status).toBe(403);
      expect((await http(ctx).get('/v1/treatment-plans')).status).toBe(401);

      // With the practice-wide setting, clinicians read every plan; the admin still only their teams'.
      expectStatus(await http(ctx).patch('/v1/practice').set(...bearer(lw.admin)).send({ settings: { cliniciansSeeAllClients: true } }), 200);
      expect(expectStatus(await list(lw.unassigned, { limit: 100 }), 200).body.data).toHaveLength(5);
      expect(expectStatus(await list(lw.admin), 200).body.data).toEqual([]);
    });

    it('reads a page, steps and pause included, in the same number of queries whatever its size (no N+1)', async () => {
      const nw = await buildPlanWorld(ctx, 'Counting Practice');
      for (let i = 0; i < 5; i++) {
        const c = await portalCouple(ctx, nw);
        await stabilizedPlan(ctx, nw.clinician, { coupleId: c.coupleId });
      }
      const spy = jest.spyOn(PostgresQueryRunner.prototype, 'query');
      const countFor = async (limit: number) => {
        spy.mockClear();
        const res = expectStatus(await list(nw.clinician, { limit }), 200);
        expect(res.body.data).toHaveLength(limit);
        expect(res.body.data.every((p: { stepsDone: number; stepsTotal: number }) => p.stepsDone === 1 && p.stepsTotal === 9)).toBe(true);
        return spy.mock.calls.filter(([sql]) => /\b(treatment_plans|plan_steps)\b/.test(String(sql))).length;
      };
      try {
        const small = await countFor(1);
        const large = await countFor(5);
        expect(large).toBe(small);
        expect(small).toBe(2);
      } finally {
        spy.mockRestore();
      }
    });

    it.each([
      [{ status: 'open' }, 'status'],
      [{ coupleId: 'x' }, 'coupleId'],
      [{ clientId: '1' }, 'clientId'],
      [{ ownerId: 'me' }, 'ownerId'],
      [{ limit: 1000 }, 'limit'],
      [{ cursor: 'abc' }, 'cursor'],
      [{ practiceId: randomUUID() }, 'practiceId'],
    ])('refuses the filter %j with 400 naming %s', async (query, field) => {
      const res = expectStatus(await list(w.clinician, query as Record<string, string>), 400);
      expect(res.body.message).toContain(field);
    });
  });

  describe('PATCH', () => {
    it('changes presenting concerns and owner with the version read; a stale version is 409; history names what changed, not the text', async () => {
      const c = await portalCouple(ctx, w);
      const plan = await createPlan(ctx, w.clinician, { coupleId: c.coupleId, presentingConcerns: CONCERNS });
      const res = expectStatus(await patch(plan.id, { version: 1, presentingConcerns: 'Financial deception over two years' }), 200);
      expect(res.body).toMatchObject({ presentingConcerns: 'Financial deception over two years', version: 2 });
      const stale = expectStatus(await patch(plan.id, { version: 1, presentingConcerns: 'Lost update' }), 409);
      expect(stale.body.code).toBe('version_conflict');
      const owner = expectStatus(await patch(plan.id, { version: 2, ownerId: w.colleague.id }, w.colleague), 200);
      expect(owner.body).toMatchObject({ owner: { id: w.colleague.id }, version: 3 });
      const cleared = expectStatus(await patch(plan.id, { version: 3, presentingConcerns: null }), 200);
      expect(cleared.body.presentingConcerns).toBeNull();
      const ev = (await events(ctx, plan.id)).filter((e) => e.kind === 'plan_updated');
      expect(ev.map((e) => [e.reason, e.actor_id])).toEqual([
        ['changed: presenting concerns', w.clinician.id],
        ['changed: owner', w.colleague.id],
        ['changed: presenting concerns', w.clinician.id],
      ]);
      expect(JSON.stringify(ev)).not.toMatch(/Financial|coworker/);
    });

    it.each([
      ['no version', { presentingConcerns: 'x' }, 'version'],
      ['a version that is text', { version: '1', presentingConcerns: 'x' }, 'version'],
      ['nothing to change', { version: 1 }, 'presentingConcerns'],
      ['an owner not on the team', { version: 1, ownerId: 'UNASSIGNED' }, 'ownerId'],
      ['a status', { version: 1, status: 'closed' }, 'status'],
      ['an outcome', { version: 1, outcome: 'reconciled' }, 'outcome'],
    ])('refuses %s with 400 naming the field; nothing changes', async (_label, body, field) => {
      const c = await portalCouple(ctx, w);
      const plan = await createPlan(ctx, w.clinician, { coupleId: c.coupleId, presentingConcerns: CONCERNS });
      const before = await planSnapshot(ctx, plan.id);
      const sent = { ...body, ...('ownerId' in body ? { ownerId: w.unassigned.id } : {}) };
      const res = expectStatus(await patch(plan.id, sent), 400);
      expect(res.body.message).toContain(field);
      expect(await planSnapshot(ctx, plan.id)).toEqual(before);
    });
  });

  describe('lifecycle', () => {
    it('draft → active → paused (with reason) → active → closed, each in the history with who and why', async () => {
      const c = await portalCouple(ctx, w);
      const plan = await createPlan(ctx, w.clinician, { coupleId: c.coupleId });
      // A request without any body is fine where nothing is required.
      const activated = expectStatus(await http(ctx).post(`/v1/treatment-plans/${plan.id}/activate`).set(...bearer(w.clinician)), 200);
      expect(activated.body.status).toBe('active');
      expect((await planAction(ctx, w.clinician, plan.id, 'activate')).body.code).toBe('plan_state_conflict');
      expect((await planAction(ctx, w.clinician, plan.id, 'resume')).body.code).toBe('plan_state_conflict');
      for (const body of [{}, { reason: '  ' }, { reason: 7 }, { reason: 'x'.repeat(501) }]) {
        const res = expectStatus(await planAction(ctx, w.clinician, plan.id, 'pause', body), 400);
        expect(res.body.message).toContain('reason');
      }
      expect(expectStatus(await planAction(ctx, w.colleague, plan.id, 'pause', { reason: 'Involved partner in residential treatment' }), 200).body.status).toBe('paused');
      expectStatus(await planAction(ctx, w.clinician, plan.id, 'resume', { reason: 'Back from treatment' }), 200);
      const closed = expectStatus(await planAction(ctx, w.clinician, plan.id, 'close', { outcome: 'reconciled', summary: SUMMARY }), 200).body;
      expect(closed).toMatchObject({ status: 'closed', outcome: 'reconciled', closingSummary: SUMMARY, closedAt: expect.any(String) });
      const ev = await events(ctx, plan.id);
      expect(ev.map((e) => [e.kind, e.from_state, e.to_state, e.reason, e.actor_id])).toEqual([
        ['plan_created', null, 'draft', null, w.clinician.id],
        ['plan_activated', 'draft', 'active', null, w.clinician.id],
        ['plan_paused', 'active', 'paused', 'Involved partner in residential treatment', w.colleague.id],
        ['plan_resumed', 'paused', 'active', 'Back from treatment', w.clinician.id],
        ['plan_closed', 'active', 'closed', 'reconciled', w.clinician.id],
      ]);
      expect(JSON.stringify(ev)).not.toContain('renewed');
    });

    it('an unknown field in a step or lifecycle body is 400 naming it', async () => {
      const c = await portalCouple(ctx, w);
      const id = await activePlan(ctx, w.clinician, { coupleId: c.coupleId });
      expect((await stepAction(ctx, w.clinician, id, 'stabilization', 'activate', { state: 'completed' })).body.message).toContain('state');
      expect((await stepAction(ctx, w.clinician, id, 'stabilization', 'waive', { reason: 'x'.repeat(501) })).body.message).toContain('reason');
      expect((await planAction(ctx, w.clinician, id, 'close', { outcome: 'separated', summary: 'x', closedBy: w.colleague.id })).body.message).toContain('closedBy');
      expect((await planAction(ctx, w.clinician, id, 'close', { outcome: 'separated', summary: 42 })).body.message).toContain('summary');
      expect((await ctx.db.query(`SELECT status FROM treatment_plans WHERE id = $1`, [id]))[0].status).toBe('active');
    });
  });

  describe('wrong tenant, role or partner on every endpoint', () => {
    it('is refused (401/403/404) and changes nothing', async () => {
      const c = await portalCouple(ctx, w);
      const id = await stabilizedPlan(ctx, w.clinician, { coupleId: c.coupleId });
      expectStatus(await stepAction(ctx, w.clinician, id, 'transparency', 'activate'), 200);
      const [{ version }] = await ctx.db.query(`SELECT version FROM treatment_plans WHERE id = $1`, [id]);
      const before = await planSnapshot(ctx, id);

      type Who = 'anonymous' | 'otherAdmin' | 'otherClinician' | 'admin' | 'unassigned' | 'partnerA' | 'partnerB';
      const actors: Record<Who, Actor | null> = {
        anonymous: null,
        otherAdmin: w.other.admin,
        otherClinician: w.otherClinician,
        admin: w.admin,
        unassigned: w.unassigned,
        partnerA: c.a.actor,
        partnerB: c.b.actor,
      };
      const READ = { anonymous: 401, otherAdmin: 404, otherClinician: 404, admin: 403, unassigned: 404, partnerA: 403, partnerB: 403 };
      const WRITE = { anonymous: 401, otherAdmin: 403, otherClinician: 404, admin: 403, unassigned: 404, partnerA: 403, partnerB: 403 };
      const routes: Array<[string, string, Record<string, unknown> | undefined, Record<Who, number>]> = [
        ['GET', `/v1/treatment-plans/${id}`, undefined, READ],
        ['GET', `/v1/treatment-plans/${id}/history`, undefined, READ],
        ['PATCH', `/v1/treatment-plans/${id}`, { version, presentingConcerns: 'Overwritten' }, WRITE],
        ['POST', `/v1/treatment-plans/${id}/activate`, {}, WRITE],
        ['POST', `/v1/treatment-plans/${id}/pause`, { reason: 'x' }, WRITE],
        ['POST', `/v1/treatment-plans/${id}/resume`, {}, WRITE],
        ['POST', `/v1/treatment-plans/${id}/close`, { outcome: 'separated', summary: 'x' }, WRITE],
        ['POST', `/v1/treatment-plans/${id}/steps/validation/activate`, {}, WRITE],
        ['POST', `/v1/treatment-plans/${id}/steps/transparency/complete`, {}, WRITE],
        ['POST', `/v1/treatment-plans/${id}/steps/boundaries/waive`, { reason: 'x' }, WRITE],
        ['POST', `/v1/treatment-plans/${id}/steps/stabilization/reopen`, {}, WRITE],
        ['POST', '/v1/treatment-plans', { clientId: c.a.clientId }, WRITE],
      ];
      const failures: string[] = [];
      for (const [method, path, body, expected] of routes) {
        for (const [who, actor] of Object.entries(actors) as Array<[Who, Actor | null]>) {
          let req = method === 'GET' ? http(ctx).get(path) : method === 'PATCH' ? http(ctx).patch(path) : http(ctx).post(path);
          if (actor) req = req.set(...bearer(actor));
          const res = body === undefined ? await req : await req.send(body);
          if (res.status !== expected[who]) failures.push(`${who} ${method} ${path} → ${res.status} (expected ${expected[who]})`);
          if (who === 'otherAdmin' || who === 'otherClinician') expect(res.text).not.toContain(w.practice.practiceId);
        }
      }
      expect(failures).toEqual([]);
      expect(await planSnapshot(ctx, id)).toEqual(before);
      expect(await ctx.db.query(`SELECT id FROM treatment_plans WHERE client_id = $1`, [c.a.clientId])).toHaveLength(0);
    });
  });

  describe('GET /v1/me/plan (client portal)', () => {
    it('each partner sees their couple’s plan in progress and their own plan — steps and states, nothing clinical, nothing of the partner', async () => {
      const c = await portalCouple(ctx, w);
      const couplePlan = await createPlan(ctx, w.clinician, { coupleId: c.coupleId, presentingConcerns: CONCERNS });
      // A draft is the clinician's work in progress: not shown yet.
      expect(expectStatus(await http(ctx).get('/v1/me/plan').set(...bearer(c.a.actor)), 200).body).toEqual({ data: [], agreements: [] });

      expectStatus(await planAction(ctx, w.clinician, couplePlan.id, 'activate'), 200);
      expectStatus(await stepAction(ctx, w.clinician, couplePlan.id, 'stabilization', 'waive', { reason: 'Calm and safe at intake: WAIVED-SECRET' }), 200);
      expectStatus(await stepAction(ctx, w.clinician, couplePlan.id, 'transparency', 'activate', { reason: 'ACTIVATION-SECRET' }), 200);
      // b's own individual plan, private to b.
      await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { clientId: c.b.clientId });
      const bPlan = await activePlan(ctx, w.clinician, { clientId: c.b.clientId });
      await ctx.db.query(
        `INSERT INTO check_ins (practice_id, client_id, couple_id, submitted_at, local_date, trust, safety, connection, mood, forgiveness_readiness)
         VALUES ($1, $2, $3, now(), current_date, 5, 5, 5, 3, 'not_yet')`,
        [w.practice.practiceId, c.b.clientId, c.coupleId],
      );

      const agreement = expectStatus(
        await http(ctx)
          .post('/v1/agreements')
          .set(...bearer(w.clinician))
          .send({ coupleId: c.coupleId, stepKey: 'transparency', kind: 'transparency', title: 'Phone open on request', items: ['Hand the phone over when asked'] }),
        201,
      );

      const a = expectStatus(await http(ctx).get('/v1/me/plan').set(...bearer(c.a.actor)), 200);
      expect(a.body.data).toHaveLength(1);
      // The agreements the partner is party to come with the plan.
      expect(a.body.agreements.map((x: { id: string }) => x.id)).toEqual([agreement.body.id]);
      expect(a.text).toContain('Phone open on request');
      expect(a.body.data[0]).toMatchObject({ id: couplePlan.id, kind: 'couple', status: 'active', frameworkVersion: couplePlan.frameworkVersion });
      expect(a.body.data[0].steps.map((s: { key: string }) => s.key)).toEqual(STEP_KEYS);
      expect(a.body.data[0].steps.find((s: { key: string }) => s.key === 'stabilization')).toEqual({
        key: 'stabilization',
        title: 'Stabilization',
        position: 0,
        state: 'waived',
        since: expect.any(String),
      });
      for (const secret of ['WAIVED-SECRET', 'ACTIVATION-SECRET', 'coworker', 'not_yet', bPlan, c.b.clientId, 'presentingConcerns', 'owner', 'readiness']) {
        expect(a.text).not.toContain(secret);
      }

      const b = expectStatus(await http(ctx).get('/v1/me/plan').set(...bearer(c.b.actor)), 200);
      expect(b.body.data.map((p: { id: string; kind: string }) => [p.id, p.kind])).toEqual([
        [couplePlan.id, 'couple'],
        [bPlan, 'individual'],
      ]);

      // Closed plans leave the portal view.
      expectStatus(await planAction(ctx, w.clinician, bPlan, 'close', { outcome: 'discontinued', summary: 'Moved away' }), 200);
      expect(expectStatus(await http(ctx).get('/v1/me/plan').set(...bearer(c.b.actor)), 200).body.data.map((p: { id: string }) => p.id)).toEqual([couplePlan.id]);
    });

    it('staff are refused (403), anonymous 401; a client of another practice sees nothing of this one', async () => {
      for (const actor of [w.admin, w.clinician, w.other.admin]) {
        expect((await http(ctx).get('/v1/me/plan').set(...bearer(actor))).status).toBe(403);
      }
      expect((await http(ctx).get('/v1/me/plan')).status).toBe(401);
      const stranger = await createPortalClient(ctx, w.other.practiceId, w.other.admin.id, 'Stranger');
      expect(expectStatus(await http(ctx).get('/v1/me/plan').set(...bearer(stranger.actor)), 200).body).toEqual({ data: [], agreements: [] });
    });
  });
});
