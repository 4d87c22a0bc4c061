import { FrameworkService } from '../../src/modules/framework/framework.service';
import { FRAMEWORK_STEP_KEYS } from '../../src/modules/framework/framework-keys';
import { FRAMEWORK_V1 } from '../../src/modules/framework/framework-v1.content';
import { libraryTemplateId } from '../../src/modules/framework/library-template-id';
import { Actor, bearer, createPractice, createStaff, http, PracticeWorld } from '../factories';
import { createPortalClient } from '../factories/portal';
import { startTestApp, TestContext } from '../setup/test-app';

interface TemplateBody {
  id: string;
  libraryKey: string;
  stepKey: string;
  title: string;
  instructions: string;
  kind: string;
  audience: string;
  defaultCadence: string;
  questions: Array<{ key: string; kind: string; prompt: string; options?: string[]; required: boolean }>;
}
interface FrameworkBody {
  version: number;
  title: string;
  publishedOn: string;
  isCurrent: boolean;
  steps: Array<Record<string, unknown> & { key: string; position: number; title: string }>;
  checkInMeasures: Array<Record<string, unknown> & { key: string }>;
  homeworkLibrary: Array<{ stepKey: string; templates: TemplateBody[] }>;
}

describe('framework: GET /v1/framework, /v1/framework/versions, /v1/framework/versions/:version', () => {
  let ctx: TestContext;
  let A: PracticeWorld;
  let B: PracticeWorld;
  let clinician: Actor;
  let portal: Actor;

  const get = (path: string, who?: { accessToken: string }) => {
    const req = http(ctx).get(path);
    return who ? req.set(...bearer(who)) : req;
  };

  beforeAll(async () => {
    ctx = await startTestApp();
    A = await createPractice(ctx, 'Harbour Practice');
    B = await createPractice(ctx, 'Other Practice');
    clinician = await createStaff(ctx, A, 'clinician');
    portal = (await createPortalClient(ctx, A.practiceId, clinician.id, 'Portal Partner')).actor;
  });
  afterAll(() => ctx?.close());

  describe('the current version (v1, loaded by the migration)', () => {
    let body: FrameworkBody;

    beforeAll(async () => {
      body = (await get('/v1/framework', clinician).expect(200)).body;
    });

    it('is version 1, current, with the nine steps in framework order and all their texts', () => {
      expect(body).toMatchObject({ version: 1, title: FRAMEWORK_V1.title, publishedOn: FRAMEWORK_V1.publishedOn, isCurrent: true });
      expect(body.steps.map((s) => s.key)).toEqual([...FRAMEWORK_STEP_KEYS]);
      expect(body.steps).toEqual(FRAMEWORK_V1.steps);
    });

    it('carries the default check-in measures, with scale ranges, the alerting measure and readiness from intimacy on', () => {
      expect(body.checkInMeasures).toEqual(
        FRAMEWORK_V1.measures.map((m) => ({
          ...m,
          min: m.kind === 'scale_0_10' ? 0 : m.kind === 'scale_1_5' ? 1 : null,
          max: m.kind === 'scale_0_10' ? 10 : m.kind === 'scale_1_5' ? 5 : null,
        })),
      );
      const byKey = Object.fromEntries(body.checkInMeasures.map((m) => [m.key, m]));
      expect(byKey.feels_unsafe).toMatchObject({ kind: 'boolean', alerts: true });
      expect(byKey.forgiveness_readiness).toMatchObject({ options: ['ready', 'not_yet'], askedFromStep: 'intimacy' });
      expect(byKey.safety).toMatchObject({ kind: 'scale_0_10', min: 0, max: 10 });
    });

    it('carries the whole starter library, grouped by step in step order, with stable ids', () => {
      expect(body.homeworkLibrary.map((g) => g.stepKey)).toEqual([...FRAMEWORK_STEP_KEYS]);
      for (const g of body.homeworkLibrary) {
        expect(g.templates.length).toBeGreaterThanOrEqual(2);
        expect(g.templates.every((t) => t.stepKey === g.stepKey)).toBe(true);
      }
      const served = body.homeworkLibrary.flatMap((g) => g.templates).sort((a, b) => a.libraryKey.localeCompare(b.libraryKey));
      const expected = FRAMEWORK_V1.library
        .map((t) => ({ id: libraryTemplateId(1, t.libraryKey), ...t }))
        .sort((a, b) => a.libraryKey.localeCompare(b.libraryKey));
      expect(served).toEqual(expected);
    });

    it('reads the same for an admin, a clinician, a client’s portal account and another practice', async () => {
      for (const who of [A.admin, portal, B.admin]) {
        expect((await get('/v1/framework', who).expect(200)).body).toEqual(body);
      }
    });

    it('is the same document as /v1/framework/versions/1', async () => {
      expect((await get('/v1/framework/versions/1', portal).expect(200)).body).toEqual(body);
    });

    it('never includes a practice’s own templates or a retired library template', async () => {
      await ctx.db.query(
        `INSERT INTO homework_templates (practice_id, framework_version, step_key, title, instructions, kind, audience, default_cadence, questions, created_by)
         VALUES ($1, 1, 'stabilization', 'Harbour breathing card', 'Practice-owned text', 'exercise', 'each', 'once', '[]', $2)`,
        [A.practiceId, clinician.id],
      );
      const retired = await ctx.db.query(
        `INSERT INTO homework_templates (practice_id, framework_version, library_key, step_key, title, instructions, kind, audience, default_cadence, questions, active)
         VALUES (NULL, 1, 'retired-sample', 'stabilization', 'Retired sample', 'No longer offered', 'journal', 'each', 'once', '[]', false) RETURNING id`,
      );
      const res = await get('/v1/framework', B.admin).expect(200);
      expect(res.text).not.toContain('Harbour breathing card');
      expect(res.text).not.toContain(A.practiceId);
      expect(res.text).not.toContain('retired-sample');
      expect(res.body).toEqual(body);
      await ctx.db.query('DELETE FROM homework_templates WHERE practice_id IS NOT NULL OR id = $1', [retired[0].id]);
    });
  });

  describe('who may read it', () => {
    it.each(['/v1/framework', '/v1/framework/versions', '/v1/framework/versions/1'])('%s answers 401 without a token or with a bad one', async (path) => {
      const none = await get(path).expect(401);
      expect(none.body).toMatchObject({ statusCode: 401, error: expect.any(String), message: expect.any(String) });
      await http(ctx).get(path).set('Authorization', 'Bearer not-a-token').expect(401);
    });
  });

  describe('versions', () => {
    it('lists the published versions', async () => {
      const res = await get('/v1/framework/versions', portal).expect(200);
      expect(res.body).toEqual({ data: [{ version: 1, title: FRAMEWORK_V1.title, publishedOn: FRAMEWORK_V1.publishedOn, isCurrent: true }] });
    });

    it.each(['2', '99', '0', '-1', 'abc', '1.5', '99999999999', '1e3'])('answers 404 for version %s', async (v) => {
      const res = await get(`/v1/framework/versions/${v}`, clinician).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: expect.any(String), message: expect.any(String) });
    });

    it('is documented in the OpenAPI description', async () => {
      const doc = (await http(ctx).get('/docs-json').expect(200)).body as {
        paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>>;
        components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      };
      const ref = (p: string) => doc.paths[p]?.get?.responses?.['200']?.content?.['application/json']?.schema?.$ref;
      expect(ref('/v1/framework')).toMatch(/FrameworkResponseDto$/);
      expect(ref('/v1/framework/versions/{version}')).toMatch(/FrameworkResponseDto$/);
      expect(ref('/v1/framework/versions')).toMatch(/FrameworkVersionListDto$/);
      expect(Object.keys(doc.components.schemas.FrameworkResponseDto.properties ?? {})).toEqual(
        expect.arrayContaining(['version', 'steps', 'checkInMeasures', 'homeworkLibrary']),
      );
      expect(Object.keys(doc.components.schemas.LibraryTemplateDto.properties ?? {})).toEqual(
        expect.arrayContaining(['libraryKey', 'audience', 'defaultCadence', 'questions']),
      );
    });
  });

  describe('FrameworkService (for plans, check-ins and homework)', () => {
    it('answers the current version, steps in order, step keys and measures', async () => {
      const svc = ctx.app.get(FrameworkService);
      expect(await svc.currentVersion()).toBe(1);
      expect((await svc.steps(1)).map((s) => s.key)).toEqual([...FRAMEWORK_STEP_KEYS]);
      expect(await svc.isStepKey(1, 'intimacy')).toBe(true);
      expect(await svc.isStepKey(1, 'reconciliation')).toBe(false);
      expect(await svc.isStepKey(7, 'intimacy')).toBe(false);
      expect(await svc.steps(7)).toEqual([]);
      expect((await svc.measures(1)).map((m) => m.key)).toEqual(FRAMEWORK_V1.measures.map((m) => m.key));
      expect(await svc.library(1)).toHaveLength(FRAMEWORK_V1.library.length);
    });

    it('works inside the caller’s transaction', async () => {
      const svc = ctx.app.get(FrameworkService);
      await ctx.db.transaction(async (m) => {
        expect(await svc.currentVersion(m)).toBe(1);
        expect(await svc.isStepKey(1, 'stabilization', m)).toBe(true);
      });
    });
  });

  // Last: it publishes version 2 in this file's own database.
  describe('when a new version is published', () => {
    let v1Before: FrameworkBody;

    beforeAll(async () => {
      v1Before = (await get('/v1/framework/versions/1', clinician).expect(200)).body;
      await ctx.db.transaction(async (m) => {
        await m.query('UPDATE framework_versions SET is_current = false WHERE version = 1');
        await m.query(`INSERT INTO framework_versions (version, title, is_current, published_on) VALUES (2, 'Stabilization to forgiveness, revised', true, '2027-03-01')`);
        await m.query(
          `INSERT INTO framework_steps (version, key, position, title, purpose, injured_focus, involved_focus, relationship_focus, signs_of_completion)
           SELECT 2, key, position, title || ' (v2)', purpose, injured_focus, involved_focus, relationship_focus, signs_of_completion
             FROM framework_steps WHERE version = 1`,
        );
        await m.query(
          `INSERT INTO framework_check_in_measures (version, key, position, label, kind, options, asked_from_step, alerts)
           SELECT 2, key, position, label, kind, options, asked_from_step, alerts FROM framework_check_in_measures WHERE version = 1 AND key <> 'free_text'`,
        );
        await m.query(
          `INSERT INTO homework_templates (practice_id, framework_version, library_key, step_key, title, instructions, kind, audience, default_cadence, questions)
           SELECT NULL, 2, library_key, step_key, title, instructions, kind, audience, default_cadence, questions
             FROM homework_templates WHERE framework_version = 1 AND practice_id IS NULL AND library_key IN ('grounding-log', 'support-list')`,
        );
      });
    });

    it('GET /v1/framework serves version 2', async () => {
      const res = await get('/v1/framework', portal).expect(200);
      const body = res.body as FrameworkBody;
      expect(body).toMatchObject({ version: 2, title: 'Stabilization to forgiveness, revised', publishedOn: '2027-03-01', isCurrent: true });
      expect(body.steps.map((s) => s.title)).toEqual(FRAMEWORK_V1.steps.map((s) => `${s.title} (v2)`));
      expect(body.checkInMeasures.map((m) => m.key)).not.toContain('free_text');
      expect(body.homeworkLibrary.find((g) => g.stepKey === 'stabilization')?.templates.map((t) => t.libraryKey)).toEqual(['grounding-log', 'support-list']);
      expect(body.homeworkLibrary.find((g) => g.stepKey === 'accountability')?.templates).toEqual([]);
      expect(await ctx.app.get(FrameworkService).currentVersion()).toBe(2);
    });

    it('lists both versions with is_current moved', async () => {
      const res = await get('/v1/framework/versions', clinician).expect(200);
      expect(res.body.data.map((v: { version: number; isCurrent: boolean }) => [v.version, v.isCurrent])).toEqual([
        [1, false],
        [2, true],
      ]);
    });

    it('still serves version 1 unchanged (only no longer current)', async () => {
      const res = await get('/v1/framework/versions/1', portal).expect(200);
      expect(res.body).toEqual({ ...v1Before, isCurrent: false });
    });

    it('keeps one current version at most (the database refuses a second)', async () => {
      await expect(ctx.db.query('UPDATE framework_versions SET is_current = true WHERE version = 1')).rejects.toThrow(/framework_versions_one_current/);
    });
  });
});
