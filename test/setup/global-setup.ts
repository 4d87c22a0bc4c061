import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { typeormOptions } from '../../src/database/typeorm-options';
import { RUN_ENV, TEMPLATE_ENV, urlFor, withAdmin } from './db';

/** Creates one migrated template database for this run; each test file clones it. */
export default async function globalSetup(): Promise<void> {
  const run = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const template = `kintsugi_test_${run}_tpl`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${template}`));
  const ds = new DataSource(typeormOptions(urlFor(template)));
  await ds.initialize();
  await ds.runMigrations({ transaction: 'each' });
  await ds.destroy();
  process.env[TEMPLATE_ENV] = template;
  process.env[RUN_ENV] = run;
}
