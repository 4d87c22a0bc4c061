import { MigrationInterface, QueryRunner } from 'typeorm';
import { FRAMEWORK_V1 } from '../src/modules/framework/framework-v1.content';
import { libraryTemplateId } from '../src/modules/framework/library-template-id';

/**
 * Data migration: publishes version 1 of the stabilization-to-forgiveness framework (the steps,
 * the default check-in measures and the starter homework library) and makes it current.
 *
 * The content lives in src/modules/framework/framework-v1.content.ts, which is frozen (a
 * fingerprint test guards it), so this migration inserts the same rows on every database.
 * Library template ids are name-based UUIDs of (version, library key): deterministic too.
 */
export class FrameworkV11795305608815 implements MigrationInterface {
  name = 'FrameworkV11795305608815';

  public async up(q: QueryRunner): Promise<void> {
    const c = FRAMEWORK_V1;
    await q.query(`INSERT INTO framework_versions (version, title, is_current, published_on) VALUES ($1, $2, true, $3)`, [
      c.version,
      c.title,
      c.publishedOn,
    ]);
    for (const s of c.steps) {
      await q.query(
        `INSERT INTO framework_steps
           (version, key, position, title, purpose, injured_focus, involved_focus, relationship_focus, signs_of_completion)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [c.version, s.key, s.position, s.title, s.purpose, s.injuredFocus, s.involvedFocus, s.relationshipFocus, s.signsOfCompletion],
      );
    }
    for (const m of c.measures) {
      await q.query(
        `INSERT INTO framework_check_in_measures (version, key, position, label, kind, options, asked_from_step, alerts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [c.version, m.key, m.position, m.label, m.kind, m.options, m.askedFromStep, m.alerts],
      );
    }
    for (const t of c.library) {
      await q.query(
        `INSERT INTO homework_templates
           (id, practice_id, framework_version, library_key, step_key, title, instructions, kind, audience, default_cadence, questions, active, created_by)
         VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, true, NULL)`,
        [
          libraryTemplateId(c.version, t.libraryKey),
          c.version,
          t.libraryKey,
          t.stepKey,
          t.title,
          t.instructions,
          t.kind,
          t.audience,
          t.defaultCadence,
          JSON.stringify(t.questions),
        ],
      );
    }
  }

  /** Removes exactly the rows up() added; refuses while a treatment plan still uses version 1. */
  public async down(q: QueryRunner): Promise<void> {
    const c = FRAMEWORK_V1;
    const [{ n }]: Array<{ n: number }> = await q.query('SELECT count(*)::int AS n FROM treatment_plans WHERE framework_version = $1', [c.version]);
    if (n > 0) throw new Error(`framework version ${c.version} is used by ${n} treatment plan(s); it cannot be removed`);
    await q.query('DELETE FROM homework_templates WHERE practice_id IS NULL AND framework_version = $1 AND library_key = ANY($2)', [
      c.version,
      c.library.map((t) => t.libraryKey),
    ]);
    await q.query('DELETE FROM framework_check_in_measures WHERE version = $1 AND key = ANY($2)', [c.version, c.measures.map((m) => m.key)]);
    await q.query('DELETE FROM framework_steps WHERE version = $1 AND key = ANY($2)', [c.version, c.steps.map((s) => s.key)]);
    await q.query('DELETE FROM framework_versions WHERE version = $1', [c.version]);
  }
}
