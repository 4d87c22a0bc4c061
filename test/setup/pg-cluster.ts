import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort, until } from './free-port';

const run = promisify(execFile);

/** The directory of initdb and pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/<v>/bin, else PATH. */
export function pgBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  return '';
}

/** True when this machine can run a throwaway cluster (initdb and pg_ctl found). */
export function canRunOwnPostgres(): boolean {
  const bin = pgBinDir();
  return bin !== '' && existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'));
}

/**
 * A PostgreSQL cluster of the test's own: initdb into a temporary directory, started with
 * pg_ctl on a free loopback port (trust auth, no fsync: it is thrown away), so a test can stop
 * and restart the server under a running worker. PostgreSQL refuses to run as root, so as root
 * the binaries run as the `postgres` user, which then owns the directory.
 */
export class OwnPostgres {
  port = 0;
  readonly dir: string;
  private readonly data: string;
  private readonly asUser: string | null;
  private started = false;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'kintsugi-pg-'));
    this.data = join(this.dir, 'data');
    this.asUser = process.getuid?.() === 0 ? 'postgres' : null;
    if (this.asUser) {
      const { uid, gid } = userIds(this.asUser);
      chownSync(this.dir, uid, gid);
    }
  }

  private exec(tool: string, args: string[]) {
    const bin = join(pgBinDir(), tool);
    return this.asUser ? run('runuser', ['-u', this.asUser, '--', bin, ...args]) : run(bin, args);
  }

  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async init(): Promise<void> {
    this.port = await freePort();
    await this.exec('initdb', ['-D', this.data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
    await this.start();
  }

  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      "-c listen_addresses='127.0.0.1'",
      // fsync off only matters if the machine itself crashes. synchronous_commit stays on: an
      // immediate stop would otherwise lose commits the worker was told had happened.
      '-c fsync=off',
      '-c full_page_writes=off',
      '-c max_connections=60',
      '-c shared_buffers=32MB',
    ].join(' ');
    await this.exec('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'server.log'), '-w', '-t', '30', '-o', options, 'start']);
    this.started = true;
    await until(() => this.ping(), `PostgreSQL on ${this.port}`, 15_000, 100);
  }

  /**
   * fast: connections are terminated and the server shuts down cleanly; immediate: like a crash
   * (recovery on the next start).
   */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.started) return;
    await this.exec('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '30', 'stop']);
    this.started = false;
  }

  async restart(mode: 'fast' | 'immediate' = 'fast', downMs = 0): Promise<void> {
    await this.stop(mode);
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.start();
  }

  async ping(): Promise<boolean> {
    const c = new Client({ connectionString: this.url(), connectionTimeoutMillis: 1000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  }

  async query<T = Record<string, unknown>>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const c = new Client({ connectionString: this.url(database) });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  /** Stops the server (immediately) and removes its directory. */
  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function userIds(name: string): { uid: number; gid: number } {
  // /etc/passwd: name:x:uid:gid:...
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no user ${name} to run PostgreSQL as (it refuses to run as root)`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}
