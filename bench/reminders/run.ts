/**
 * The reminder engine's benchmark (not a test): `npm run bench`.
 *
 * Against a database and a redis-server of its own, with the worker as a child process:
 *   burst   N in-app reminders due at the same instant: time from due to all delivered, delivered/s
 *   stream  reminders planned live, due at a steady R/s for S seconds: lateness p50/p99/max
 *   check   lost and duplicates: planned rows vs sent rows vs ledger vs the worker's own count
 *   memory  Redis bytes per pending reminder (delayed jobs in the near-term window), and for
 *           reminders beyond the window (they stay in PostgreSQL)
 *   redis   the same redis-server's raw figure (redis-benchmark, or an ioredis pipeline)
 * Sizes: BENCH_BURST (10000), BENCH_RATE (500), BENCH_SECONDS (30), BENCH_LEAD_MS (2000: how far
 * ahead the stream plans each reminder), BENCH_MEMORY (10000), BENCH_RECIPIENTS (1000).
 * REMINDER_* variables reach the worker (e.g. REMINDER_DELIVERY_CONCURRENCY=20). BENCH_ONLY=burst
 * (or stream, memory, comma-separated) runs only those.
 */
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { EnvSchema } from '../../src/config/env.schema';
import type { PlannedReminder } from '../../src/modules/reminders/reminder.contracts';
import { BenchWorld } from './world';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const num = (name: string, fallback: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

const BURST = num('BENCH_BURST', 10_000);
const RATE = num('BENCH_RATE', 500);
const SECONDS = num('BENCH_SECONDS', 30);
const LEAD_MS = num('BENCH_LEAD_MS', 2000);
const MEMORY_N = num('BENCH_MEMORY', 10_000);
const RECIPIENTS = num('BENCH_RECIPIENTS', 1000);
/** Time the burst is planned ahead of its due instant (planning and the sweep must be done by then). */
const BURST_LEAD_MS = num('BENCH_BURST_LEAD_MS', 20_000);

const ONLY = new Set((process.env.BENCH_ONLY ?? 'burst,stream,memory').split(',').map((x) => x.trim()));

const TARGET = { burstSeconds: 10, p99Ms: 250 };

interface Lateness {
  n: number;
  /** Negative when delivered before its time (the deliver processor accepts a job up to 1 s early). */
  min: number;
  p50: number;
  p99: number;
  max: number;
  firstMs: number;
  lastMs: number;
}

const log = (msg: string) => console.log(`  · ${msg}`);

/** Sent rows of one run (by occurrence-key tag): lateness in ms, and first/last delivery relative to `origin`. */
async function lateness(w: BenchWorld, tag: string, origin: number): Promise<Lateness> {
  const [r]: Array<{ n: number; min: number; p50: number; p99: number; max: number; first: Date; last: Date }> = await w.db.query(
    `SELECT count(*)::int AS n, min(ms) AS min,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99,
            max(ms) AS max, min(sent_at) AS first, max(sent_at) AS last
       FROM (SELECT sent_at, extract(epoch FROM sent_at - scheduled_for) * 1000 AS ms
               FROM notifications WHERE occurrence_key LIKE $1 AND state = 'sent') t`,
    [`${tag}-%`],
  );
  return {
    n: r.n,
    min: Number(r.min),
    p50: Number(r.p50),
    p99: Number(r.p99),
    max: Number(r.max),
    firstMs: new Date(r.first).getTime() - origin,
    lastMs: new Date(r.last).getTime() - origin,
  };
}

async function counts(w: BenchWorld, tag: string): Promise<{ planned: number; sent: number; queued: number; other: number }> {
  const [r]: Array<{ planned: number; sent: number; queued: number; other: number }> = await w.db.query(
    `SELECT count(*)::int AS planned, count(*) FILTER (WHERE state = 'sent')::int AS sent,
            count(*) FILTER (WHERE enqueued_at IS NOT NULL OR state = 'sent')::int AS queued,
            count(*) FILTER (WHERE state NOT IN ('sent', 'pending'))::int AS other
       FROM notifications WHERE occurrence_key LIKE $1`,
    [`${tag}-%`],
  );
  return r;
}

async function waitUntil(what: string, deadlineMs: number, probe: () => Promise<boolean>): Promise<boolean> {
  while (Date.now() < deadlineMs) {
    if (await probe()) return true;
    await sleep(100);
  }
  log(`gave up waiting for ${what}`);
  return false;
}

/** (i) N reminders due at one instant, planned ahead as features do. */
async function burst(w: BenchWorld) {
  const tag = 'burst';
  const due = Date.now() + BURST_LEAD_MS;
  const reminders: PlannedReminder[] = Array.from({ length: BURST }, (_, k) => w.reminder(tag, k, new Date(due)));
  const t0 = Date.now();
  await w.plan(reminders);
  log(`burst: planned ${BURST} in ${Date.now() - t0} ms, due in ${due - Date.now()} ms`);
  await waitUntil('the burst to be queued', due + 60_000, async () => (await counts(w, tag)).queued === BURST);
  log(`burst: all ${BURST} in Redis as delayed jobs ${due - Date.now()} ms before due`);
  await waitUntil('the burst to be delivered', due + 120_000, async () => (await counts(w, tag)).sent === BURST);
  const l = await lateness(w, tag, due);
  const c = await counts(w, tag);
  log(`burst: ${c.sent}/${BURST} sent, the last ${l.lastMs} ms after due`);
  return { tag, lateness: l, counts: c, allWithinMs: l.lastMs, perSecond: c.sent / Math.max(0.001, (l.lastMs - Math.min(0, l.firstMs)) / 1000) };
}

/** (ii) A steady stream: every 100 ms the planner plans the next reminders, each due LEAD_MS later, evenly spaced at RATE/s. */
async function stream(w: BenchWorld) {
  const tag = 'stream';
  const total = Math.round(RATE * SECONDS);
  const start = Date.now() + 500;
  const gap = 1000 / RATE;
  let k = 0;
  let behind = 0;
  for (let tick = 0; k < total; tick++) {
    const tickStart = start + tick * 100;
    const wait = tickStart - Date.now();
    if (wait > 0) await sleep(wait);
    else behind = Math.max(behind, -wait);
    const batch: PlannedReminder[] = [];
    // Everything due before the end of the next tick + LEAD_MS.
    while (k < total && start + LEAD_MS + k * gap < tickStart + 100 + LEAD_MS) {
      batch.push(w.reminder(tag, k, new Date(start + LEAD_MS + k * gap)));
      k++;
    }
    if (batch.length) await w.plan(batch);
  }
  log(`stream: planned ${total} at ${RATE}/s over ${SECONDS} s (planner at most ${behind} ms behind its ticks)`);
  const end = start + LEAD_MS + total * gap;
  await waitUntil('the stream to be delivered', end + 120_000, async () => (await counts(w, tag)).sent === total);
  const l = await lateness(w, tag, start + LEAD_MS);
  const c = await counts(w, tag);
  log(`stream: ${c.sent}/${total} sent`);
  return { tag, lateness: l, counts: c, total };
}

/** (iii) Lost and duplicates over both runs: planned rows, sent rows, ledger rows, and the worker's own count of sends. */
async function check(w: BenchWorld, tags: string[]) {
  const like = tags.map((t) => `${t}-%`);
  const [r]: Array<{ planned: number; sent: number; ledger: number; ledgerDelivered: number; attemptsOver1: number }> = await w.db.query(
    `SELECT count(*)::int AS planned, count(*) FILTER (WHERE n.state = 'sent')::int AS sent,
            count(d.notification_id)::int AS ledger, count(d.delivered_at)::int AS "ledgerDelivered",
            count(*) FILTER (WHERE n.attempts > 1)::int AS "attemptsOver1"
       FROM notifications n LEFT JOIN notification_deliveries d ON d.notification_id = n.id
      WHERE n.occurrence_key LIKE ANY($1::text[])`,
    [like],
  );
  const metrics = await w.worker!.metrics();
  const sum = (outcome: string) =>
    [...metrics.matchAll(new RegExp(`^kintsugi_notification_deliveries_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
  const workerSent = sum('sent');
  return {
    planned: r.planned,
    sent: r.sent,
    ledger: r.ledger,
    ledgerDelivered: r.ledgerDelivered,
    workerSent,
    alreadyDone: sum('already_done'),
    retries: sum('retry'),
    lost: r.planned - r.sent,
    // A second send of one notification would be a second 'sent' in the worker, a second attempt on the row.
    duplicates: Math.max(0, workerSent - r.sent) + r.attemptsOver1,
  };
}

/** (iv) Redis bytes per pending reminder: M due inside the near-term window (delayed jobs), and M beyond it. */
async function memory(w: BenchWorld, window: number) {
  const settle = async () => {
    await sleep(1500);
    return w.redis.usedMemory();
  };
  const near = 'mem-near';
  const before = await settle();
  // Inside the window (held in Redis), far enough out not to fall due while we measure.
  const at = new Date(Date.now() + Math.min(window * 500, 600_000));
  await w.plan(Array.from({ length: MEMORY_N }, (_, k) => w.reminder(near, k, at)));
  await waitUntil('the near-term reminders to be queued', Date.now() + 120_000, async () => (await counts(w, near)).queued === MEMORY_N);
  const after = await settle();

  const far = 'mem-far';
  const farAt = new Date(Date.now() + 14 * 86_400_000);
  await w.plan(Array.from({ length: MEMORY_N }, (_, k) => w.reminder(far, k, farAt)));
  await sleep(w.sweepIntervalMs() * 2);
  const afterFar = await settle();
  const farQueued = (await counts(w, far)).queued;
  log(`memory: ${MEMORY_N} due in ${Math.round((at.getTime() - Date.now()) / 60_000)} min → +${after - before} B; ${MEMORY_N} due in 14 days → +${afterFar - after} B (${farQueued} queued)`);
  return { perReminder: (after - before) / MEMORY_N, total: after - before, farPerReminder: (afterFar - after) / MEMORY_N, farQueued };
}

/** The same redis-server's raw figure: redis-benchmark if installed, else an ioredis pipeline. */
async function rawRedis(w: BenchWorld): Promise<string> {
  try {
    const { stdout } = await run('redis-benchmark', ['-h', '127.0.0.1', '-p', String(w.redis.port), '-q', '-t', 'set,get,lpush', '-n', '100000'], {
      timeout: 120_000,
    });
    const figures = [...stdout.replace(/\r/g, '\n').matchAll(/^(SET|GET|LPUSH): ([\d.]+) requests per second/gm)].map(
      (m) => `${m[1]} ${Math.round(Number(m[2])).toLocaleString('en')}/s`,
    );
    if (figures.length) return `redis-benchmark -n 100000: ${figures.join(', ')}`;
  } catch {
    // not installed: measure with the client we use
  }
  const redis = new Redis(w.redis.url);
  try {
    const n = 100_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i += 1000) {
      const p = redis.pipeline();
      for (let j = i; j < i + 1000; j++) p.set(`kt_raw:${j}`, 'x');
      await p.exec();
    }
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    return `ioredis pipeline (1000 per batch): SET ${Math.round(n / s).toLocaleString('en')}/s`;
  } finally {
    redis.disconnect();
  }
}

const ms = (v: number) => (Math.abs(v) >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const int = (v: number) => Math.round(v).toLocaleString('en');
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

async function versions(w: BenchWorld): Promise<string> {
  const [pg]: Array<{ v: string }> = await w.db.query(`SELECT current_setting('server_version') AS v`);
  const info = await w.redis.client().info('server');
  const redis = /^redis_version:(\S+)/m.exec(info)?.[1] ?? '?';
  return `${cpus().length} cores, node ${process.version}, PostgreSQL ${pg.v}, Redis ${redis}`;
}

async function main(): Promise<void> {
  const w = new BenchWorld();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) return;
    interrupted = true;
    console.error('interrupted: cleaning up');
    void w.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    console.log('Kintsugi reminder bench: setting up (own database, own redis-server, worker child process)');
    await w.start(RECIPIENTS);
    const engine = new EnvSchema();
    const setting = (k: keyof EnvSchema) => w.engineEnv[k] ?? String(engine[k]);
    const b = ONLY.has('burst') ? await burst(w) : null;
    const s = ONLY.has('stream') ? await stream(w) : null;
    const c = b || s ? await check(w, [b?.tag, s?.tag].filter((t): t is string => !!t)) : null;
    const m = ONLY.has('memory') ? await memory(w, Number(setting('REMINDER_NEAR_TERM_WINDOW_SECONDS'))) : null;
    const raw = await rawRedis(w);
    const where = await versions(w);

    const rows: Array<[string, string]> = [];
    if (b) {
      rows.push([
        `burst: ${int(BURST)} in-app due at once`,
        `all delivered ${ms(b.allWithinMs)} after due (target ≤ ${TARGET.burstSeconds} s: ${verdict(b.counts.sent === BURST && b.allWithinMs <= TARGET.burstSeconds * 1000)}); ` +
          `${int(b.perSecond)} delivered/s; lateness p50 ${ms(b.lateness.p50)}, p99 ${ms(b.lateness.p99)}`,
      ]);
    }
    if (s) {
      rows.push([
        `stream: ${RATE}/s for ${SECONDS} s (planned ${ms(LEAD_MS)} ahead)`,
        `${int(s.counts.sent)}/${int(s.total)} delivered; lateness min ${ms(s.lateness.min)}, p50 ${ms(s.lateness.p50)}, p99 ${ms(s.lateness.p99)}, max ${ms(s.lateness.max)} ` +
          `(target p99 < ${TARGET.p99Ms} ms: ${verdict(s.counts.sent === s.total && s.lateness.p99 < TARGET.p99Ms)})`,
      ]);
    }
    if (c) {
      rows.push([
        'lost / duplicates',
        `${c.lost} / ${c.duplicates} (${verdict(c.lost === 0 && c.duplicates === 0)}): planned ${int(c.planned)}, sent ${int(c.sent)}, ledger ${int(c.ledger)} ` +
          `(${int(c.ledgerDelivered)} completed), worker sends ${int(c.workerSent)}; jobs that found the row done ${c.alreadyDone}, retries ${c.retries}`,
      ]);
    }
    if (m) {
      rows.push([
        'Redis per pending reminder',
        `${int(m.perReminder)} B (${int(MEMORY_N)} delayed jobs in the near-term window: +${(m.total / 1048576).toFixed(1)} MiB); ` +
          `due in 14 days: ${int(m.farPerReminder)} B (${m.farQueued} in Redis: PostgreSQL only)`,
      ]);
    }
    rows.push(['raw Redis, same server', raw]);
    const width = Math.max(...rows.map((r) => r[0].length));
    console.log('');
    console.log(`Reminder engine bench — ${where}`);
    console.log(
      `worker: one child process, REMINDER_DELIVERY_CONCURRENCY=${setting('REMINDER_DELIVERY_CONCURRENCY')}, ` +
        `REMINDER_SWEEP_INTERVAL_MS=${setting('REMINDER_SWEEP_INTERVAL_MS')}, REMINDER_SWEEP_BATCH_SIZE=${setting('REMINDER_SWEEP_BATCH_SIZE')}, ` +
        `REMINDER_NEAR_TERM_WINDOW_SECONDS=${setting('REMINDER_NEAR_TERM_WINDOW_SECONDS')}; ${RECIPIENTS} portal clients`,
    );
    console.log('-'.repeat(width + 2 + 60));
    for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
  } finally {
    if (!interrupted) await w.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
