import { ClockModule } from '../../src/common/time/clock.module';
import { Injectable } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { ConfigModule } from '../../src/config/config.module';
import { DatabaseModule } from '../../src/database/database.module';
import { DeliveryChannelsModule } from '../../src/modules/notifications/delivery-channels.module';
import { randomUUID } from 'node:crypto';
import { UndeliverableError } from '../../src/modules/notifications/senders/delivery-errors';
import { CHANNEL_SENDERS, ChannelSender } from '../../src/modules/reminders/reminder.contracts';
import { WorkerModule } from '../../src/worker.module';
import { Actor, createPractice, createStaff, PracticeWorld, uniqueEmail } from '../factories';
import { insertClient } from '../factories/clinical';
import type { CaughtMail } from '../setup/mail-catcher';
import { startTestApp, TestContext } from '../setup/test-app';
import { insertNotification, insertSession, loadNotification, startDeliveryChannels } from './notifications.world';

/** Stands for the engine's in-app sender: a sender built elsewhere, with a dependency of its own. */
@Injectable()
class StandInInAppSender implements ChannelSender {
  readonly channel = 'in_app' as const;
  constructor(readonly dataSource: DataSource) {}
  async send(): Promise<{ providerId: string | null }> {
    return { providerId: null };
  }
}

/** Words that would mean clinical content leaked into a reminder. */
const CLINICAL = /affair|betray|infidel|forgiv|injured|involved|unsafe|note|answer|journal|letter|trust|partner|safety/i;

/** The subject as a reader sees it (RFC 2047 encoded words decoded). */
function subjectOf(mail: CaughtMail): string {
  return mail.subject
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (_, q: string) =>
      Buffer.from(q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (__, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'),
    );
}

function messageIdOf(mail: CaughtMail): string {
  const m = /^Message-ID:\s*(<[^>]+>)/im.exec(mail.raw);
  if (!m) throw new Error('no Message-ID header');
  return m[1];
}

describe('email channel sender (real SMTP server)', () => {
  let ctx: TestContext;
  let channels: Awaited<ReturnType<typeof startDeliveryChannels>>;
  let email: ChannelSender;
  let practice: PracticeWorld;
  let clinician: Actor;
  let clientEmail: string;
  let clientId: string;

  beforeAll(async () => {
    ctx = await startTestApp({ APP_BASE_URL: 'https://app.kintsugi.test' });
    channels = await startDeliveryChannels(ctx);
    email = channels.sender('email');
    practice = await createPractice(ctx, 'Harbor Light Counseling');
    clinician = await createStaff(ctx, practice, 'clinician');
    clientEmail = uniqueEmail('elise');
    clientId = await insertClient(ctx, practice.practiceId, practice.admin.id, {
      fullName: 'Elise Marchetti',
      preferredName: 'Lise',
      email: clientEmail,
      timezone: 'America/New_York',
    });
  });
  afterAll(async () => {
    await channels?.close();
    await ctx?.close();
  });

  const mailsTo = (to: string) => ctx.mail.messages.filter((m) => m.to.includes(to));

  it('sends a session reminder: greeting by preferred name, the time in the client’s zone, one-tap confirm and cancel links, nothing clinical', async () => {
    // A summer day far enough ahead: 19:00 UTC is 15:00 EDT in New York.
    const startsAt = new Date(`${new Date().getUTCFullYear() + 1}-07-14T19:00:00.000Z`);
    const sessionId = await insertSession(ctx, practice.practiceId, clinician.id, clientId, startsAt, {
      location: 'Room 7 upstairs',
      telehealthUrl: 'https://video.example/secret-room',
    });
    const id = await insertNotification(ctx, {
      practiceId: practice.practiceId,
      recipientClientId: clientId,
      channel: 'email',
      reason: 'session_reminder',
      subjectType: 'session',
      subjectId: sessionId,
      state: 'pending',
    });
    const before = mailsTo(clientEmail).length;
    const result = await email.send(await loadNotification(ctx, id), `notification:${id}`);
    const mail = await ctx.mail.waitFor(clientEmail);
    expect(mailsTo(clientEmail).length).toBe(before + 1);

    expect(subjectOf(mail)).toContain('Harbor Light Counseling');
    expect(subjectOf(mail)).not.toMatch(/Lise|Elise|Marchetti/);
    expect(mail.text).toMatch(/^Hi Lise,/);
    expect(mail.text).toMatch(/ 14 July at 15:00 \(EDT\)/);
    expect(mail.text).not.toContain('Marchetti');
    expect(mail.text).not.toContain('Room 7');
    expect(mail.text).not.toContain('secret-room');
    expect(`${subjectOf(mail)}\n${mail.text}`).not.toMatch(CLINICAL);
    const links = mail.text.match(/https:\/\/app\.kintsugi\.test\/t\/[A-Za-z0-9_-]+/g) ?? [];
    expect(links).toHaveLength(2);
    const tokens = await ctx.db.query(`SELECT purpose FROM one_tap_tokens WHERE subject_id = $1 ORDER BY purpose`, [sessionId]);
    expect(tokens.map((t: { purpose: string }) => t.purpose).sort()).toEqual(['cancel_session', 'confirm_session']);
    expect(result.providerId).toBe(messageIdOf(mail));
  });

  it('derives the Message-ID from the idempotency key: a resend carries the same one, another notification a different one', async () => {
    const id = await insertNotification(ctx, { practiceId: practice.practiceId, recipientClientId: clientId, channel: 'email', reason: 'check_in', state: 'pending' });
    const n = await loadNotification(ctx, id);
    const first = await email.send(n, `notification:${id}`);
    const second = await email.send(n, `notification:${id}`);
    const other = await email.send(n, `notification:${randomUUID()}`);
    const ids = mailsTo(clientEmail).slice(-3).map(messageIdOf);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
    expect([first.providerId, second.providerId, other.providerId]).toEqual(ids);
    expect(ids[0]).not.toContain(id);
    expect(ids[0]).toMatch(/^<kt-[0-9a-f]{40}@kintsugi\.local>$/);
  });

  it.each(['homework_prompt', 'homework_due_soon', 'check_in'] as const)('words a %s warmly for the client, with the practice name and nothing clinical', async (reason) => {
    const id = await insertNotification(ctx, {
      practiceId: practice.practiceId,
      recipientClientId: clientId,
      channel: 'email',
      reason,
      subjectType: reason === 'check_in' ? 'check_in_schedule' : 'homework_instance',
      state: 'pending',
    });
    await email.send(await loadNotification(ctx, id), `notification:${id}`);
    const mail = mailsTo(clientEmail).at(-1)!;
    expect(mail.text).toMatch(/^Hi Lise,/);
    expect(mail.text).toContain('Harbor Light Counseling');
    expect(mail.text).toContain('https://app.kintsugi.test');
    expect(`${subjectOf(mail)}\n${mail.text}`).not.toMatch(CLINICAL);
    expect(mail.text).not.toContain('Marchetti');
  });

  it('alerts a clinician by their own email, naming no client and carrying no one-tap link', async () => {
    const id = await insertNotification(ctx, {
      practiceId: practice.practiceId,
      recipientUserId: clinician.id,
      channel: 'email',
      reason: 'clinician_alert',
      subjectType: 'check_in',
      state: 'pending',
    });
    await email.send(await loadNotification(ctx, id), `notification:${id}`);
    const mail = await ctx.mail.waitFor(clinician.email);
    expect(subjectOf(mail)).toBe('A client needs your attention - Harbor Light Counseling');
    expect(mail.text).not.toMatch(/Lise|Elise|Marchetti/);
    expect(mail.text).not.toContain('/t/');
    expect(mail.text).toContain('Do not forward');
  });

  it('refuses what no retry can fix, sending nothing and issuing no link: no email address, an archived client, the wrong channel', async () => {
    const noEmail = await insertClient(ctx, practice.practiceId, practice.admin.id, { fullName: 'No Mail Person' });
    const archived = await insertClient(ctx, practice.practiceId, practice.admin.id, { fullName: 'Gone Person', email: uniqueEmail('gone'), status: 'archived' });
    const count = ctx.mail.messages.length;
    const tokens = (await ctx.db.query(`SELECT count(*)::int AS n FROM one_tap_tokens`))[0].n;
    const cases: Array<[string | undefined, 'email' | 'in_app', string]> = [
      [noEmail, 'email', 'no_email_address'],
      [archived, 'email', 'recipient_inactive'],
      [clientId, 'in_app', 'wrong_channel'],
    ];
    for (const [recipient, channel, reason] of cases) {
      const id = await insertNotification(ctx, { practiceId: practice.practiceId, recipientClientId: recipient, channel, reason: 'check_in', state: 'pending' });
      const err = await email.send(await loadNotification(ctx, id), `notification:${id}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UndeliverableError);
      expect((err as UndeliverableError).reason).toBe(reason);
    }
    expect(ctx.mail.messages.length).toBe(count);
    expect((await ctx.db.query(`SELECT count(*)::int AS n FROM one_tap_tokens`))[0].n).toBe(tokens);
  });

  it('never reads another practice’s client for a notification of this practice', async () => {
    const other = await createPractice(ctx, 'Other Practice');
    const theirEmail = uniqueEmail('theirs');
    const theirs = await insertClient(ctx, other.practiceId, other.admin.id, { fullName: 'Their Client', email: theirEmail });
    const id = await insertNotification(ctx, { practiceId: practice.practiceId, recipientClientId: theirs, channel: 'email', reason: 'check_in', state: 'pending' });
    const err = await email.send(await loadNotification(ctx, id), `notification:${id}`).catch((e: unknown) => e);
    expect((err as UndeliverableError).reason).toBe('recipient_not_found');
    expect(ctx.mail.messages.some((m) => m.to.includes(theirEmail))).toBe(false);
  });

  it('is among the senders the worker provides under CHANNEL_SENDERS, with the webhook sender', async () => {
    const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot({ ...ctx.config, WORKER_QUEUES: 'delivery' }), { logger: false });
    try {
      const senders = worker.get<ChannelSender[]>(CHANNEL_SENDERS, { strict: false });
      expect(senders.map((s) => s.channel)).toEqual(expect.arrayContaining(['email', 'webhook']));
    } finally {
      await worker.close();
    }
  });

  it('takes further senders with withSenders(), so the engine can add its in-app sender to CHANNEL_SENDERS', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(ctx.config), ClockModule, DatabaseModule, DeliveryChannelsModule.withSenders([StandInInAppSender])],
    }).compile();
    try {
      const senders = moduleRef.get<ChannelSender[]>(CHANNEL_SENDERS, { strict: false });
      expect(senders.map((s) => s.channel).sort()).toEqual(['email', 'in_app', 'webhook']);
      expect((senders.find((s) => s.channel === 'in_app') as StandInInAppSender).dataSource).toBeInstanceOf(DataSource);
    } finally {
      await moduleRef.close();
    }
  });
});
