import { randomUUID } from 'node:crypto';
import { Actor, bearer, http } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import {
  adHoc,
  assign,
  assigned,
  buildHomeworkWorld,
  HomeworkCouple,
  homeworkCouple,
  homeworkState,
  individualClient,
  insertPlan,
  libraryTemplate,
  notificationsOf,
  PlanWorld,
  QUESTIONS,
} from './homework.world';

const HOUR = 3_600_000;

describe('homework assignments /v1/homework', () => {
  let ctx: TestContext;
  let w: PlanWorld;
  let c: HomeworkCouple;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildHomeworkWorld(ctx, 'Homework Practice');
    c = await homeworkCouple(ctx, w);
  });
  afterAll(() => ctx?.close());

  const get = (actor: Actor, id: string) => http(ctx).get(`/v1/homework/${id}`).set(...bearer(actor));
  const patch = (actor: Actor, id: string, body: object) => http(ctx).patch(`/v1/homework/${id}`).set(...bearer(actor)).send(body);
  const action = (actor: Actor, id: string, what: string, body: object = {}) => http(ctx).post(`/v1/homework/${id}/${what}`).set(...bearer(actor)).send(body);
  const instancesOf = (id: string): Promise<Array<{ id: string; client_id: string; occurrence_key: string; due_at: Date; state: string; excuse_reason: string | null }>> =>
    ctx.db.query(`SELECT * FROM homework_instances WHERE assignment_id = $1 ORDER BY due_at, client_id`, [id]);

  describe('POST /v1/homework', () => {
    it('assigns ad-hoc one-off homework to both partners: one instance each, instructions encrypted, reminders planned', async () => {
      const dueAt = new Date(Date.now() + 72 * HOUR);
      const res = await assign(ctx, w.clinician, adHoc(c.planId, { dueAt: dueAt.toISOString(), reminderPolicy: { dueSoonMinutes: 90 } })).expect(201);
      expect(res.body).toMatchObject({
        planId: c.planId,
        stepKey: 'accountability',
        templateId: null,
        title: 'Weekly reflection',
        instructions: 'Write down, in your own words, one moment this week when you felt heard.',
        kind: 'journal',
        roleOverride: false,
        schedule: 'once',
        dueAt: dueAt.toISOString(),
        rrule: null,
        reminderPolicy: { promptAt: null, dueSoonMinutes: 90 },
        visibility: 'private',
        status: 'active',
        progress: { pending: 2, submitted: 0, missed: 0, excused: 0 },
        createdBy: w.clinician.id,
        version: 1,
      });
      expect(res.body.questions).toEqual(QUESTIONS.map((q) => ({ required: true, ...q })));
      expect(res.body.assignees).toEqual([
        { clientId: c.a.clientId, name: 'Alex Injured', recoveryRole: 'injured', timezone: 'America/New_York' },
        { clientId: c.b.clientId, name: 'Blair Involved', recoveryRole: 'involved', timezone: 'America/New_York' },
      ]);
      expect(res.body.instances).toEqual(
        expect.arrayContaining([c.a.clientId, c.b.clientId].map((clientId) => expect.objectContaining({ clientId, occurrenceKey: 'once', dueAt: dueAt.toISOString(), state: 'pending', submission: null }))),
      );
      const [row] = await ctx.db.query(`SELECT * FROM homework_assignments WHERE id = $1`, [res.body.id]);
      expect(row.instructions_ciphertext).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain('felt heard');

      for (const inst of res.body.instances) {
        const rows = await notificationsOf(ctx, inst.id);
        const prompt = rows.filter((n) => n.reason === 'homework_prompt');
        const soon = rows.filter((n) => n.reason === 'homework_due_soon');
        expect(prompt.length).toBeGreaterThan(0);
        expect(soon.length).toBeGreaterThan(0);
        expect(Math.abs(new Date(prompt[0].planned_for).getTime() - Date.now())).toBeLessThan(60_000); // announced at once
        expect(new Date(soon[0].planned_for).toISOString()).toBe(new Date(dueAt.getTime() - 90 * 60_000).toISOString());
      }
    });

    it('from a template: its content is copied, its audience picks the assignees, its cadence is the default rule', async () => {
      const letter = await libraryTemplate(ctx, 'accountability-letter'); // involved
      const res = await assign(ctx, w.clinician, { planId: c.planId, stepKey: 'accountability', templateId: letter, dueAt: new Date(Date.now() + 96 * HOUR).toISOString() }).expect(201);
      expect(res.body.assignees.map((a: { clientId: string }) => a.clientId)).toEqual([c.b.clientId]);
      expect(res.body).toMatchObject({ templateId: letter, kind: 'letter', title: expect.any(String), roleOverride: false });
      expect(res.body.instructions).toEqual(expect.any(String));

      const journal = await libraryTemplate(ctx, 'feelings-journal'); // each, FREQ=DAILY
      const daily = await assign(ctx, w.clinician, { planId: c.planId, stepKey: 'validation', templateId: journal, dueTime: '21:00', startsOn: '2026-01-01' }).expect(201);
      expect(daily.body).toMatchObject({ schedule: 'recurring', rrule: 'FREQ=DAILY', dueTime: '21:00', startsOn: '2026-01-01', endsOn: null });
      expect(daily.body.assignees).toHaveLength(2);
    });

    it('the role rule: an involved template to the injured partner is 422 audience_mismatch; roleOverride assigns it and records it', async () => {
      const letter = await libraryTemplate(ctx, 'accountability-letter');
      const body = { planId: c.planId, stepKey: 'accountability', templateId: letter, clientIds: [c.a.clientId], dueAt: new Date(Date.now() + 50 * HOUR).toISOString() };
      const before = await homeworkState(ctx, c.planId);
      const res = await assign(ctx, w.clinician, body).expect(422);
      expect(res.body.code).toBe('audience_mismatch');
      expect(res.body.message).toContain('involved partner');
      expect(await homeworkState(ctx, c.planId)).toEqual(before);

      const impact = await libraryTemplate(ctx, 'impact-letter'); // injured
      expect((await assign(ctx, w.clinician, { ...body, templateId: impact, clientIds: [c.b.clientId] }).expect(422)).body.code).toBe('audience_mismatch');

      const ok = await assign(ctx, w.clinician, { ...body, roleOverride: true }).expect(201);
      expect(ok.body).toMatchObject({ roleOverride: true, assignees: [expect.objectContaining({ clientId: c.a.clientId })] });
      // An override that overrides nothing is not recorded as one.
      const fits = await assign(ctx, w.clinician, { ...body, clientIds: [c.b.clientId], roleOverride: true }).expect(201);
      expect(fits.body.roleOverride).toBe(false);
    });

    it('a both template is a couple task for both partners; each goes to either on their own', async () => {
      const timeOut = await libraryTemplate(ctx, 'time-out-agreement'); // both
      const at = new Date(Date.now() + 30 * HOUR).toISOString();
      const one = await assign(ctx, w.clinician, { planId: c.planId, stepKey: 'accountability', templateId: timeOut, clientIds: [c.a.clientId], dueAt: at }).expect(422);
      expect(one.body.code).toBe('audience_mismatch');
      const both = await assign(ctx, w.clinician, { planId: c.planId, stepKey: 'accountability', templateId: timeOut, dueAt: at }).expect(201);
      expect(both.body.assignees).toHaveLength(2);
      expect(both.body.instances).toHaveLength(2);
      const solo = await assign(ctx, w.clinician, adHoc(c.planId, { audience: 'each', clientIds: [c.b.clientId] })).expect(201);
      expect(solo.body.instances.map((i: { clientId: string }) => i.clientId)).toEqual([c.b.clientId]);
    });

    it('visibility within the couple’s privacy policy: no_secrets shares (private 422), limited_secrets either, an individual plan private', async () => {
      const open = await homeworkCouple(ctx, w, { policy: 'no_secrets' });
      expect((await assigned(ctx, w.clinician, adHoc(open.planId))).visibility).toBe('shared');
      const refused = await assign(ctx, w.clinician, adHoc(open.planId, { visibility: 'private' })).expect(422);
      expect(refused.body.code).toBe('privacy_policy_no_secrets');

      expect((await assigned(ctx, w.clinician, adHoc(c.planId, { visibility: 'shared' }))).visibility).toBe('shared');
      expect((await assigned(ctx, w.clinician, adHoc(c.planId))).visibility).toBe('private');
      const timeOut = await libraryTemplate(ctx, 'time-out-agreement');
      expect((await assigned(ctx, w.clinician, { planId: c.planId, stepKey: 'accountability', templateId: timeOut, dueAt: new Date(Date.now() + 9 * HOUR).toISOString() })).visibility).toBe('shared');

      const solo = await individualClient(ctx, w);
      const stab = { stepKey: 'stabilization' };
      expect((await assigned(ctx, w.clinician, adHoc(solo.planId, stab))).visibility).toBe('private');
      expect((await assign(ctx, w.clinician, adHoc(solo.planId, { ...stab, visibility: 'shared' })).expect(422)).body.code).toBe('visibility_needs_couple_plan');
    });

    it('framework rules: the step must be active (422 step_not_active), the plan active (422 plan_not_active), conjoint work not paused', async () => {
      const before = await homeworkState(ctx, c.planId);
      const notActive = await assign(ctx, w.clinician, adHoc(c.planId, { stepKey: 'boundaries' })).expect(422);
      expect(notActive.body.code).toBe('step_not_active');
      expect((await assign(ctx, w.clinician, adHoc(c.planId, { stepKey: 'stabilization' })).expect(422)).body.code).toBe('step_not_active'); // completed
      expect((await assign(ctx, w.clinician, adHoc(c.planId, { stepKey: 'reconciliation' })).expect(400)).body.message).toContain('stepKey:');
      expect(await homeworkState(ctx, c.planId)).toEqual(before);

      for (const status of ['paused', 'closed', 'draft'] as const) {
        const other = await homeworkCouple(ctx, w);
        await ctx.db.query(
          `UPDATE treatment_plans SET status = $2::plan_status, outcome = CASE WHEN $2::text = 'closed' THEN 'separated'::plan_outcome END,
                  closed_at = CASE WHEN $2::text = 'closed' THEN now() END, closed_by = CASE WHEN $2::text = 'closed' THEN owner_id END WHERE id = $1`,
          [other.planId, status],
        );
        const res = await assign(ctx, w.clinician, adHoc(other.planId)).expect(422);
        expect(res.body.code).toBe('plan_not_active');
        expect(await homeworkState(ctx, other.planId)).toMatchObject({ assignments: [] });
      }

      const flagged = await homeworkCouple(ctx, w);
      await http(ctx).post(`/v1/clients/${flagged.a.clientId}/safety-flags`).set(...bearer(w.clinician)).send({ kind: 'intimate_partner_violence', severity: 'high' }).expect(201);
      expect((await assign(ctx, w.clinician, adHoc(flagged.planId)).expect(422)).body.code).toBe('conjoint_work_paused');
    });

    it('400 names the field: content and schedule shapes, rrule, dueAt in the past, promptAt after dueTime, strangers as assignees', async () => {
      const before = await homeworkState(ctx, c.planId);
      const cases: Array<[object, string]> = [
        [adHoc(c.planId, { templateId: randomUUID() }), 'title:'],
        [{ planId: c.planId, stepKey: 'accountability', dueAt: new Date(Date.now() + HOUR).toISOString() }, 'title:'],
        [adHoc(c.planId, { dueAt: undefined }), 'dueAt:'],
        [adHoc(c.planId, { rrule: 'FREQ=DAILY' }), 'rrule:'],
        [adHoc(c.planId, { dueAt: undefined, rrule: 'FREQ=MINUTELY', dueTime: '20:00', startsOn: '2027-01-01' }), 'rrule:'],
        [adHoc(c.planId, { dueAt: undefined, rrule: 'FREQ=DAILY', dueTime: '25:00', startsOn: '2027-02-30' }), 'dueTime:'],
        [adHoc(c.planId, { dueAt: undefined, rrule: 'FREQ=DAILY', dueTime: '20:00', startsOn: '2027-03-10', endsOn: '2027-03-01' }), 'endsOn:'],
        [adHoc(c.planId, { dueAt: undefined, rrule: 'FREQ=DAILY;COUNT=1', dueTime: '20:00', startsOn: '2020-03-10' }), 'rrule:'],
        [adHoc(c.planId, { dueAt: new Date(Date.now() - HOUR).toISOString() }), 'dueAt:'],
        [adHoc(c.planId, { dueAt: 'tomorrow' }), 'dueAt:'],
        [adHoc(c.planId, { dueAt: undefined, rrule: 'FREQ=DAILY', dueTime: '20:00', startsOn: '2027-03-10', reminderPolicy: { promptAt: '21:00' } }), 'reminderPolicy.promptAt:'],
        [adHoc(c.planId, { reminderPolicy: { dueSoonMinutes: 1 } }), 'reminderPolicy.dueSoonMinutes:'],
        [adHoc(c.planId, { clientIds: [randomUUID()] }), 'clientIds:'],
        [adHoc(c.planId, { clientIds: [c.a.clientId, c.a.clientId] }), 'clientIds:'],
        [adHoc(c.planId, { questions: [{ key: 'q1', kind: 'choice', prompt: 'x' }] }), 'questions.0.options:'],
        [adHoc(c.planId, { visibility: 'public' }), 'visibility:'],
        [adHoc(c.planId, { practiceId: w.other.practiceId }), 'practiceId:'],
        [adHoc('nope'), 'planId:'],
      ];
      for (const [body, fieldName] of cases) {
        const res = await assign(ctx, w.clinician, body);
        if (res.status !== 400 || !res.body.message.includes(fieldName)) throw new Error(`${fieldName}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      // A stranger to the plan: a client of another couple.
      const other = await homeworkCouple(ctx, w);
      expect((await assign(ctx, w.clinician, adHoc(c.planId, { clientIds: [other.a.clientId] })).expect(400)).body.message).toContain('clientIds:');
      expect(await homeworkState(ctx, c.planId)).toEqual(before);
    });

    it('an archived template is 409; another practice’s template is 404', async () => {
      const t = (
        await http(ctx)
          .post('/v1/homework-templates')
          .set(...bearer(w.clinician))
          .send({ title: 'Old one', instructions: 'x', kind: 'journal', audience: 'each', stepKey: 'accountability', defaultCadence: 'once', questions: [] })
          .expect(201)
      ).body;
      await http(ctx).post(`/v1/homework-templates/${t.id}/archive`).set(...bearer(w.clinician)).expect(200);
      const body = { planId: c.planId, stepKey: 'accountability', templateId: t.id, dueAt: new Date(Date.now() + 5 * HOUR).toISOString() };
      expect((await assign(ctx, w.clinician, body).expect(409)).body.code).toBe('template_archived');
      const theirs = (
        await http(ctx)
          .post('/v1/homework-templates')
          .set(...bearer(w.otherClinician))
          .send({ title: 'Theirs', instructions: 'x', kind: 'journal', audience: 'each', stepKey: 'accountability', defaultCadence: 'once', questions: [] })
          .expect(201)
      ).body;
      await assign(ctx, w.clinician, { ...body, templateId: theirs.id }).expect(404);
    });

    it('who: 401 anonymous, 404 another practice and an unassigned clinician, 403 admins and portal accounts; the colleague on the team may; nothing written', async () => {
      const before = await homeworkState(ctx, c.planId);
      await http(ctx).post('/v1/homework').send(adHoc(c.planId)).expect(401);
      for (const actor of [w.otherClinician, w.unassigned]) {
        const res = await assign(ctx, actor, adHoc(c.planId)).expect(404);
        expect(res.text).not.toContain(c.a.clientId);
      }
      for (const actor of [w.admin, w.other.admin, c.a.actor, c.b.actor]) await assign(ctx, actor, adHoc(c.planId)).expect(403);
      expect(await homeworkState(ctx, c.planId)).toEqual(before);
      // A clinician on the care team who does not own the plan is a clinician of the plan.
      await assign(ctx, w.colleague, adHoc(c.planId)).expect(201);
    });
  });

  describe('reads', () => {
    let mine: HomeworkCouple;
    let ids: string[];
    beforeAll(async () => {
      mine = await homeworkCouple(ctx, w);
      ids = [];
      for (let i = 0; i < 5; i++) ids.push((await assigned(ctx, w.clinician, adHoc(mine.planId, { title: `Task ${i}`, clientIds: [i % 2 ? mine.a.clientId : mine.b.clientId] }))).id);
    });

    it('GET /v1/homework lists the care team’s homework newest first, filtered and paged', async () => {
      const res = await http(ctx).get('/v1/homework').query({ planId: mine.planId }).set(...bearer(w.clinician)).expect(200);
      expect(res.body.data.map((a: { id: string }) => a.id)).toEqual([...ids].reverse());
      const pages: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { data: Array<{ id: string }>; nextCursor: string | null } } = await http(ctx)
          .get('/v1/homework')
          .query({ planId: mine.planId, limit: 2, ...(cursor ? { cursor } : {}) })
          .set(...bearer(w.colleague))
          .expect(200);
        pages.push(...page.body.data.map((a) => a.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(pages).toEqual([...ids].reverse());
      const forA = await http(ctx).get('/v1/homework').query({ planId: mine.planId, clientId: mine.a.clientId }).set(...bearer(w.clinician)).expect(200);
      expect(forA.body.data.map((a: { id: string }) => a.id)).toEqual([ids[3], ids[1]]);
      expect((await http(ctx).get('/v1/homework').query({ planId: mine.planId, status: 'paused' }).set(...bearer(w.clinician)).expect(200)).body.data).toEqual([]);
      expect((await http(ctx).get('/v1/homework').query({ planId: 'x', status: 'asleep' }).set(...bearer(w.clinician)).expect(400)).body.message).toMatch(/planId:.*status:/);
    });

    it('the list shows nobody else’s: an unassigned clinician, an admin off the team and another practice see none of it', async () => {
      for (const actor of [w.unassigned, w.admin, w.otherClinician, w.other.admin]) {
        const res = await http(ctx).get('/v1/homework').query({ planId: mine.planId }).set(...bearer(actor)).expect(200);
        expect(res.body.data).toEqual([]);
        expect(res.text).not.toContain('Task 0');
      }
      await http(ctx).get('/v1/homework').expect(401);
      await http(ctx).get('/v1/homework').set(...bearer(mine.a.actor)).expect(403);
    });

    it('GET /v1/homework/:id: the care team 200; the admin off the team 403; unassigned and another practice 404; portal 403', async () => {
      await get(w.clinician, ids[0]).expect(200);
      await get(w.colleague, ids[0]).expect(200);
      expect((await get(w.admin, ids[0]).expect(403)).body.code).toBe('not_on_care_team');
      for (const actor of [w.unassigned, w.otherClinician, w.other.admin]) await get(actor, ids[0]).expect(404);
      await get(w.clinician, randomUUID()).expect(404);
      await get(mine.a.actor, ids[0]).expect(403);
      await http(ctx).get(`/v1/homework/${ids[0]}`).expect(401);
    });

    it('an admin on the care team reads the answers', async () => {
      const team = await homeworkCouple(ctx, w);
      await ctx.db.query(`INSERT INTO care_team_members (practice_id, clinician_id, couple_id, added_by) VALUES ($1, $2, $3, $2)`, [w.practice.practiceId, w.admin.id, team.coupleId]);
      const hw = await assigned(ctx, w.clinician, adHoc(team.planId));
      await get(w.admin, hw.id).expect(200);
      // …but gives and changes none: that is a clinician's act.
      await patch(w.admin, hw.id, { version: 1, title: 'x' }).expect(403);
    });
  });

  describe('PATCH /v1/homework/:id', () => {
    it('moves a one-off’s due time: the pending instances follow and their reminders are re-planned', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId, { reminderPolicy: { dueSoonMinutes: 60 } }));
      const dueAt = new Date(Date.now() + 100 * HOUR);
      const res = await patch(w.clinician, hw.id, { version: 1, dueAt: dueAt.toISOString(), title: 'Reflection, take two' }).expect(200);
      expect(res.body).toMatchObject({ version: 2, title: 'Reflection, take two', dueAt: dueAt.toISOString() });
      expect(res.body.instances.map((i: { dueAt: string; id: string }) => i.dueAt)).toEqual([dueAt.toISOString(), dueAt.toISOString()]);
      expect(res.body.instances.map((i: { id: string }) => i.id).sort()).toEqual(hw.instances.map((i: { id: string }) => i.id).sort());
      const rows = await notificationsOf(ctx, hw.instances[0].id);
      const live = rows.filter((n) => n.reason === 'homework_due_soon' && n.state === 'pending');
      expect(live.map((n) => new Date(n.planned_for).toISOString())).toEqual(
        expect.arrayContaining([new Date(dueAt.getTime() - 60 * 60_000).toISOString()]),
      );
      expect(live.every((n) => new Date(n.planned_for).getTime() === dueAt.getTime() - 60 * 60_000)).toBe(true);
      expect(rows.some((n) => n.reason === 'homework_due_soon' && n.state === 'cancelled')).toBe(true);
    });

    it('edits a recurring schedule: future occurrences follow the new rule (ids kept where the occurrence stays)', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId, { dueAt: undefined, rrule: 'FREQ=DAILY', dueTime: '20:00', startsOn: '2026-01-01', clientIds: [c.a.clientId] }));
      const before = await instancesOf(hw.id);
      expect(before.length).toBeGreaterThanOrEqual(14);
      const res = await patch(w.clinician, hw.id, { version: 1, rrule: 'FREQ=WEEKLY;BYDAY=MO,TH' }).expect(200);
      const after = await instancesOf(hw.id);
      const weekdays = after.map((i) => new Date(`${i.occurrence_key.slice(0, 10)}T12:00:00Z`).getUTCDay());
      expect(new Set(weekdays)).toEqual(new Set([1, 4].filter((d) => weekdays.includes(d))));
      expect(after.length).toBeGreaterThan(0);
      expect(after.length).toBeLessThan(before.length);
      const kept = after.filter((i) => before.some((b) => b.id === i.id));
      expect(kept.length).toBe(after.length);
      expect(res.body.rrule).toBe('FREQ=WEEKLY;BYDAY=MO,TH');
      // The wrong kind of field for this homework names it.
      expect((await patch(w.clinician, hw.id, { version: 2, dueAt: new Date(Date.now() + HOUR).toISOString() }).expect(400)).body.message).toContain('dueAt:');
    });

    it('a stale version is 409 and changes nothing; a private → shared switch after answers exist is 409; the policy bounds it (422)', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId));
      await patch(w.clinician, hw.id, { version: 1, title: 'First' }).expect(200);
      const before = await homeworkState(ctx, c.planId);
      const stale = await patch(w.clinician, hw.id, { version: 1, title: 'Second' }).expect(409);
      expect(stale.body.code).toBe('version_conflict');
      expect(await homeworkState(ctx, c.planId)).toEqual(before);
      await patch(w.clinician, hw.id, { version: 2 }).expect(400);

      const [inst] = hw.instances;
      const who = inst.clientId === c.a.clientId ? c.a : c.b;
      await http(ctx)
        .post(`/v1/me/homework/${inst.id}/submission`)
        .set(...bearer(who.actor))
        .send({ answers: { q1: 'private words', q2: 3, q3: 'No' } })
        .expect(201);
      expect((await patch(w.clinician, hw.id, { version: 2, visibility: 'shared' }).expect(409)).body.code).toBe('visibility_locked');

      const open = await homeworkCouple(ctx, w, { policy: 'no_secrets' });
      const shared = await assigned(ctx, w.clinician, adHoc(open.planId));
      expect((await patch(w.clinician, shared.id, { version: 1, visibility: 'private' }).expect(422)).body.code).toBe('privacy_policy_no_secrets');
    });

    it('who: only a clinician of the plan; another practice and the unassigned clinician 404, the admin 403, nothing changed', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId));
      const before = await homeworkState(ctx, c.planId);
      await http(ctx).patch(`/v1/homework/${hw.id}`).send({ version: 1, title: 'x' }).expect(401);
      for (const actor of [w.otherClinician, w.unassigned]) await patch(actor, hw.id, { version: 1, title: 'x' }).expect(404);
      for (const actor of [w.admin, w.other.admin, c.a.actor]) await patch(actor, hw.id, { version: 1, title: 'x' }).expect(403);
      for (const what of ['pause', 'resume', 'cancel']) {
        for (const actor of [w.otherClinician, w.unassigned]) await action(actor, hw.id, what).expect(404);
        for (const actor of [w.admin, c.b.actor]) await action(actor, hw.id, what).expect(403);
      }
      expect(await homeworkState(ctx, c.planId)).toEqual(before);
    });
  });

  describe('pause, resume, cancel', () => {
    it('pause removes future occurrences and their reminders; resume brings them back from now; cancel excuses what is pending', async () => {
      const cp = await homeworkCouple(ctx, w);
      const hw = await assigned(ctx, w.clinician, adHoc(cp.planId, { dueAt: undefined, rrule: 'FREQ=DAILY', dueTime: '20:00', startsOn: '2026-01-01', clientIds: [cp.a.clientId] }));
      const first = await instancesOf(hw.id);
      expect(first.length).toBeGreaterThan(0);

      const paused = await action(w.clinician, hw.id, 'pause', { version: 1 }).expect(200);
      expect(paused.body).toMatchObject({ status: 'paused', materializedUntil: null, instances: [] });
      for (const i of first) expect((await notificationsOf(ctx, i.id)).filter((n) => n.state === 'pending')).toEqual([]);
      expect((await action(w.clinician, hw.id, 'pause').expect(409)).body.code).toBe('assignment_not_active');
      // Edits while paused are kept and apply on resume.
      await patch(w.clinician, hw.id, { version: 2, dueTime: '19:30' }).expect(200);

      const resumed = await action(w.clinician, hw.id, 'resume').expect(200);
      expect(resumed.body.status).toBe('active');
      const again = await instancesOf(hw.id);
      expect(again.length).toBe(first.length);
      expect(again.every((i) => i.occurrence_key.endsWith('T19:30'))).toBe(true);
      expect((await action(w.clinician, hw.id, 'resume').expect(409)).body.code).toBe('assignment_not_paused');

      const cancelled = await action(w.clinician, hw.id, 'cancel', { version: resumed.body.version }).expect(200);
      expect(cancelled.body.status).toBe('cancelled');
      expect(cancelled.body.instances).toEqual([]);
      expect((await action(w.clinician, hw.id, 'cancel').expect(409)).body.code).toBe('assignment_cancelled');
      expect((await patch(w.clinician, hw.id, { version: cancelled.body.version, title: 'x' }).expect(409)).body.code).toBe('assignment_cancelled');
    });

    it('cancel keeps answered and past-due instances: past pending ones are excused, submitted ones stay', async () => {
      const cp = await homeworkCouple(ctx, w);
      const hw = await assigned(ctx, w.clinician, adHoc(cp.planId));
      const [i1, i2] = hw.instances;
      const who = (i: { clientId: string }) => (i.clientId === cp.a.clientId ? cp.a : cp.b);
      await http(ctx).post(`/v1/me/homework/${i1.id}/submission`).set(...bearer(who(i1).actor)).send({ answers: { q1: 'done', q2: 5, q3: 'Yes' } }).expect(201);
      await ctx.db.query(`UPDATE homework_instances SET due_at = now() - interval '1 hour' WHERE id = $1`, [i2.id]);
      const res = await action(w.clinician, hw.id, 'cancel').expect(200);
      const states = Object.fromEntries(res.body.instances.map((i: { id: string; state: string }) => [i.id, i.state]));
      expect(states).toEqual({ [i1.id]: 'submitted', [i2.id]: 'excused' });
      expect(res.body.instances.find((i: { id: string }) => i.id === i2.id).excuseReason).toBe('Homework cancelled');
    });

    it('lifecycle calls need no body', async () => {
      const cp = await homeworkCouple(ctx, w);
      const hw = await assigned(ctx, w.clinician, adHoc(cp.planId));
      for (const what of ['pause', 'resume', 'cancel']) {
        const res = await http(ctx).post(`/v1/homework/${hw.id}/${what}`).set(...bearer(w.clinician));
        expect(res.status).toBe(200);
      }
      const other = await assigned(ctx, w.clinician, adHoc(cp.planId));
      const inst = other.instances[0];
      await http(ctx).post(`/v1/homework/instances/${inst.id}/excuse`).set(...bearer(w.clinician)).send({ reason: 'Ill this week' }).expect(200);
      await http(ctx).post(`/v1/homework/instances/${inst.id}/reopen`).set(...bearer(w.clinician)).expect(200);
    });

    it('resume is refused under a paused plan (422) and for a one-off whose due time passed while paused (409)', async () => {
      const cp = await homeworkCouple(ctx, w);
      const hw = await assigned(ctx, w.clinician, adHoc(cp.planId));
      await action(w.clinician, hw.id, 'pause').expect(200);
      await ctx.db.query(`UPDATE treatment_plans SET status = 'paused' WHERE id = $1`, [cp.planId]);
      expect((await action(w.clinician, hw.id, 'resume').expect(422)).body.code).toBe('plan_not_active');
      await ctx.db.query(`UPDATE treatment_plans SET status = 'active' WHERE id = $1`, [cp.planId]);
      await ctx.db.query(`UPDATE homework_assignments SET due_at = now() - interval '1 minute' WHERE id = $1`, [hw.id]);
      expect((await action(w.clinician, hw.id, 'resume').expect(409)).body.code).toBe('due_at_passed');
      const moved = await patch(w.clinician, hw.id, { version: 2, dueAt: new Date(Date.now() + 10 * HOUR).toISOString() }).expect(200);
      expect(moved.body.instances).toEqual([]);
      const resumed = await action(w.clinician, hw.id, 'resume').expect(200);
      expect(resumed.body.instances).toHaveLength(2);
    });
  });

  it('an individual plan: homework to its client only', async () => {
    const solo = await individualClient(ctx, w);
    const res = await assigned(ctx, w.clinician, adHoc(solo.planId, { stepKey: 'stabilization' }));
    expect(res.assignees).toEqual([expect.objectContaining({ clientId: solo.clientId, recoveryRole: null })]);
    const strayPlan = await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { clientId: c.a.clientId }, 'active', { stabilization: 'active' });
    expect((await assign(ctx, w.clinician, adHoc(strayPlan, { stepKey: 'stabilization', clientIds: [c.b.clientId] })).expect(400)).body.message).toContain('clientIds:');
  });
});
