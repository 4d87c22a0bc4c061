import { randomUUID } from 'node:crypto';
import { Actor, bearer, http } from '../factories';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';
import { buildHomeworkWorld, libraryTemplate, PlanWorld } from './homework.world';

const TEMPLATE = {
  title: 'Evening gratitude note',
  instructions: 'Before bed, write one thing your partner did today that you were glad of.',
  kind: 'journal',
  audience: 'each',
  stepKey: 'intimacy',
  defaultCadence: 'FREQ=DAILY',
  questions: [
    { key: 'thing', kind: 'text', prompt: 'What were you glad of?' },
    { key: 'closeness', kind: 'scale_0_10', prompt: 'How close did you feel?' },
    { key: 'told', kind: 'choice', prompt: 'Did you tell them?', options: ['Yes', 'Not yet'] },
    { key: 'how', kind: 'checklist', prompt: 'How did you show it?', options: ['Words', 'A note', 'A hug'], required: false },
  ],
};

describe('homework templates /v1/homework-templates', () => {
  let ctx: TestContext;
  let w: PlanWorld;
  let client: Actor;

  beforeAll(async () => {
    ctx = await startTestApp();
    w = await buildHomeworkWorld(ctx, 'Templates Practice');
    client = (await createPortalClient(ctx, w.practice.practiceId, w.admin.id, 'Portal Person')).actor;
  });
  afterAll(() => ctx?.close());

  const list = (actor: Actor, query: Record<string, string> = {}) => http(ctx).get('/v1/homework-templates').query(query).set(...bearer(actor));
  const create = (actor: Actor, body: object) => http(ctx).post('/v1/homework-templates').set(...bearer(actor)).send(body);
  const rowOf = async (id: string) => (await ctx.db.query(`SELECT * FROM homework_templates WHERE id = $1`, [id]))[0];
  const libraryCount = async () =>
    Number(
      (
        await ctx.db.query(
          `SELECT count(*) AS n FROM homework_templates t JOIN framework_versions v ON v.version = t.framework_version AND v.is_current WHERE t.practice_id IS NULL AND t.active`,
        )
      )[0].n,
    );

  it('a clinician or an admin adds a practice template; questions come back normalized', async () => {
    for (const actor of [w.clinician, w.admin]) {
      const res = await create(actor, TEMPLATE).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        source: 'practice',
        libraryKey: null,
        frameworkVersion: expect.any(Number),
        stepKey: 'intimacy',
        title: TEMPLATE.title,
        instructions: TEMPLATE.instructions,
        kind: 'journal',
        audience: 'each',
        defaultCadence: 'FREQ=DAILY',
        questions: [
          { key: 'thing', kind: 'text', prompt: 'What were you glad of?', required: true },
          { key: 'closeness', kind: 'scale_0_10', prompt: 'How close did you feel?', required: true },
          { key: 'told', kind: 'choice', prompt: 'Did you tell them?', options: ['Yes', 'Not yet'], required: true },
          { key: 'how', kind: 'checklist', prompt: 'How did you show it?', options: ['Words', 'A note', 'A hug'], required: false },
        ],
        active: true,
        createdBy: actor.id,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(await rowOf(res.body.id)).toMatchObject({ practice_id: w.practice.practiceId, library_key: null, created_by: actor.id });
    }
  });

  it('400 names each bad field: step, cadence, duplicate keys, options for choice/checklist, unknown fields', async () => {
    const before = await ctx.db.query(`SELECT count(*) FROM homework_templates`);
    const res = await create(w.clinician, {
      ...TEMPLATE,
      stepKey: 'reconciliation',
      defaultCadence: 'FREQ=HOURLY',
      questions: [
        { key: 'a', kind: 'text', prompt: 'x' },
        { key: 'a', kind: 'choice', prompt: 'y', options: ['only'] },
        { key: 'c', kind: 'checklist', prompt: 'z' },
        { key: 'd', kind: 'scale_0_10', prompt: 'w', options: ['1', '2'] },
      ],
    }).expect(400);
    expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual([
      'stepKey',
      'defaultCadence',
      'questions.1.key',
      'questions.1.options',
      'questions.2.options',
      'questions.3.options',
    ]);
    expect(res.body.message).toContain('questions.1.key: must be unique');
    const missing = await create(w.clinician, { title: 'x' }).expect(400);
    expect(missing.body.message).toMatch(/instructions:.*kind:.*audience:.*stepKey:.*defaultCadence:.*questions:/);
    const extra = await create(w.clinician, { ...TEMPLATE, practiceId: w.other.practiceId }).expect(400);
    expect(extra.body.message).toContain('practiceId: is not an accepted field');
    expect(await ctx.db.query(`SELECT count(*) FROM homework_templates`)).toEqual(before);
  });

  it('lists the current library and the practice’s own, never another practice’s; filters and pages', async () => {
    const mine = (await create(w.clinician, { ...TEMPLATE, title: 'Mine: the walk and talk', audience: 'both', kind: 'conversation', stepKey: 'consistency' }).expect(201)).body;
    const theirs = (await create(w.otherClinician, { ...TEMPLATE, title: 'Theirs: a secret template' }).expect(201)).body;

    const all = await list(w.clinician, { limit: '100' }).expect(200);
    const ids = all.body.data.map((t: { id: string }) => t.id);
    expect(ids).toContain(mine.id);
    expect(ids).not.toContain(theirs.id);
    expect(all.text).not.toContain('Theirs: a secret template');
    expect(all.body.data.filter((t: { source: string }) => t.source === 'library')).toHaveLength(await libraryCount());
    // Newest first: the practice's own before the library loaded by migration.
    expect(all.body.data[0].source).toBe('practice');

    const filtered = await list(w.admin, { stepKey: 'consistency', kind: 'conversation', audience: 'both', limit: '100' }).expect(200);
    expect(filtered.body.data.map((t: { title: string }) => t.title)).toEqual(['Mine: the walk and talk', 'Ten-minute daily check-in']);
    // q is literal text: a % or _ is not a wildcard.
    for (const literal of ['%', '_', 'walk or']) expect((await list(w.clinician, { q: literal, limit: '100' }).expect(200)).body.data).toEqual([]);
    const q2 = await list(w.clinician, { q: 'WALK and', limit: '100' }).expect(200);
    expect(q2.body.data.map((t: { id: string }) => t.id)).toEqual([mine.id]);
    const lib = await list(w.clinician, { source: 'library', limit: '100' }).expect(200);
    expect(lib.body.data.every((t: { source: string }) => t.source === 'library')).toBe(true);
    const own = await list(w.clinician, { source: 'practice', limit: '100' }).expect(200);
    expect(own.body.data.every((t: { source: string }) => t.source === 'practice')).toBe(true);

    // Paging: small pages walk the same list, without repeats.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: Array<{ id: string }>; nextCursor: string | null } } = await list(w.clinician, { limit: '7', ...(cursor ? { cursor } : {}) }).expect(200);
      seen.push(...page.body.data.map((t) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);

    const bad = await list(w.clinician, { kind: 'novel', audience: 'everyone', cursor: 'nope' }).expect(400);
    expect(bad.body.message).toMatch(/kind:.*audience:/);
    expect((await list(w.clinician, { cursor: 'nope' }).expect(400)).body.message).toContain('cursor:');
  });

  it('reads one: a library template or the practice’s own; another practice’s is 404', async () => {
    const libId = await libraryTemplate(ctx, 'accountability-letter');
    const lib = await http(ctx).get(`/v1/homework-templates/${libId}`).set(...bearer(w.clinician)).expect(200);
    expect(lib.body).toMatchObject({ id: libId, source: 'library', libraryKey: 'accountability-letter', audience: 'involved', stepKey: 'accountability' });
    const theirs = (await create(w.otherClinician, TEMPLATE).expect(201)).body;
    for (const id of [theirs.id, randomUUID(), 'not-a-uuid']) {
      await http(ctx).get(`/v1/homework-templates/${id}`).set(...bearer(w.clinician)).expect(404);
    }
    await http(ctx).get(`/v1/homework-templates/${theirs.id}`).set(...bearer(w.other.admin)).expect(200);
  });

  it('edits a practice template; the library is read-only (403) and another practice’s is 404, both unchanged', async () => {
    const t = (await create(w.clinician, TEMPLATE).expect(201)).body;
    const res = await http(ctx)
      .patch(`/v1/homework-templates/${t.id}`)
      .set(...bearer(w.admin))
      .send({ title: 'Evening gratitude', questions: [{ key: 'thing', kind: 'text', prompt: 'One thing' }] })
      .expect(200);
    expect(res.body).toMatchObject({ title: 'Evening gratitude', questions: [{ key: 'thing', kind: 'text', prompt: 'One thing', required: true }], audience: 'each' });

    const bad = await http(ctx).patch(`/v1/homework-templates/${t.id}`).set(...bearer(w.clinician)).send({ defaultCadence: 'sometimes' }).expect(400);
    expect(bad.body.message).toContain('defaultCadence:');
    await http(ctx).patch(`/v1/homework-templates/${t.id}`).set(...bearer(w.clinician)).send({}).expect(400);

    const libId = await libraryTemplate(ctx, 'grounding-log');
    const libBefore = await rowOf(libId);
    for (const req of [
      http(ctx).patch(`/v1/homework-templates/${libId}`).set(...bearer(w.clinician)).send({ title: 'Hijacked' }),
      http(ctx).post(`/v1/homework-templates/${libId}/archive`).set(...bearer(w.admin)),
    ]) {
      const denied = await req.expect(403);
      expect(denied.body.code).toBe('library_template_read_only');
    }
    expect(await rowOf(libId)).toEqual(libBefore);

    const tBefore = await rowOf(t.id);
    await http(ctx).patch(`/v1/homework-templates/${t.id}`).set(...bearer(w.otherClinician)).send({ title: 'Hijacked' }).expect(404);
    await http(ctx).post(`/v1/homework-templates/${t.id}/archive`).set(...bearer(w.other.admin)).expect(404);
    expect(await rowOf(t.id)).toEqual(tBefore);
  });

  it('archives: gone from the list (unless asked), a second archive or an edit is 409', async () => {
    const t = (await create(w.clinician, { ...TEMPLATE, title: 'Soon archived' }).expect(201)).body;
    const res = await http(ctx).post(`/v1/homework-templates/${t.id}/archive`).set(...bearer(w.clinician)).expect(200);
    expect(res.body.active).toBe(false);
    const ids = (await list(w.clinician, { limit: '100' }).expect(200)).body.data.map((x: { id: string }) => x.id);
    expect(ids).not.toContain(t.id);
    const withArchived = (await list(w.clinician, { limit: '100', includeArchived: 'true' }).expect(200)).body.data.map((x: { id: string }) => x.id);
    expect(withArchived).toContain(t.id);
    expect((await http(ctx).post(`/v1/homework-templates/${t.id}/archive`).set(...bearer(w.clinician)).expect(409)).body.code).toBe('template_archived');
    expect((await http(ctx).patch(`/v1/homework-templates/${t.id}`).set(...bearer(w.clinician)).send({ title: 'x' }).expect(409)).body.code).toBe('template_archived');
  });

  it('401 anonymous and 403 for portal accounts on every route, nothing written', async () => {
    const t = (await create(w.clinician, TEMPLATE).expect(201)).body;
    const before = await rowOf(t.id);
    const calls = [
      () => http(ctx).get('/v1/homework-templates'),
      () => http(ctx).get(`/v1/homework-templates/${t.id}`),
      () => http(ctx).post('/v1/homework-templates').send(TEMPLATE),
      () => http(ctx).patch(`/v1/homework-templates/${t.id}`).send({ title: 'x' }),
      () => http(ctx).post(`/v1/homework-templates/${t.id}/archive`),
    ];
    for (const call of calls) {
      await call().expect(401);
      await call().set(...bearer(client)).expect(403);
    }
    expect(await rowOf(t.id)).toEqual(before);
  });
});
