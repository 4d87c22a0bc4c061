import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, until } from './free-port';

const ROOT = join(__dirname, '..', '..');
const live = new Set<ChildProcess>();

// A test process that dies (a crash, a timeout) does not leave workers behind.
process.once('exit', () => {
  for (const child of live) if (child.exitCode === null) child.kill('SIGKILL');
});

/**
 * The worker as a real child process (`node -r ts-node/register/transpile-only src/main.worker.ts`,
 * the way `npm run start:worker` runs it, from source), so a test can SIGKILL it mid-job.
 * Ready when its /health/ready answers 200 (PostgreSQL and Redis reachable, processors registered).
 */
export class WorkerProcess {
  readonly log: string[] = [];
  port = 0;
  private child: ChildProcess | null = null;

  /** `nodeArgs` go before the script (e.g. --cpu-prof, which NODE_OPTIONS does not accept). */
  constructor(
    private readonly env: Record<string, string>,
    private readonly nodeArgs: string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(readyTimeoutMs = 60_000): Promise<void> {
    this.port = await freePort();
    const child = spawn(process.execPath, [...this.nodeArgs, '-r', 'ts-node/register/transpile-only', 'src/main.worker.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        LOG_LEVEL: process.env.FAULT_WORKER_LOG_LEVEL ?? 'warn',
        TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
        ...this.env,
        WORKER_PORT: String(this.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    live.add(child);
    child.once('exit', () => live.delete(child));
    const keep = (b: Buffer) => {
      this.log.push(b.toString());
      if (this.log.length > 500) this.log.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited = false;
    const exit = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) => {
        exited = true;
        reject(new Error(`worker exited (${code ?? signal}) before it was ready: ${this.tail()}`));
      }),
    );
    exit.catch(() => undefined);
    await Promise.race([
      exit,
      until(
        async () => {
          if (exited) return true; // the race has already been lost to `exit`
          const res = await fetch(`http://127.0.0.1:${this.port}/health/ready`, { signal: AbortSignal.timeout(2000) });
          return res.status === 200;
        },
        'the worker to be ready',
        readyTimeoutMs,
        200,
      ),
    ]);
  }

  /** The worker's Prometheus text (its /metrics). */
  async metrics(): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.port}/metrics`, { signal: AbortSignal.timeout(5000) });
    return res.text();
  }

  /** SIGKILL: no shutdown hook runs; jobs in flight stay active in Redis and claims stay in PostgreSQL. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', 10_000);
  }

  /** SIGTERM (graceful shutdown), then SIGKILL if it is still there after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (!(await this.signal('SIGTERM', graceMs))) await this.signal('SIGKILL', 10_000);
  }

  private async signal(sig: NodeJS.Signals, waitMs: number): Promise<boolean> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return true;
    const exited = new Promise<boolean>((resolve) => {
      child.once('exit', () => resolve(true));
      setTimeout(() => resolve(false), waitMs).unref();
    });
    child.kill(sig);
    const gone = await exited;
    if (gone) this.child = null;
    return gone;
  }

  tail(chars = 3000): string {
    return this.log.join('').slice(-chars);
  }
}
