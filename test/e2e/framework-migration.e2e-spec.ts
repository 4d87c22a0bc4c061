import { FrameworkV11795305608815 as FrameworkV1 } from '../../migrations/1795305608815-FrameworkV1';
import { FRAMEWORK_V1 } from '../../src/modules/framework/framework-v1.content';
import { bearer, createPractice, createStaff, http } from '../factories';
import { insertClient } from '../factories/clinical';
import { startTestApp, TestContext } from '../setup/test-app';

/** The framework rows, without the timestamps the database fills in. */
const FRAMEWORK_ROWS = {
  versions: 'SELECT version, title, is_current, published_on::text FROM framework_versions ORDER BY version',
  steps: 'SELECT * FROM framework_steps ORDER BY version, position',
  measures: 'SELECT * FROM framework_check_in_measures ORDER BY version, position',
  templates: `SELECT id, practice_id, framework_version, library_key, step_key, title, instructions, kind, audience, default_cadence, questions, active, created_by
                FROM homework_templates ORDER BY framework_version, library_key NULLS LAST, id`,
};

describe('migration FrameworkV1 (data)', () => {
  let ctx: TestContext;
  const migration = new FrameworkV1();

  const snapshot = async () => {
    const out: Record<string, unknown[]> = {};
    for (const [name, sql] of Object.entries(FRAMEWORK_ROWS)) out[name] = await ctx.db.query(sql);
    return out;
  };
  /** Row counts of every other table: the migration must not touch them. */
  const otherTables = async () => {
    const tables: Array<{ name: string }> = await ctx.db.query(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
          AND table_name NOT IN ('framework_versions', 'framework_steps', 'framework_check_in_measures', 'homework_templates')
        ORDER BY table_name`,
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) counts[name] = (await ctx.db.query(`SELECT count(*)::int AS n FROM "${name}"`))[0].n;
    return counts;
  };
  const run = async (direction: 'up' | 'down') => {
    const qr = ctx.db.createQueryRunner();
    await qr.startTransaction();
    try {
      await migration[direction](qr);
      await qr.commitTransaction();
    } catch (e) {
      await qr.rollbackTransaction();
      throw e;
    } finally {
      await qr.release();
    }
  };

  beforeAll(async () => {
    ctx = await startTestApp();
  });
  afterAll(() => ctx?.close());

  it('loaded exactly the v1 content into the template database', async () => {
    const s = await snapshot();
    expect(s.versions).toEqual([{ version: 1, title: FRAMEWORK_V1.title, is_current: true, published_on: FRAMEWORK_V1.publishedOn }]);
    expect(s.steps).toHaveLength(9);
    expect(s.measures).toHaveLength(FRAMEWORK_V1.measures.length);
    expect(s.templates).toHaveLength(FRAMEWORK_V1.library.length);
  });

  it('goes down and up again on a database with data: removes only its rows, and puts back the very same ones', async () => {
    // Data of a practice, including a practice's own template (not the migration's to remove).
    const A = await createPractice(ctx, 'Migration Practice');
    const clinician = await createStaff(ctx, A, 'clinician');
    await insertClient(ctx, A.practiceId, clinician.id, { fullName: 'Some Client' });
    await ctx.db.query(
      `INSERT INTO homework_templates (practice_id, framework_version, step_key, title, instructions, kind, audience, default_cadence, questions, created_by)
       VALUES ($1, 1, 'stabilization', 'Our own card', 'Practice text', 'exercise', 'each', 'once', '[]', $2)`,
      [A.practiceId, clinician.id],
    );
    await ctx.flushAudit();
    const before = await snapshot();
    const othersBefore = await otherTables();

    await run('down');
    const down = await snapshot();
    expect(down).toMatchObject({ versions: [], steps: [], measures: [] });
    expect(down.templates).toEqual([expect.objectContaining({ practice_id: A.practiceId, title: 'Our own card' })]);

    await run('up');
    expect(await snapshot()).toEqual(before);
    expect(await otherTables()).toEqual(othersBefore);
  });

  it('without a current version, GET /v1/framework answers 404 (and serves again once it is back)', async () => {
    const A = await createPractice(ctx, 'Reader Practice');
    await run('down');
    try {
      const res = await http(ctx).get('/v1/framework').set(...bearer(A.admin)).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, message: expect.any(String) });
      await http(ctx).get('/v1/framework/versions').set(...bearer(A.admin)).expect(200, { data: [] });
    } finally {
      await run('up');
    }
    await http(ctx).get('/v1/framework').set(...bearer(A.admin)).expect(200);
  });

  it('refuses to go down while a treatment plan uses version 1, and changes nothing', async () => {
    const A = await createPractice(ctx, 'Plan Practice');
    const clinician = await createStaff(ctx, A, 'clinician');
    const clientId = await insertClient(ctx, A.practiceId, clinician.id);
    await ctx.db.query(
      `INSERT INTO treatment_plans (practice_id, client_id, owner_id, created_by, framework_version, version) VALUES ($1, $2, $3, $3, 1, 1)`,
      [A.practiceId, clientId, clinician.id],
    );
    const before = await snapshot();
    await expect(run('down')).rejects.toThrow(/used by 1 treatment plan/);
    expect(await snapshot()).toEqual(before);
  });
});
