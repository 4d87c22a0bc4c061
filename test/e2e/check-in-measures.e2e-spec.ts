import { Actor, bearer, http } from '../factories';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildCareWorld, CareWorld, insertPlan, PortalCouple, portalCouple } from './check-ins.world';

const answers = (over: Record<string, unknown> = {}) => ({ trust: 6, safety: 7, connection: 5, mood: 3, ...over });
const SECRET = 'I keep rereading the messages from March when I cannot sleep';

describe('practice check-in measures /v1/practice/check-in-measures, /v1/me/check-in-form, extraAnswers', () => {
  let ctx: TestContext;
  let w: CareWorld;
  let couple: PortalCouple;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildCareWorld(ctx, 'Measures Practice');
    couple = await portalCouple(ctx, w);
  });
  afterAll(() => ctx?.close());

  const create = (actor: Actor, body: object) => http(ctx).post('/v1/practice/check-in-measures').set(...bearer(actor)).send(body);
  const patch = (actor: Actor, id: string, body: object) => http(ctx).patch(`/v1/practice/check-in-measures/${id}`).set(...bearer(actor)).send(body);
  const list = (actor: Actor) => http(ctx).get('/v1/practice/check-in-measures').set(...bearer(actor));
  const submit = (actor: Actor, body: object) => http(ctx).post('/v1/me/check-ins').set(...bearer(actor)).send(body);
  const form = (actor: Actor) => http(ctx).get('/v1/me/check-in-form').set(...bearer(actor));
  const fieldsOf = (body: { fields?: Array<{ field: string }> }) => (body.fields ?? []).map((f) => f.field);

  let sleep: string;
  let talked: string;
  let topic: string;
  let retired: string;

  describe('managing measures', () => {
    it('an admin creates measures of every kind; position defaults to last', async () => {
      const s = await create(w.admin, { key: 'sleep_quality', label: 'How well did you sleep?', kind: 'scale_1_5' }).expect(201);
      expect(s.body).toMatchObject({ key: 'sleep_quality', kind: 'scale_1_5', options: null, active: true, position: 0 });
      sleep = s.body.id;
      talked = (await create(w.admin, { key: 'talked_today', label: 'Did you talk for 20 minutes?', kind: 'boolean' }).expect(201)).body.id;
      const t = await create(w.admin, { key: 'topic', label: 'What was hardest?', kind: 'choice', options: [' trust ', 'intimacy', 'family'] }).expect(201);
      expect(t.body).toMatchObject({ options: ['trust', 'intimacy', 'family'], position: 2 });
      topic = t.body.id;
      await create(w.admin, { key: 'journal', label: 'Anything for your clinician?', kind: 'text', position: 9 }).expect(201);
      retired = (await create(w.admin, { key: 'craving', label: 'Craving', kind: 'scale_0_10' }).expect(201)).body.id;
    });

    it('clinicians and admins read the list, in order; a client is 403, nobody 401', async () => {
      for (const who of [w.admin, w.clinician, w.unassigned]) {
        const res = await list(who).expect(200);
        expect(res.body.data.map((m: { key: string }) => m.key)).toEqual(['sleep_quality', 'talked_today', 'topic', 'journal', 'craving']);
      }
      await list(couple.a.actor).expect(403);
      await http(ctx).get('/v1/practice/check-in-measures').expect(401);
    });

    it('another practice sees none of them and cannot edit them (404)', async () => {
      expect((await list(w.other.admin).expect(200)).body.data).toEqual([]);
      await patch(w.other.admin, sleep, { label: 'Hijacked' }).expect(404);
      expect((await list(w.admin)).body.data[0].label).toBe('How well did you sleep?');
    });

    it('a clinician may not write (403); anonymous 401', async () => {
      await create(w.clinician, { key: 'by_clinician', label: 'x', kind: 'boolean' }).expect(403);
      await patch(w.clinician, sleep, { label: 'x' }).expect(403);
      await http(ctx).post('/v1/practice/check-in-measures').send({ key: 'anon', label: 'x', kind: 'boolean' }).expect(401);
    });

    it('bad input is 400 naming the field', async () => {
      const cases: Array<[object, string]> = [
        [{ key: 'Bad Key', label: 'x', kind: 'boolean' }, 'key'],
        [{ key: 'ok_key', label: '  ', kind: 'boolean' }, 'label'],
        [{ key: 'ok_key', label: 'x', kind: 'slider' }, 'kind'],
        [{ key: 'ok_key', label: 'x', kind: 'choice' }, 'options'],
        [{ key: 'ok_key', label: 'x', kind: 'choice', options: ['only'] }, 'options'],
        [{ key: 'ok_key', label: 'x', kind: 'boolean', options: ['a', 'b'] }, 'options'],
        [{ key: 'ok_key', label: 'x', kind: 'boolean', position: -1 }, 'position'],
        [{ key: 'trust', label: 'Trust again', kind: 'scale_0_10' }, 'key'],
        [{ key: 'feels_unsafe', label: 'Unsafe', kind: 'boolean' }, 'key'],
      ];
      for (const [body, field] of cases) {
        const res = await create(w.admin, body).expect(400);
        expect(fieldsOf(res.body)).toContain(field);
      }
      const dup = await create(w.admin, { key: 'sleep_quality', label: 'Again', kind: 'boolean' }).expect(409);
      expect(dup.body.code).toBe('measure_key_taken');
    });

    it('PATCH edits label, options, active and position; key and kind are fixed', async () => {
      const res = await patch(w.admin, topic, { label: 'What was hardest today?', options: ['trust', 'intimacy', 'family', 'work'], position: 1 }).expect(200);
      expect(res.body).toMatchObject({ key: 'topic', kind: 'choice', label: 'What was hardest today?', options: ['trust', 'intimacy', 'family', 'work'], position: 1 });
      expect(fieldsOf((await patch(w.admin, topic, { key: 'renamed' }).expect(400)).body)).toContain('key');
      expect(fieldsOf((await patch(w.admin, topic, { kind: 'text' }).expect(400)).body)).toContain('kind');
      expect(fieldsOf((await patch(w.admin, sleep, { options: ['a', 'b'] }).expect(400)).body)).toContain('options');
      expect(fieldsOf((await patch(w.admin, sleep, { active: 'no' }).expect(400)).body)).toContain('active');
      await patch(w.admin, retired, { active: false }).expect(200);
      await http(ctx).patch('/v1/practice/check-in-measures/not-a-uuid').set(...bearer(w.admin)).send({ label: 'x' }).expect(404);
    });
  });

  describe('GET /v1/me/check-in-form', () => {
    const keys = (res: { body: { measures: Array<{ key: string }> } }) => res.body.measures.map((m) => m.key);

    it('the framework’s defaults without readiness, then the practice’s active measures', async () => {
      const res = await form(couple.a.actor).expect(200);
      expect(keys(res)).toEqual(['trust', 'safety', 'connection', 'mood', 'agreements_kept', 'free_text', 'feels_unsafe', 'sleep_quality', 'talked_today', 'topic', 'journal']);
      expect(res.body.measures.find((m: { key: string }) => m.key === 'feels_unsafe')).toMatchObject({ source: 'framework', alerts: true });
      expect(res.body.measures.find((m: { key: string }) => m.key === 'topic')).toEqual({
        source: 'practice', key: 'topic', label: 'What was hardest today?', kind: 'choice', options: ['trust', 'intimacy', 'family', 'work'], alerts: false,
      });
    });

    it('asks readiness for forgiveness once the intimacy step is active on the couple’s plan', async () => {
      const c = await portalCouple(ctx, w);
      expect(keys(await form(c.a.actor).expect(200))).not.toContain('forgiveness_readiness');
      await insertPlan(ctx, w.practice.practiceId, w.clinician.id, { coupleId: c.coupleId }, 'active', { stabilization: 'completed', intimacy: 'active' });
      expect(keys(await form(c.a.actor).expect(200))).toContain('forgiveness_readiness');
      expect(keys(await form(c.b.actor).expect(200))).toContain('forgiveness_readiness');
    });

    it('is for clients only; another practice’s client sees none of these measures', async () => {
      await form(w.clinician).expect(403);
      await http(ctx).get('/v1/me/check-in-form').expect(401);
    });
  });

  describe('extraAnswers on POST /v1/me/check-ins', () => {
    it('accepts answers to active measures, encrypts the text answer, and returns them to the author', async () => {
      const extra = { sleep_quality: 2, talked_today: true, topic: 'work', journal: `  ${SECRET}  ` };
      const res = await submit(couple.a.actor, answers({ extraAnswers: extra })).expect(201);
      expect(res.body.extraAnswers).toEqual({ sleep_quality: 2, talked_today: true, topic: 'work', journal: SECRET });
      const [row] = await ctx.db.query(`SELECT extra_answers FROM check_ins WHERE id = $1`, [res.body.id]);
      expect(row.extra_answers).toMatchObject({ sleep_quality: 2, talked_today: true, topic: 'work', journal: { enc: expect.stringMatching(/^v1\./) } });
      expect(JSON.stringify(row)).not.toContain('rereading');

      const mine = await http(ctx).get('/v1/me/check-ins').set(...bearer(couple.a.actor)).expect(200);
      expect(mine.body.data.find((c: { id: string }) => c.id === res.body.id).extraAnswers.journal).toBe(SECRET);
    });

    it('the care team reads them on GET /v1/check-ins; the partner never does', async () => {
      const staff = await http(ctx).get('/v1/check-ins').query({ coupleId: couple.coupleId, limit: 100 }).set(...bearer(w.clinician)).expect(200);
      const withExtra = staff.body.data.find((c: { clientId: string; extraAnswers: Record<string, unknown> }) => c.clientId === couple.a.clientId && c.extraAnswers.journal);
      expect(withExtra.extraAnswers).toEqual({ sleep_quality: 2, talked_today: true, topic: 'work', journal: SECRET });
      const partner = await http(ctx).get('/v1/me/check-ins').query({ limit: 100 }).set(...bearer(couple.b.actor)).expect(200);
      expect(JSON.stringify(partner.body)).not.toContain(SECRET);
      await http(ctx).get('/v1/check-ins').query({ coupleId: couple.coupleId }).set(...bearer(couple.b.actor)).expect(403);
      const admin = await http(ctx).get('/v1/check-ins').query({ coupleId: couple.coupleId }).set(...bearer(w.admin));
      expect(admin.status).toBe(403);
      expect(JSON.stringify(admin.body)).not.toContain(SECRET);
    });

    it('no extraAnswers, an empty object, a null or a blank text answer are simply no answers', async () => {
      expect((await submit(couple.b.actor, answers()).expect(201)).body.extraAnswers).toEqual({});
      expect((await submit(couple.b.actor, answers({ extraAnswers: {} })).expect(201)).body.extraAnswers).toEqual({});
      expect((await submit(couple.b.actor, answers({ extraAnswers: { journal: '   ', topic: null, sleep_quality: 5 } })).expect(201)).body.extraAnswers).toEqual({ sleep_quality: 5 });
    });

    it('refuses unknown, inactive and wrongly typed answers, naming extraAnswers.<key>, and records nothing', async () => {
      const count = async () => Number((await ctx.db.query(`SELECT count(*)::int AS n FROM check_ins WHERE client_id = $1`, [couple.b.clientId]))[0].n);
      const before = await count();
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ nonsense: 1 }, 'extraAnswers.nonsense'],
        [{ craving: 4 }, 'extraAnswers.craving'],
        [{ trust: 4 }, 'extraAnswers.trust'],
        [{ sleep_quality: 0 }, 'extraAnswers.sleep_quality'],
        [{ sleep_quality: 6 }, 'extraAnswers.sleep_quality'],
        [{ sleep_quality: 2.5 }, 'extraAnswers.sleep_quality'],
        [{ sleep_quality: '3' }, 'extraAnswers.sleep_quality'],
        [{ talked_today: 'yes' }, 'extraAnswers.talked_today'],
        [{ topic: 'money' }, 'extraAnswers.topic'],
        [{ journal: 42 }, 'extraAnswers.journal'],
        [{ journal: 'x'.repeat(4001) }, 'extraAnswers.journal'],
      ];
      for (const [extra, field] of cases) {
        const res = await submit(couple.b.actor, answers({ extraAnswers: extra })).expect(400);
        expect(fieldsOf(res.body)).toEqual([field]);
      }
      const both = await submit(couple.b.actor, answers({ extraAnswers: { nonsense: 1, topic: 'money', sleep_quality: 3 } })).expect(400);
      expect(fieldsOf(both.body).sort()).toEqual(['extraAnswers.nonsense', 'extraAnswers.topic']);
      expect(fieldsOf((await submit(couple.b.actor, answers({ extraAnswers: [1] })).expect(400)).body)).toEqual(['extraAnswers']);
      expect(fieldsOf((await submit(couple.b.actor, answers({ extraAnswers: 'x' })).expect(400)).body)).toEqual(['extraAnswers']);
      expect(await count()).toBe(before);
    });

    it('another practice’s measure keys are not accepted', async () => {
      await create(w.other.admin, { key: 'elsewhere_only', label: 'Elsewhere', kind: 'boolean' }).expect(201);
      const res = await submit(couple.a.actor, answers({ extraAnswers: { elsewhere_only: true } })).expect(400);
      expect(fieldsOf(res.body)).toEqual(['extraAnswers.elsewhere_only']);
      // And the other practice's form does not leak into this one.
      expect((await form(couple.a.actor)).body.measures.map((m: { key: string }) => m.key)).not.toContain('elsewhere_only');
    });

    it('a deactivated measure’s answers already given are still read back', async () => {
      const res = await submit(couple.a.actor, answers({ extraAnswers: { talked_today: false } })).expect(201);
      await patch(w.admin, talked, { active: false }).expect(200);
      const mine = await http(ctx).get('/v1/me/check-ins').query({ limit: 100 }).set(...bearer(couple.a.actor)).expect(200);
      expect(mine.body.data.find((c: { id: string }) => c.id === res.body.id).extraAnswers).toEqual({ talked_today: false });
      expect(fieldsOf((await submit(couple.a.actor, answers({ extraAnswers: { talked_today: true } })).expect(400)).body)).toEqual(['extraAnswers.talked_today']);
      await patch(w.admin, talked, { active: true }).expect(200);
    });
  });
});
