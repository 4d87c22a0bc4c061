import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { freePort, until } from './free-port';

/**
 * A redis-server of the test's own, on a free loopback port, without persistence: the test may
 * FLUSHALL it, kill it and start it again (an empty Redis on the same port, as after a restart
 * without a dump). The shared Redis on 6379 is never touched.
 */
export class OwnRedis {
  port = 0;
  private child: ChildProcess | null = null;
  private admin: Redis | null = null;
  /** Output of the server, kept for a failing test's message. */
  readonly log: string[] = [];

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--protected-mode', 'yes'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    const keep = (b: Buffer) => {
      this.log.push(b.toString());
      if (this.log.length > 200) this.log.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${this.log.join('').slice(-500)}`);
        const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        probe.on('error', () => undefined); // not up yet: connect() rejects, nothing to report
        try {
          await probe.connect();
          return (await probe.ping()) === 'PONG';
        } finally {
          probe.disconnect();
        }
      },
      `redis-server on ${this.port}`,
      10_000,
      50,
    );
  }

  /** One admin connection to this server (reconnects after a restart). */
  client(): Redis {
    if (!this.admin) this.admin = new Redis(this.url, { maxRetriesPerRequest: 5 });
    return this.admin;
  }

  async flushAll(): Promise<void> {
    await this.client().flushall();
  }

  async usedMemory(): Promise<number> {
    const info = await this.client().info('memory');
    const m = /^used_memory:(\d+)/m.exec(info);
    if (!m) throw new Error('INFO memory has no used_memory');
    return Number(m[1]);
  }

  /** SIGKILL: the data is gone (no persistence); clients see their connections drop. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Kill, then an empty server on the same port after `downMs`. */
  async restart(downMs = 0): Promise<void> {
    await this.kill();
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.start();
  }

  async stop(): Promise<void> {
    this.admin?.disconnect();
    this.admin = null;
    await this.kill();
  }
}
