import { randomUUID } from 'node:crypto';
import { OneTapService } from '../../src/modules/one-tap/one-tap.service';
import { Actor, bearer, http } from '../factories';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';
import {
  adHoc,
  assigned,
  buildHomeworkWorld,
  GOOD_ANSWERS,
  HomeworkCouple,
  homeworkCouple,
  homeworkState,
  individualClient,
  notificationsOf,
  PlanWorld,
  submit,
} from './homework.world';

const PRIVATE_WORDS = 'I still check his phone at night and hate myself for it';
const SHARED_WORDS = 'I felt heard when you put the phone down at dinner';

interface Instance {
  id: string;
  clientId: string;
}

describe('homework in the portal /v1/me/homework, instances and submissions', () => {
  let ctx: TestContext;
  let w: PlanWorld;
  let c: HomeworkCouple;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildHomeworkWorld(ctx, 'Portal Homework Practice');
    c = await homeworkCouple(ctx, w, { policy: 'limited_secrets' });
  });
  afterAll(() => ctx?.close());

  const mine = (actor: Actor, query: Record<string, string> = {}) => http(ctx).get('/v1/me/homework').query(query).set(...bearer(actor));
  const one = (actor: Actor, id: string) => http(ctx).get(`/v1/me/homework/${id}`).set(...bearer(actor));
  const staff = (actor: Actor, path: string, body: object = {}) => http(ctx).post(`/v1/homework/${path}`).set(...bearer(actor)).send(body);
  const instanceOf = (hw: { instances: Instance[] }, clientId: string) => hw.instances.find((i) => i.clientId === clientId)!;
  const submissionsOf = (instanceId: string) => ctx.db.query(`SELECT * FROM homework_submissions WHERE instance_id = $1 ORDER BY submitted_at`, [instanceId]);
  const pendingNotifications = async (instanceId: string) => (await notificationsOf(ctx, instanceId)).filter((n) => n.state === 'pending');

  describe('POST /v1/me/homework/:instanceId/submission', () => {
    it('records the answers, encrypted at rest and bound to the submission; cancels the instance’s pending reminders in the same transaction', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId, { reminderPolicy: { dueSoonMinutes: 60 } }));
      const inst = instanceOf(hw, c.a.clientId);
      expect((await pendingNotifications(inst.id)).length).toBeGreaterThan(0);
      const partnerInst = instanceOf(hw, c.b.clientId);
      const partnerPendingBefore = (await pendingNotifications(partnerInst.id)).length;

      const res = await submit(ctx, c.a.actor, inst.id, { ...GOOD_ANSWERS, q1: `  ${PRIVATE_WORDS}  ` }).expect(201);
      expect(res.body).toMatchObject({
        instanceId: inst.id,
        state: 'submitted',
        overdue: false,
        visibility: 'private',
        submission: { late: false, answers: { ...GOOD_ANSWERS, q1: PRIVATE_WORDS }, reviewComment: null },
        partner: null,
      });
      const [row] = await submissionsOf(inst.id);
      expect(row).toMatchObject({ client_id: c.a.clientId, late: false, superseded_at: null, practice_id: w.practice.practiceId });
      expect(row.answers_ciphertext).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain('phone');
      expect((await ctx.db.query(`SELECT state FROM homework_instances WHERE id = $1`, [inst.id]))[0].state).toBe('submitted');

      const rows = await notificationsOf(ctx, inst.id);
      expect(rows.filter((n) => n.state === 'pending')).toEqual([]);
      expect(rows.filter((n) => n.state === 'cancelled').every((n) => n.state_reason === 'homework_submitted')).toBe(true);
      // The partner's own reminders are untouched.
      expect((await pendingNotifications(partnerInst.id)).length).toBe(partnerPendingBefore);
    });

    it('an envelope moved to another submission does not decrypt', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId));
      const x = instanceOf(hw, c.a.clientId);
      const y = instanceOf(hw, c.b.clientId);
      await submit(ctx, c.a.actor, x.id, GOOD_ANSWERS).expect(201);
      await submit(ctx, c.b.actor, y.id, { ...GOOD_ANSWERS, q2: 1 }).expect(201);
      const [sx] = await submissionsOf(x.id);
      const [sy] = await submissionsOf(y.id);
      await ctx.db.query(`UPDATE homework_submissions SET answers_ciphertext = $1 WHERE id = $2`, [sx.answers_ciphertext, sy.id]);
      await http(ctx).get(`/v1/homework/instances/${y.id}`).set(...bearer(w.clinician)).expect(500);
      await ctx.db.query(`UPDATE homework_submissions SET answers_ciphertext = $1 WHERE id = $2`, [sy.answers_ciphertext, sy.id]);
      await http(ctx).get(`/v1/homework/instances/${y.id}`).set(...bearer(w.clinician)).expect(200);
    });

    it('validates against the questions, naming the field; nothing is written', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId));
      const inst = instanceOf(hw, c.a.clientId);
      const cases: Array<[unknown, string[]]> = [
        [{ q1: 'x', q3: 'Yes' }, ['answers.q2']],
        [{ ...GOOD_ANSWERS, q2: 11 }, ['answers.q2']],
        [{ ...GOOD_ANSWERS, q2: '7' }, ['answers.q2']],
        [{ ...GOOD_ANSWERS, q3: 'Maybe' }, ['answers.q3']],
        [{ ...GOOD_ANSWERS, q4: ['Walking', 'Shouting'] }, ['answers.q4']],
        [{ ...GOOD_ANSWERS, q1: '   ' }, ['answers.q1']],
        [{ ...GOOD_ANSWERS, q9: 'extra' }, ['answers.q9']],
        [{ q1: 'x', q2: -1, q3: 'x' }, ['answers.q2', 'answers.q3']],
      ];
      for (const [answers, fields] of cases) {
        const res = await submit(ctx, c.a.actor, inst.id, answers).expect(400);
        expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual(fields);
        for (const f of fields) expect(res.body.message).toContain(`${f}:`);
      }
      const shape = await http(ctx).post(`/v1/me/homework/${inst.id}/submission`).set(...bearer(c.a.actor)).send({ answers: 'all good' }).expect(400);
      expect(shape.body.message).toContain('answers:');
      expect((await http(ctx).post(`/v1/me/homework/${inst.id}/submission`).set(...bearer(c.a.actor)).send({ answers: GOOD_ANSWERS, late: false }).expect(400)).body.message).toContain('late:');
      expect(await submissionsOf(inst.id)).toEqual([]);
      // Optional questions may be left out.
      const { q4: _q4, ...required } = GOOD_ANSWERS;
      expect((await submit(ctx, c.a.actor, inst.id, required).expect(201)).body.submission.answers).toEqual(required);
    });

    it('late after the due time; one submission per instance (409)', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId));
      const inst = instanceOf(hw, c.a.clientId);
      await ctx.db.query(`UPDATE homework_instances SET due_at = now() - interval '2 hours' WHERE id = $1`, [inst.id]);
      const listed = await mine(c.a.actor).expect(200);
      expect(listed.body.overdue.map((i: { instanceId: string }) => i.instanceId)).toContain(inst.id);
      const res = await submit(ctx, c.a.actor, inst.id, GOOD_ANSWERS).expect(201);
      expect(res.body.submission.late).toBe(true);
      const again = await submit(ctx, c.a.actor, inst.id, { ...GOOD_ANSWERS, q2: 2 }).expect(409);
      expect(again.body.code).toBe('already_submitted');
      expect(await submissionsOf(inst.id)).toHaveLength(1);
    });

    it('two submissions at once: one 201, one 409, one row', async () => {
      for (let round = 0; round < 3; round++) {
        const hw = await assigned(ctx, w.clinician, adHoc(c.planId, { clientIds: [c.a.clientId] }));
        const inst = instanceOf(hw, c.a.clientId);
        const results = await Promise.all([submit(ctx, c.a.actor, inst.id, GOOD_ANSWERS), submit(ctx, c.a.actor, inst.id, { ...GOOD_ANSWERS, q2: 1 })]);
        expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
        expect(await submissionsOf(inst.id)).toHaveLength(1);
      }
    });

    it('reopen supersedes the answer so the client can answer again; the clinician sees both', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId));
      const inst = instanceOf(hw, c.a.clientId);
      await submit(ctx, c.a.actor, inst.id, GOOD_ANSWERS).expect(201);
      const reopened = await staff(w.clinician, `instances/${inst.id}/reopen`).expect(200);
      expect(reopened.body).toMatchObject({ id: inst.id, state: 'pending', submission: null, earlierSubmissions: [expect.objectContaining({ answers: GOOD_ANSWERS })] });
      expect(reopened.body.earlierSubmissions[0].supersededAt).toEqual(expect.any(String));
      // Its reminders are back while the due time is ahead.
      expect((await pendingNotifications(inst.id)).length).toBeGreaterThan(0);
      expect((await staff(w.clinician, `instances/${inst.id}/reopen`).expect(409)).body.code).toBe('instance_pending');

      const second = { ...GOOD_ANSWERS, q2: 9, q1: 'A fuller answer' };
      await submit(ctx, c.a.actor, inst.id, second).expect(201);
      const seen = await http(ctx).get(`/v1/homework/instances/${inst.id}`).set(...bearer(w.clinician)).expect(200);
      expect(seen.body.submission.answers).toEqual(second);
      expect(seen.body.earlierSubmissions.map((s: { answers: unknown }) => s.answers)).toEqual([GOOD_ANSWERS]);
      expect(await submissionsOf(inst.id)).toHaveLength(2);
      expect((await one(c.a.actor, inst.id).expect(200)).body.submission.answers).toEqual(second);
    });

    it('an excused instance takes no answer (409) and its reminders are cancelled; paused homework takes none either', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId));
      const inst = instanceOf(hw, c.a.clientId);
      expect((await pendingNotifications(inst.id)).length).toBeGreaterThan(0);
      const res = await staff(w.clinician, `instances/${inst.id}/excuse`, { reason: 'Away for a family funeral' }).expect(200);
      expect(res.body).toMatchObject({ state: 'excused', excuseReason: 'Away for a family funeral' });
      expect(await pendingNotifications(inst.id)).toEqual([]);
      expect((await notificationsOf(ctx, inst.id)).filter((n) => n.state === 'cancelled').every((n) => n.state_reason === 'homework_excused')).toBe(true);
      expect((await submit(ctx, c.a.actor, inst.id, GOOD_ANSWERS).expect(409)).body.code).toBe('instance_excused');
      expect((await staff(w.clinician, `instances/${inst.id}/excuse`, { reason: 'again' }).expect(409)).body.code).toBe('instance_excused');
      expect((await staff(w.clinician, `instances/${inst.id}/excuse`, {}).expect(400)).body.message).toContain('reason:');

      const paused = await assigned(ctx, w.clinician, adHoc(c.planId));
      const pInst = instanceOf(paused, c.b.clientId);
      await ctx.db.query(`UPDATE homework_instances SET due_at = now() - interval '1 minute' WHERE id = $1`, [pInst.id]); // overdue: kept on pause
      await staff(w.clinician, `${paused.id}/pause`).expect(200);
      expect((await submit(ctx, c.b.actor, pInst.id, GOOD_ANSWERS).expect(409)).body.code).toBe('assignment_paused');
      expect((await mine(c.b.actor).expect(200)).body.overdue.map((i: { instanceId: string }) => i.instanceId)).not.toContain(pInst.id);
    });

    it('who: only the assignee — the partner, another practice’s client and staff are refused, nothing written', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId));
      const inst = instanceOf(hw, c.a.clientId);
      const stranger = await createPortalClient(ctx, w.other.practiceId, w.other.admin.id, 'Elsewhere Person');
      const before = await homeworkState(ctx, c.planId);
      await http(ctx).post(`/v1/me/homework/${inst.id}/submission`).send({ answers: GOOD_ANSWERS }).expect(401);
      for (const actor of [c.b.actor, stranger.actor]) {
        await submit(ctx, actor, inst.id, GOOD_ANSWERS).expect(404);
        await one(actor, inst.id).expect(404);
      }
      for (const actor of [w.clinician, w.admin]) await submit(ctx, actor, inst.id, GOOD_ANSWERS).expect(403);
      await submit(ctx, c.a.actor, randomUUID(), GOOD_ANSWERS).expect(404);
      expect(await homeworkState(ctx, c.planId)).toEqual(before);
    });
  });

  describe('partner privacy (rule 6)', () => {
    it('private answers never reach the partner’s portal; shared ones do, answers only', async () => {
      const couple = await homeworkCouple(ctx, w, { policy: 'limited_secrets' });
      const privateHw = await assigned(ctx, w.clinician, adHoc(couple.planId, { title: 'Private journal', visibility: 'private' }));
      const sharedHw = await assigned(ctx, w.clinician, adHoc(couple.planId, { title: 'Shared reflection', visibility: 'shared' }));
      const individual = await homeworkCouple(ctx, w); // another couple: never visible to this one
      await assigned(ctx, w.clinician, adHoc(individual.planId, { visibility: 'shared' }));

      const aPrivate = instanceOf(privateHw, couple.a.clientId);
      const aShared = instanceOf(sharedHw, couple.a.clientId);
      const bShared = instanceOf(sharedHw, couple.b.clientId);
      await submit(ctx, couple.a.actor, aPrivate.id, { ...GOOD_ANSWERS, q1: PRIVATE_WORDS }).expect(201);
      await submit(ctx, couple.a.actor, aShared.id, { ...GOOD_ANSWERS, q1: SHARED_WORDS }).expect(201);
      const [sharedSubmission] = await submissionsOf(aShared.id);
      await staff(w.clinician, `submissions/${sharedSubmission.id}/review`, { comment: 'Thank you for writing this so openly' }).expect(200);

      // B's overview: A's shared answer, never the private one, never the review.
      const bView = await mine(couple.b.actor).expect(200);
      expect(bView.text).not.toContain(PRIVATE_WORDS);
      expect(bView.text).not.toContain('openly');
      expect(bView.text).not.toContain(aPrivate.id);
      expect(bView.body.sharedByPartner).toEqual([
        expect.objectContaining({ instanceId: aShared.id, title: 'Shared reflection', answers: { ...GOOD_ANSWERS, q1: SHARED_WORDS } }),
      ]);
      // B's own instance of the shared homework shows A's answer to the same occurrence.
      const bDetail = await one(couple.b.actor, bShared.id).expect(200);
      expect(bDetail.body.partner).toMatchObject({ instanceId: aShared.id, answers: { ...GOOD_ANSWERS, q1: SHARED_WORDS } });
      const bPrivate = instanceOf(privateHw, couple.b.clientId);
      const bPrivateDetail = await one(couple.b.actor, bPrivate.id).expect(200);
      expect(bPrivateDetail.body.partner).toBeNull();
      expect(bPrivateDetail.text).not.toContain(PRIVATE_WORDS);
      // And A's instances themselves are not B's to open.
      await one(couple.b.actor, aPrivate.id).expect(404);
      await one(couple.b.actor, aShared.id).expect(404);
      // A sees their own, with the review.
      const aDetail = await one(couple.a.actor, aShared.id).expect(200);
      expect(aDetail.body.submission.reviewComment).toBe('Thank you for writing this so openly');
      // Another couple's clients see nothing of it.
      for (const actor of [individual.a.actor, individual.b.actor]) {
        const other = await mine(actor).expect(200);
        expect(other.text).not.toContain(SHARED_WORDS);
        expect(other.text).not.toContain(PRIVATE_WORDS);
        expect(other.body.sharedByPartner).toEqual([]);
      }
    });

    it('a partner’s individual-plan homework never shows in the other’s portal', async () => {
      const couple = await homeworkCouple(ctx, w, { policy: 'limited_secrets' });
      const soloPlan = await ctx.db.query(
        `INSERT INTO treatment_plans (practice_id, client_id, owner_id, status, framework_version, activated_at, created_by, version)
         SELECT $1, $2, $3, 'active', version, now(), $3, 1 FROM framework_versions WHERE is_current RETURNING id`,
        [w.practice.practiceId, couple.a.clientId, w.clinician.id],
      );
      await ctx.db.query(`INSERT INTO plan_steps (plan_id, step_key, practice_id, position, state) VALUES ($1, 'stabilization', $2, 0, 'active')`, [
        soloPlan[0].id,
        w.practice.practiceId,
      ]);
      const hw = await assigned(ctx, w.clinician, adHoc(soloPlan[0].id, { stepKey: 'stabilization', title: 'Just for you' }));
      await submit(ctx, couple.a.actor, hw.instances[0].id, { ...GOOD_ANSWERS, q1: PRIVATE_WORDS }).expect(201);
      const b = await mine(couple.b.actor).expect(200);
      expect(b.text).not.toContain(PRIVATE_WORDS);
      expect(b.text).not.toContain('Just for you');
    });
  });

  describe('GET /v1/me/homework', () => {
    it('lists what is due (soonest first), overdue and done; own instances only; done is paged', async () => {
      const solo = await individualClient(ctx, w, 'Dana Lists');
      const due1 = await assigned(ctx, w.clinician, adHoc(solo.planId, { stepKey: 'stabilization', title: 'Later' }, 72));
      const due2 = await assigned(ctx, w.clinician, adHoc(solo.planId, { stepKey: 'stabilization', title: 'Sooner' }, 24));
      const late = await assigned(ctx, w.clinician, adHoc(solo.planId, { stepKey: 'stabilization', title: 'Overdue' }, 24));
      await ctx.db.query(`UPDATE homework_instances SET due_at = now() - interval '3 hours' WHERE id = $1`, [late.instances[0].id]);
      const done: string[] = [];
      for (let i = 0; i < 3; i++) {
        const hw = await assigned(ctx, w.clinician, adHoc(solo.planId, { stepKey: 'stabilization', title: `Done ${i}` }, 30 + i));
        await submit(ctx, solo.actor, hw.instances[0].id, GOOD_ANSWERS).expect(201);
        done.push(hw.instances[0].id);
      }
      const excused = await assigned(ctx, w.clinician, adHoc(solo.planId, { stepKey: 'stabilization', title: 'Excused' }, 40));
      await staff(w.clinician, `instances/${excused.instances[0].id}/excuse`, { reason: 'Not needed' }).expect(200);

      const res = await mine(solo.actor).expect(200);
      expect(res.body.due.map((i: { title: string }) => i.title)).toEqual(['Sooner', 'Later']);
      expect(res.body.overdue).toEqual([expect.objectContaining({ instanceId: late.instances[0].id, overdue: true, state: 'pending' })]);
      expect(res.body.done.map((i: { instanceId: string }) => i.instanceId)).toEqual([excused.instances[0].id, ...[...done].reverse()]);
      expect(res.body.sharedByPartner).toEqual([]);
      expect(res.body.due[0]).toEqual({
        instanceId: due2.instances[0].id,
        assignmentId: due2.id,
        title: 'Sooner',
        kind: 'journal',
        stepKey: 'stabilization',
        occurrenceKey: 'once',
        dueAt: due2.dueAt,
        state: 'pending',
        overdue: false,
        visibility: 'private',
        submission: null,
      });
      expect(due1.id).toBeDefined();

      const first = await mine(solo.actor, { limit: '2' }).expect(200);
      expect(first.body.done).toHaveLength(2);
      const rest = await mine(solo.actor, { limit: '2', cursor: first.body.nextCursor }).expect(200);
      expect([...first.body.done, ...rest.body.done].map((i: { instanceId: string }) => i.instanceId)).toEqual(res.body.done.map((i: { instanceId: string }) => i.instanceId));
      expect(rest.body.nextCursor).toBeNull();

      const detail = await one(solo.actor, due2.instances[0].id).expect(200);
      expect(detail.body).toMatchObject({ instructions: expect.stringContaining('felt heard'), questions: expect.any(Array), excuseReason: null, partner: null });
    });

    it('staff and anonymous callers are refused', async () => {
      await http(ctx).get('/v1/me/homework').expect(401);
      for (const actor of [w.clinician, w.admin]) await mine(actor).expect(403);
      await http(ctx).get(`/v1/me/homework/${randomUUID()}`).set(...bearer(w.clinician)).expect(403);
    });
  });

  describe('care team: instances and reviews', () => {
    it('review: encrypted, shown to the author; only a clinician of the plan; others 403/404, nothing changed', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId));
      const inst = instanceOf(hw, c.b.clientId);
      await submit(ctx, c.b.actor, inst.id, GOOD_ANSWERS).expect(201);
      const [s] = await submissionsOf(inst.id);
      const review = (actor: Actor, body: object = { comment: 'Good start; bring this to Thursday’s session' }) => staff(actor, `submissions/${s.id}/review`, body);
      const before = await homeworkState(ctx, c.planId);
      await http(ctx).post(`/v1/homework/submissions/${s.id}/review`).send({ comment: 'x' }).expect(401);
      for (const actor of [w.otherClinician, w.unassigned]) await review(actor).expect(404);
      for (const actor of [w.admin, w.other.admin, c.a.actor, c.b.actor]) await review(actor).expect(403);
      expect(await homeworkState(ctx, c.planId)).toEqual(before);
      await review(w.clinician, {}).expect(400);

      const res = await review(w.colleague).expect(200);
      expect(res.body.review).toEqual({ comment: 'Good start; bring this to Thursday’s session', reviewedBy: w.colleague.id, reviewedAt: expect.any(String) });
      const [row] = await submissionsOf(inst.id);
      expect(row.review_ciphertext).toMatch(/^v1\./);
      expect(JSON.stringify(row)).not.toContain('Thursday');
      expect((await one(c.b.actor, inst.id).expect(200)).body.submission.reviewComment).toBe('Good start; bring this to Thursday’s session');
    });

    it('GET /v1/homework/instances/:id, excuse and reopen: the care team; the admin off it 403 for answers; others 404', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId));
      const inst = instanceOf(hw, c.a.clientId);
      await submit(ctx, c.a.actor, inst.id, GOOD_ANSWERS).expect(201);
      const read = (actor: Actor) => http(ctx).get(`/v1/homework/instances/${inst.id}`).set(...bearer(actor));
      expect((await read(w.clinician).expect(200)).body.submission.answers).toEqual(GOOD_ANSWERS);
      const denied = await read(w.admin).expect(403);
      expect(denied.text).not.toContain('slept better');
      for (const actor of [w.unassigned, w.otherClinician, w.other.admin]) await read(actor).expect(404);
      for (const actor of [c.a.actor, c.b.actor]) await read(actor).expect(403);
      await http(ctx).get(`/v1/homework/instances/${inst.id}`).expect(401);

      const before = await homeworkState(ctx, c.planId);
      for (const path of [`instances/${inst.id}/excuse`, `instances/${inst.id}/reopen`]) {
        await http(ctx).post(`/v1/homework/${path}`).send({ reason: 'x' }).expect(401);
        for (const actor of [w.unassigned, w.otherClinician]) await staff(actor, path, { reason: 'x' }).expect(404);
        for (const actor of [w.admin, w.other.admin, c.a.actor]) await staff(actor, path, { reason: 'x' }).expect(403);
      }
      expect(await homeworkState(ctx, c.planId)).toEqual(before);
      expect((await staff(w.clinician, `instances/${inst.id}/excuse`, { reason: 'x' }).expect(409)).body.code).toBe('instance_submitted');
    });
  });

  describe('a one-tap link', () => {
    it('opens exactly one instance and answers it once, through the same rules', async () => {
      const hw = await assigned(ctx, w.clinician, adHoc(c.planId));
      const inst = instanceOf(hw, c.a.clientId);
      const link = await ctx.app.get(OneTapService).issue(ctx.db.manager, { practiceId: w.practice.practiceId, clientId: c.a.clientId, purpose: 'open_homework', subjectId: inst.id });
      const redeemed = await http(ctx).post('/v1/one-tap/redeem').send({ token: link.token }).expect(200);
      const grant: [string, string] = ['Authorization', `Bearer ${redeemed.body.grant.token}`];
      const view = await http(ctx).get('/v1/one-tap/homework').set(...grant).expect(200);
      expect(view.body).toMatchObject({ instanceId: inst.id, state: 'pending', questions: expect.any(Array) });
      const bad = await http(ctx).post('/v1/one-tap/homework/submission').set(...grant).send({ answers: { q1: 'x' } }).expect(400);
      expect(bad.body.message).toContain('answers.q2:');
      expect(await submissionsOf(inst.id)).toEqual([]);
      const ok = await http(ctx).post('/v1/one-tap/homework/submission').set(...grant).send({ answers: GOOD_ANSWERS }).expect(201);
      expect(ok.body).toMatchObject({ instanceId: inst.id, state: 'submitted' });
      expect(await pendingNotifications(inst.id)).toEqual([]);
      const [row] = await submissionsOf(inst.id);
      expect(row.client_id).toBe(c.a.clientId);
      expect((await ctx.db.query(`SELECT state_changed_by FROM homework_instances WHERE id = $1`, [inst.id]))[0].state_changed_by).toBeNull();
      await http(ctx).post('/v1/one-tap/homework/submission').set(...grant).send({ answers: GOOD_ANSWERS }).expect((r) => expect([401, 409, 410]).toContain(r.status));
      expect(await submissionsOf(inst.id)).toHaveLength(1);
    });
  });

});
