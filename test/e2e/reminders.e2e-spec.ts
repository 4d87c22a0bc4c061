import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { deliverJobId, JOBS, QUEUES } from '../../src/modules/queue/queue.constants';
import { DeliveryRepository } from '../../src/modules/reminders/delivery.repository';
import { SweepRunner } from '../../src/modules/reminders/reminders.worker';
import { bearer, http } from '../factories';
import { deleteKeys } from '../setup/isolation';
import {
  checkInReminder,
  EngineWorld,
  ledgerCount,
  mailsTo,
  plainRecipient,
  plan,
  portalRecipient,
  rowIn,
  rowsOf,
  sleep,
  startEngine,
  waitFor,
} from './reminders.world';

const soon = (ms: number) => new Date(Date.now() + ms);

describe('reminder engine (API plans, worker sweeps and delivers; real PostgreSQL and Redis)', () => {
  let w: EngineWorld;

  beforeAll(async () => {
    w = await startEngine();
  });
  afterAll(() => w?.close());

  async function jobState(notificationId: string): Promise<string | null> {
    const job = await w.delivery.getJob(deliverJobId(notificationId));
    return job ? job.getState() : null;
  }

  async function inbox(actor: { accessToken: string }): Promise<Array<{ id: string }>> {
    const res = await http(w.ctx).get('/v1/me/notifications').set(...bearer(actor)).expect(200);
    return res.body.data;
  }

  it('plan → one pending row per channel → the sweep queues a delayed job → delivered once, on time, in the inbox and by email', async () => {
    const r = await portalRecipient(w);
    const at = soon(3000);
    const reminder = checkInReminder(w, r, at);
    await plan(w, [reminder]);

    const rows = await rowsOf(w, r.scheduleId, reminder.occurrenceKey);
    expect(rows.map((x) => [x.channel, x.state])).toEqual([
      ['email', 'pending'],
      ['in_app', 'pending'],
    ]);
    expect(rows.every((x) => x.scheduledFor.getTime() === at.getTime() && x.plannedFor.getTime() === at.getTime())).toBe(true);
    const [email, inApp] = rows;

    // Woken by the outbox's NOTIFY, the sweep puts both into Redis as delayed jobs before they are due.
    await waitFor(async () => (await jobState(inApp.id)) === 'delayed' && (await jobState(email.id)) === 'delayed', 'delayed jobs', 2500);
    expect((await rowIn(w, inApp.id, ['pending'])).enqueuedAt).not.toBeNull();
    const job = (await w.delivery.getJob(deliverJobId(inApp.id)))!;
    expect(job.name).toBe(JOBS.deliver);
    expect(job.data).toEqual({ notificationId: inApp.id, practiceId: w.practice.practiceId }); // ids only

    const sentInApp = await rowIn(w, inApp.id, ['sent']);
    const sentEmail = await rowIn(w, email.id, ['sent']);
    for (const s of [sentInApp, sentEmail]) {
      expect(s.sentAt!.getTime()).toBeGreaterThanOrEqual(at.getTime() - 1000);
      expect(s.sentAt!.getTime()).toBeLessThan(at.getTime() + 5000);
      expect(s.attempts).toBe(1);
      expect(await ledgerCount(w, s.id)).toEqual({ rows: 1, delivered: 1 });
    }
    expect((await inbox(r.actor)).filter((n) => n.id === inApp.id)).toHaveLength(1);
    await waitFor(async () => mailsTo(w, r.actor.email) >= 1, 'the email');
    await sleep(300);
    expect(mailsTo(w, r.actor.email)).toBe(1);
    // Completed jobs leave Redis.
    expect(await jobState(inApp.id)).toBeNull();
  });

  it('planning the same reminder again is a no-op (dedupe key)', async () => {
    const r = await plainRecipient(w);
    const reminder = checkInReminder(w, r, soon(3_600_000), { channels: ['in_app'] });
    await plan(w, [reminder]);
    await plan(w, [reminder, reminder]);
    expect(await rowsOf(w, r.scheduleId)).toHaveLength(1);
  });

  it('cancelled before it is due: never delivered (its queued job finds the row cancelled)', async () => {
    const r = await portalRecipient(w);
    const reminder = checkInReminder(w, r, soon(1500), { channels: ['in_app'] });
    await plan(w, [reminder]);
    const [row] = await rowsOf(w, r.scheduleId);
    await waitFor(async () => (await jobState(row.id)) === 'delayed', 'delayed job');

    const cancelled = await w.ctx.db.transaction((m) => w.outbox.cancelFor(m, w.practice.practiceId, 'check_in_schedule', [r.scheduleId], 'completed'));
    expect(cancelled).toBe(1);
    await waitFor(async () => (await jobState(row.id)) === null, 'the job to run and leave', 5000);

    expect(await rowIn(w, row.id, ['cancelled'])).toMatchObject({ stateReason: 'completed', sentAt: null, attempts: 0 });
    expect(await ledgerCount(w, row.id)).toEqual({ rows: 0, delivered: 0 });
    expect(await inbox(r.actor)).toEqual([]);
  });

  it('replaceFor re-plans: the changed occurrence is cancelled and planned anew, an unchanged one is left alone', async () => {
    const r = await portalRecipient(w);
    const later = checkInReminder(w, r, soon(40_000), { channels: ['in_app'], occurrenceKey: 'moved' });
    const kept = checkInReminder(w, r, soon(3_600_000), { channels: ['in_app'], occurrenceKey: 'kept' });
    await plan(w, [later, kept]);
    const [oldRow] = await rowsOf(w, r.scheduleId, 'moved');
    const [keptRow] = await rowsOf(w, r.scheduleId, 'kept');

    const earlier = { ...later, at: soon(1000) };
    await w.ctx.db.transaction((m) => w.outbox.replaceFor(m, w.practice.practiceId, 'check_in_schedule', r.scheduleId, [earlier, kept]));

    const moved = await rowsOf(w, r.scheduleId, 'moved');
    expect(moved).toHaveLength(2);
    const old = moved.find((x) => x.id === oldRow.id)!;
    expect(old).toMatchObject({ state: 'cancelled', stateReason: 'replanned' });
    expect(old.dedupeKey).toBe(`${oldRow.dedupeKey}#${oldRow.id}`); // the key is released for the new row
    const fresh = moved.find((x) => x.id !== oldRow.id)!;
    expect(fresh.dedupeKey).toBe(oldRow.dedupeKey);
    expect(fresh.plannedFor.getTime()).toBe(earlier.at.getTime());

    expect(await rowsOf(w, r.scheduleId, 'kept')).toEqual([keptRow]);
    await rowIn(w, fresh.id, ['sent']);
    expect((await inbox(r.actor)).map((n) => n.id)).toEqual([fresh.id]);

    // The same plan again changes nothing.
    await w.ctx.db.transaction((m) => w.outbox.replaceFor(m, w.practice.practiceId, 'check_in_schedule', r.scheduleId, [earlier, kept]));
    expect(await rowsOf(w, r.scheduleId)).toHaveLength(3);
  });

  it('quiet hours move a reminder to their end on the recipient’s wall clock; Redis does not hold it yet; urgent ignores them', async () => {
    const zone = 'Asia/Kolkata';
    const r = await portalRecipient(w, zone);
    const local = DateTime.now().setZone(zone);
    const quiet = { start: local.minus({ minutes: 60 }).toFormat('HH:mm'), end: local.plus({ hours: 2 }).toFormat('HH:mm') };
    await w.ctx.db.query(`UPDATE clients SET reminder_preferences = $2 WHERE id = $1`, [r.clientId, { channels: null, quietHours: quiet }]);

    const at = soon(1000);
    const quietOne = checkInReminder(w, r, at, { channels: ['in_app'], occurrenceKey: 'quiet' });
    const urgentOne = checkInReminder(w, r, at, { channels: ['in_app'], occurrenceKey: 'urgent', urgent: true });
    await plan(w, [quietOne, urgentOne]);

    const [moved] = await rowsOf(w, r.scheduleId, 'quiet');
    const expectedEnd = local.plus({ hours: 2 }).startOf('minute'); // Kolkata has no DST
    expect(moved.scheduledFor.toISOString()).toBe(expectedEnd.toUTC().toISO());
    expect(moved.plannedFor.getTime()).toBe(at.getTime());

    const [urgent] = await rowsOf(w, r.scheduleId, 'urgent');
    expect(urgent.scheduledFor.getTime()).toBe(at.getTime());
    await rowIn(w, urgent.id, ['sent']);

    // Two hours ahead is outside the 60 s near-term window: PostgreSQL only.
    await sleep(500);
    expect(await rowIn(w, moved.id, ['pending'])).toMatchObject({ enqueuedAt: null });
    expect(await jobState(moved.id)).toBeNull();
  });

  it('a channel the recipient opted out of is recorded skipped (and never sent); the accepted one is delivered', async () => {
    const r = await portalRecipient(w);
    await w.ctx.db.query(`UPDATE clients SET reminder_preferences = '{"channels":["in_app"],"quietHours":null}' WHERE id = $1`, [r.clientId]);
    await plan(w, [checkInReminder(w, r, soon(500))]);
    const [email, inApp] = await rowsOf(w, r.scheduleId);
    expect(email).toMatchObject({ channel: 'email', state: 'skipped', stateReason: 'opted_out', enqueuedAt: null });
    await rowIn(w, inApp.id, ['sent']);
    await sleep(300);
    expect(await rowIn(w, email.id, ['skipped'])).toMatchObject({ sentAt: null });
    expect(mailsTo(w, r.actor.email)).toBe(0);
  });

  it('channels that cannot reach the recipient are recorded skipped with why', async () => {
    const r = await plainRecipient(w); // no email, no portal account
    await plan(w, [checkInReminder(w, r, soon(3_600_000))]);
    expect((await rowsOf(w, r.scheduleId)).map((x) => [x.channel, x.state, x.stateReason])).toEqual([
      ['email', 'skipped', 'no_email_address'],
      ['in_app', 'skipped', 'no_portal_account'],
    ]);
  });

  it('a deliver job run twice (re-added after delivery) delivers once', async () => {
    const r = await portalRecipient(w);
    await plan(w, [checkInReminder(w, r, soon(0), { channels: ['in_app'] })]);
    const [row] = await rowsOf(w, r.scheduleId);
    const sent = await rowIn(w, row.id, ['sent']);

    const again = await w.delivery.add(JOBS.deliver, { notificationId: row.id, practiceId: w.practice.practiceId }, { jobId: deliverJobId(row.id) });
    expect(await again.finished()).toBe('already_done');
    const after = await rowIn(w, row.id, ['sent']);
    expect(after.sentAt!.getTime()).toBe(sent.sentAt!.getTime());
    expect(after.attempts).toBe(1);
    expect(await ledgerCount(w, row.id)).toEqual({ rows: 1, delivered: 1 });
    expect(await inbox(r.actor)).toHaveLength(1);
  });

  it('many deliveries of one email racing each other send it once', async () => {
    const r = await portalRecipient(w);
    await plan(w, [checkInReminder(w, r, soon(0), { channels: ['email'] })]);
    const [row] = await rowsOf(w, r.scheduleId);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => w.deliverer.deliver(row.id, w.practice.practiceId).catch((e: Error) => e.name)),
    );
    await rowIn(w, row.id, ['sent']);
    await sleep(500);
    expect(outcomes.filter((o) => o === 'sent').length).toBeLessThanOrEqual(1);
    expect(mailsTo(w, r.actor.email)).toBe(1);
    expect(await ledgerCount(w, row.id)).toEqual({ rows: 1, delivered: 1 });
  });

  it('a due row whose job was removed from Redis is re-enqueued by reconciliation and delivered once', async () => {
    const r = await portalRecipient(w);
    const at = soon(1200);
    await plan(w, [checkInReminder(w, r, at, { channels: ['in_app'] })]);
    const [row] = await rowsOf(w, r.scheduleId);
    await waitFor(async () => (await jobState(row.id)) === 'delayed', 'delayed job');
    await (await w.delivery.getJob(deliverJobId(row.id)))!.remove();

    const sent = await rowIn(w, row.id, ['sent'], 15_000);
    // Not before reconciliation: due + grace (1 s).
    expect(sent.sentAt!.getTime()).toBeGreaterThanOrEqual(at.getTime() + 1000);
    expect(await ledgerCount(w, row.id)).toEqual({ rows: 1, delivered: 1 });
    expect(await inbox(r.actor)).toHaveLength(1);
  });

  it('a job Bull gave up on while the row is still pending is replaced by reconciliation', async () => {
    const r = await portalRecipient(w);
    await plan(w, [checkInReminder(w, r, soon(3_600_000), { channels: ['in_app'] })]);
    const [row] = await rowsOf(w, r.scheduleId);
    // Another worker holds a fresh claim, so this job's only attempt fails ("claimed within its lease").
    await w.ctx.db.query(
      `INSERT INTO notification_deliveries (notification_id, practice_id, channel, claimed_at, claimed_by) VALUES ($1, $2, 'in_app', now(), 'other-worker')`,
      [row.id, w.practice.practiceId],
    );
    await w.ctx.db.query(`UPDATE notifications SET scheduled_for = now() - interval '2 seconds', enqueued_at = now() WHERE id = $1`, [row.id]);
    await w.delivery.add(JOBS.deliver, { notificationId: row.id, practiceId: w.practice.practiceId }, { jobId: deliverJobId(row.id), attempts: 1 });
    await waitFor(async () => (await jobState(row.id)) === 'failed', 'the job to fail');
    // The claim goes away (its holder gave up); only reconciliation can deliver it now.
    await w.ctx.db.query('DELETE FROM notification_deliveries WHERE notification_id = $1', [row.id]);

    await rowIn(w, row.id, ['sent'], 15_000);
    expect(await ledgerCount(w, row.id)).toEqual({ rows: 1, delivered: 1 });
    expect(await inbox(r.actor)).toHaveLength(1);
  });

  it('losing the delivery queue’s keys (a flush) re-queues pending rows before they are due', async () => {
    const r = await portalRecipient(w);
    const at = soon(2500);
    await plan(w, [checkInReminder(w, r, at, { channels: ['in_app'] })]);
    const [row] = await rowsOf(w, r.scheduleId);
    await waitFor(async () => (await jobState(row.id)) === 'delayed', 'delayed job');

    await deleteKeys(w.ctx.config.REDIS_URL, `${w.ctx.config.REDIS_PREFIX}:bull:delivery:*`);
    expect(await jobState(row.id)).toBeNull();

    const sent = await rowIn(w, row.id, ['sent']);
    expect(sent.sentAt!.getTime()).toBeLessThan(at.getTime() + 1000); // on time, not after reconciliation's grace
    expect(await ledgerCount(w, row.id)).toEqual({ rows: 1, delivered: 1 });
  });

  it('after every queue key is gone (FLUSHALL of this prefix) the periodic sweep comes back and delivers a row planned without a wake-up', async () => {
    const r = await portalRecipient(w);
    await deleteKeys(w.ctx.config.REDIS_URL, `${w.ctx.config.REDIS_PREFIX}:bull:*`);
    // Written straight to the table: no NOTIFY, so only the periodic (repeatable) sweep can find it.
    await plan(w, [checkInReminder(w, r, soon(3_600_000), { channels: ['in_app'] })]);
    const [row] = await rowsOf(w, r.scheduleId);
    await w.ctx.db.query(`UPDATE notifications SET scheduled_for = now() + interval '1 second' WHERE id = $1`, [row.id]);
    await rowIn(w, row.id, ['sent'], 15_000);
    expect(await ledgerCount(w, row.id)).toEqual({ rows: 1, delivered: 1 });
  });

  it('a send cut off by a crash (claim without completion) is taken over after the lease and sent once; a completed one is never resent', async () => {
    const r = await portalRecipient(w);
    await plan(w, [
      checkInReminder(w, r, soon(3_600_000), { channels: ['email'], occurrenceKey: 'crashed' }),
      checkInReminder(w, r, soon(3_600_000), { channels: ['email'], occurrenceKey: 'done' }),
    ]);
    const [crashed] = await rowsOf(w, r.scheduleId, 'crashed');
    const [done] = await rowsOf(w, r.scheduleId, 'done');
    // A worker claimed `crashed` 3 s ago and died; `done` was sent but the worker died before marking the row.
    await w.ctx.db.query(
      `INSERT INTO notification_deliveries (notification_id, practice_id, channel, claimed_at, claimed_by, delivered_at, provider_id)
       VALUES ($1, $3, 'email', now() - interval '3 seconds', 'dead-worker', NULL, NULL),
              ($2, $3, 'email', now() - interval '3 seconds', 'dead-worker', now() - interval '2 seconds', '<kt-earlier@x>')`,
      [crashed.id, done.id, w.practice.practiceId],
    );
    await w.ctx.db.query(`UPDATE notifications SET scheduled_for = now() WHERE id = ANY($1::uuid[])`, [[crashed.id, done.id]]);

    // Within the lease (5 s) the claim holds: not sent yet.
    await expect(w.deliverer.deliver(crashed.id, w.practice.practiceId)).rejects.toThrow(/within its lease/);
    expect(await w.deliverer.deliver(done.id, w.practice.practiceId)).toBe('already_done');
    expect(await rowIn(w, done.id, ['sent'])).toMatchObject({ attempts: 0 });

    const sent = await rowIn(w, crashed.id, ['sent'], 15_000);
    expect(sent.attempts).toBe(1);
    await sleep(300);
    expect(mailsTo(w, r.actor.email)).toBe(1); // the crashed one, once; the completed one never again
  });

  it('an email sent while PostgreSQL cannot record it is recorded by the retry, not sent again', async () => {
    const r = await portalRecipient(w);
    const repo = w.worker.app.get(DeliveryRepository);
    const spy = jest.spyOn(repo, 'completeLedger').mockRejectedValueOnce(new Error('Connection terminated unexpectedly'));
    try {
      await plan(w, [checkInReminder(w, r, soon(0), { channels: ['email'] })]);
      const [row] = await rowsOf(w, r.scheduleId);
      const sent = await rowIn(w, row.id, ['sent']);
      expect(spy).toHaveBeenCalledTimes(2);
      expect(sent.attempts).toBe(1);
      await sleep(300);
      expect(mailsTo(w, r.actor.email)).toBe(1);
      expect(await ledgerCount(w, row.id)).toEqual({ rows: 1, delivered: 1 });
    } finally {
      spy.mockRestore();
    }
  });

  it('skips at delivery a reminder whose subject no longer wants it (an inactive check-in schedule)', async () => {
    const r = await portalRecipient(w);
    await plan(w, [checkInReminder(w, r, soon(800), { channels: ['in_app'] })]);
    await w.ctx.db.query('UPDATE check_in_schedules SET active = false WHERE id = $1', [r.scheduleId]);
    const [row] = await rowsOf(w, r.scheduleId);
    expect(await rowIn(w, row.id, ['skipped'])).toMatchObject({ stateReason: 'schedule_inactive', sentAt: null });
    expect(await inbox(r.actor)).toEqual([]);
  });

  it('an active high-severity IPV flag stops a couple-session reminder; the partner’s individual work is not stopped', async () => {
    const a = await portalRecipient(w);
    const b = await portalRecipient(w);
    const p = w.practice.practiceId;
    const [couple] = await w.ctx.db.query(`INSERT INTO couples (practice_id, status, privacy_policy, created_by, version) VALUES ($1, 'active', 'no_secrets', $2, 1) RETURNING id`, [
      p,
      w.practice.admin.id,
    ]);
    for (const [c, role] of [[a.clientId, 'injured'], [b.clientId, 'involved']]) {
      await w.ctx.db.query(`INSERT INTO couple_members (couple_id, client_id, practice_id, recovery_role, active) VALUES ($1, $2, $3, $4, true)`, [couple.id, c, p, role]);
    }
    const startsAt = soon(86_400_000 + Math.floor(Math.random() * 1e7));
    const [session] = await w.ctx.db.query(
      `INSERT INTO clinical_sessions (practice_id, kind, clinician_id, couple_id, starts_at, ends_at, timezone, created_by, version)
       VALUES ($1, 'couple', $2, $3, $4, $5, 'America/New_York', $2, 1) RETURNING id`,
      [p, w.practice.admin.id, couple.id, startsAt, new Date(startsAt.getTime() + 3_000_000)],
    );
    for (const c of [a.clientId, b.clientId]) {
      await w.ctx.db.query(`INSERT INTO session_participants (session_id, client_id, practice_id) VALUES ($1, $2, $3)`, [session.id, c, p]);
    }
    await w.ctx.db.query(
      `INSERT INTO safety_flags (practice_id, client_id, kind, severity, status, raised_by, raised_at) VALUES ($1, $2, 'intimate_partner_violence', 'high', 'active', $3, now())`,
      [p, b.clientId, w.practice.admin.id],
    );
    const sessionReminder = {
      practiceId: p,
      recipient: { kind: 'client' as const, clientId: a.clientId },
      reason: 'session_reminder' as const,
      subjectType: 'session' as const,
      subjectId: session.id,
      occurrenceKey: '24h',
      at: soon(300),
      channels: ['in_app' as const],
    };
    await plan(w, [sessionReminder, checkInReminder(w, a, soon(300), { channels: ['in_app'] })]);
    const [sessionRow] = await rowsOf(w, session.id);
    const [checkInRow] = await rowsOf(w, a.scheduleId);
    expect(await rowIn(w, sessionRow.id, ['skipped'])).toMatchObject({ stateReason: 'conjoint_work_paused' });
    await rowIn(w, checkInRow.id, ['sent']);
  });

  it('a job carrying another practice’s id finds nothing and changes nothing', async () => {
    const r = await portalRecipient(w);
    await plan(w, [checkInReminder(w, r, soon(3_600_000), { channels: ['in_app'] })]);
    const [row] = await rowsOf(w, r.scheduleId);
    expect(await w.deliverer.deliver(row.id, randomUUID())).toBe('not_found');
    expect(await rowIn(w, row.id, ['pending'])).toMatchObject({ attempts: 0, sentAt: null });
  });

  it('the worker keeps one repeatable sweep, and a sweep reports what it did', async () => {
    const planning = w.worker.app.get<SweepRunner>(SweepRunner);
    await planning.run();
    expect(planning.lastReport).toEqual(expect.objectContaining({ enqueued: expect.any(Number), reconciled: expect.any(Number) }));
    const queue = w.worker.app.get<Queue>(getQueueToken(QUEUES.planning));
    const sweeps = (await queue.getRepeatableJobs()).filter((j) => j.name === JOBS.sweep);
    expect(sweeps.map((j) => Number(j.every))).toEqual([200]);
  });
});

