import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvSchema, loadConfig } from './env.schema';

const ROOT = join(__dirname, '..', '..');

/** Every variable the schema validates (each has at least one class-validator decorator). */
const SCHEMA_VARS = [
  ...new Set(getMetadataStorage().getTargetValidationMetadatas(EnvSchema, '', true, false).map((m) => m.propertyName)),
].sort();

/** KEY=value lines of a dotenv file, surrounding quotes removed. */
function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  return out;
}

describe('configuration documentation', () => {
  const example = parseDotenv(readFileSync(join(ROOT, '.env.example'), 'utf8'));

  it('finds the schema variables', () => {
    expect(SCHEMA_VARS).toEqual(expect.arrayContaining(['DATABASE_URL', 'SMTP_URL', 'WORKER_QUEUES']));
  });

  it('.env.example lists exactly the schema variables', () => {
    expect(Object.keys(example).sort()).toEqual(SCHEMA_VARS);
  });

  it('.env.example holds the development defaults, so a copied .env changes nothing', () => {
    expect({ ...loadConfig(example) }).toEqual({ ...loadConfig({}) });
  });

  it('the README configuration table names every variable', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const missing = SCHEMA_VARS.filter((v) => !readme.includes(`| \`${v}\` |`));
    expect(missing).toEqual([]);
  });
});
