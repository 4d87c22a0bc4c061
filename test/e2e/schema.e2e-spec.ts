import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { typeormOptions } from '../../src/database/typeorm-options';
import { RUN_ENV, urlFor, withAdmin } from '../setup/db';

/**
 * The migrations are the schema. Each check runs on a database of its own, created empty here
 * and dropped afterwards (named under this run, so global teardown removes it if a test crashes).
 */
describe('database schema', () => {
  const run = process.env[RUN_ENV];
  const database = `kintsugi_test_${run}_schema_${randomBytes(3).toString('hex')}`;
  let ds: DataSource;

  beforeAll(async () => {
    if (!run) throw new Error('integration tests need the jest global setup');
    await withAdmin((c) => c.query(`CREATE DATABASE ${database}`));
    ds = new DataSource(typeormOptions(urlFor(database)));
    await ds.initialize();
  });
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  });

  /** What the migrations own: tables, enum types, functions (not an extension's) and triggers in public. */
  async function objects(): Promise<{ tables: string[]; types: string[]; functions: string[]; triggers: string[] }> {
    const q = async (sql: string) => ((await ds.query(sql)) as Array<{ name: string }>).map((r) => r.name);
    return {
      tables: await q(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'typeorm_migrations' ORDER BY 1`),
      types: await q(`SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e' ORDER BY 1`),
      functions: await q(`SELECT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') ORDER BY 1`),
      triggers: await q(`SELECT tgname AS name FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`),
    };
  }

  /** The SQL TypeORM would run to make the database match the entities; empty when they agree. */
  async function drift(): Promise<string[]> {
    const sql = await ds.driver.createSchemaBuilder().log();
    return sql.upQueries.map((q) => q.query);
  }

  async function executed(): Promise<number> {
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM typeorm_migrations`);
    return n;
  }

  it('(a) runs every migration on an empty database', async () => {
    expect((await objects()).tables).toEqual([]);
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied.length).toBe(ds.migrations.length);
    expect(applied.length).toBeGreaterThan(0);
    expect(await ds.showMigrations()).toBe(false);
    const after = await objects();
    const expectedTables = ds.entityMetadatas.map((m) => m.tableName).sort();
    expect(after.tables).toEqual(expectedTables);
    expect(after.triggers).toEqual(expect.arrayContaining(['audit_events_no_truncate', 'audit_events_no_update_delete']));
  });

  it('(b) leaves nothing for the entities to add or change (entities and migrations agree)', async () => {
    const pending = await drift();
    if (pending.length > 0) {
      console.error(`Entities and migrations disagree; a migration is missing for:\n${pending.join(';\n')}`);
    }
    expect(pending).toEqual([]);
  });

  it('(c) reverts every migration cleanly, leaving no table, type, function or trigger behind', async () => {
    const total = await executed();
    expect(total).toBe(ds.migrations.length);
    for (let left = total; left > 0; left--) {
      await ds.undoLastMigration({ transaction: 'each' });
      expect(await executed()).toBe(left - 1);
    }
    expect(await objects()).toEqual({ tables: [], types: [], functions: [], triggers: [] });
  });

  it('(c) runs again after the revert, and still agrees with the entities', async () => {
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied.length).toBe(ds.migrations.length);
    expect(await drift()).toEqual([]);
    // The append-only trail is back in force.
    await ds.query(
      `INSERT INTO audit_events (action, resource_type, outcome, occurred_at) VALUES ('schema.check', 'schema', 'allowed', now())`,
    );
    await expect(ds.query(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
  });
});
