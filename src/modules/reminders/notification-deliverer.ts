import { Inject, Injectable, Logger } from '@nestjs/common';
import { safeErrorText } from '../../common/logging/safe-error';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { EnvSchema } from '../../config/env.schema';
import type { Channel, Notification } from '../notifications/notification.entity';
import { isUndeliverable } from '../notifications/senders/delivery-errors';
import { whyNotDeliverable } from './deliverability';
import { DeliveryRepository, LockedNotification } from './delivery.repository';
import { isTransactional } from './in-app.sender';
import { CHANNEL_SENDERS, ChannelSender } from './reminder.contracts';
import { ReminderMetrics } from './reminder.metrics';
import { Clock } from './time/clock';
import { selectChannels } from './time/channels';

export type DeliveryOutcome =
  /** Delivered now. */
  | 'sent'
  /** Already sent, cancelled, skipped or failed: nothing to do (a duplicate job, a cancel). */
  | 'already_done'
  /** Not wanted any more (paused plan, opted out…): recorded as skipped. */
  | 'skipped'
  /** The job ran before the row's time: handed back to the sweep. */
  | 'not_due'
  | 'not_found'
  /** The last allowed attempt failed: recorded as failed, no more retries. */
  | 'failed';

/** Thrown for Bull to retry with backoff (a failed send, a claim held by another worker). */
export class RetryLaterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** A job that arrives this early is still delivered (timer jitter); earlier than that it waits. */
const EARLY_TOLERANCE_MS = 1000;

/**
 * Delivers one notification row, exactly once to the person:
 *
 * 1. In a transaction holding the row's lock: done unless pending; skipped if the thing it is
 *    about no longer wants it or the channel can no longer reach the recipient; then the ledger
 *    is claimed (INSERT … ON CONFLICT DO NOTHING). A completed ledger row means it was sent (the
 *    row is marked sent, nothing is sent again); a claim younger than the lease means another
 *    worker is sending (retry later); an older one was left by a crash and is taken over.
 *    In-app ends here: the ledger is completed and the row is sent in this same transaction.
 * 2. Outside any transaction: the channel's sender, with the notification's stable idempotency key.
 * 3. In a second transaction: ledger completed, row sent. A crash between 2 and 3 leaves a claim
 *    that a later attempt takes over once its lease expires, resending with the same key.
 *
 * A failed send releases the claim, counts an attempt and throws for Bull's backoff; the last
 * allowed attempt marks the row failed instead. An UndeliverableError skips it at once.
 */
@Injectable()
export class NotificationDeliverer {
  private readonly logger = new Logger(NotificationDeliverer.name);
  private readonly senders: Map<Channel, ChannelSender>;
  /** Who holds a claim: host, process and a random tag (workers restart with the same pid in containers). */
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`.slice(0, 100);
  /**
   * Sends that went out but whose completion could not be written yet (PostgreSQL restarting):
   * the job's retry in this process writes it without sending again. Lost with the process — a
   * crash in that window leaves a claim that is taken over after its lease and resent with the
   * same idempotency key (the only case a provider can see a message twice).
   */
  private readonly sentNotRecorded = new Map<string, { notification: Notification; providerId: string | null; at: Date }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: DeliveryRepository,
    @Inject(CHANNEL_SENDERS) senders: ChannelSender[],
    private readonly clock: Clock,
    private readonly config: EnvSchema,
    private readonly metrics: ReminderMetrics,
  ) {
    this.senders = new Map(senders.map((s) => [s.channel, s]));
  }

  async deliver(notificationId: string, practiceId: string): Promise<DeliveryOutcome> {
    const unrecorded = this.sentNotRecorded.get(notificationId);
    if (unrecorded) return this.record(unrecorded.notification, unrecorded.providerId, unrecorded.at);

    const first = await this.dataSource.transaction((m) => this.claimPhase(m, notificationId, practiceId));
    if (first.kind === 'done') {
      this.metrics.delivered(first.channel, first.outcome, first.lateMs);
      return first.outcome;
    }
    const { notification, sender } = first;
    let providerId: string | null;
    try {
      ({ providerId } = await sender.send(notification, notification.id));
    } catch (err) {
      return this.afterFailure(notification, err);
    }
    const at = this.clock.now();
    // Remembered until recorded: if PostgreSQL is away right now, the retry records it instead of sending again.
    this.sentNotRecorded.set(notification.id, { notification, providerId, at });
    return this.record(notification, providerId, at);
  }

  /** Ledger completed and row sent; throws (for Bull to retry) while PostgreSQL is unreachable. */
  private async record(notification: Notification, providerId: string | null, at: Date): Promise<DeliveryOutcome> {
    await this.dataSource.transaction(async (m) => {
      if (!(await this.repo.completeLedger(m, notification, this.workerId, at, providerId))) {
        this.logger.warn({ notificationId: notification.id, channel: notification.channel }, 'completing a send whose claim was gone; ledger entry written');
      }
      await this.repo.markSent(m, notification.id, at, providerId, true);
    });
    this.sentNotRecorded.delete(notification.id);
    this.metrics.delivered(notification.channel, 'sent', at.getTime() - notification.scheduledFor.getTime());
    return 'sent';
  }

  private async claimPhase(
    m: EntityManager,
    id: string,
    practiceId: string,
  ): Promise<
    | { kind: 'done'; outcome: DeliveryOutcome; channel: Channel | null; lateMs: number | null }
    | { kind: 'send'; notification: Notification; sender: ChannelSender }
  > {
    const done = (outcome: DeliveryOutcome, channel: Channel | null = null, lateMs: number | null = null) => ({ kind: 'done' as const, outcome, channel, lateMs });
    const locked = await this.repo.lockWithFacts(m, id, practiceId);
    if (!locked) return done('not_found');
    const n = locked.notification;
    if (n.state !== 'pending') return done('already_done', n.channel);
    const now = this.clock.now();
    if (n.scheduledFor.getTime() > now.getTime() + EARLY_TOLERANCE_MS) {
      await this.repo.markNotQueued(m, n.id);
      return done('not_due', n.channel);
    }

    const skip = this.whySkip(locked, now);
    if (skip) {
      await this.repo.markSkipped(m, n.id, skip, now);
      return done('skipped', n.channel);
    }

    const sender = this.senders.get(n.channel);
    // A worker without this channel's sender is misconfigured: leave the row pending for one that has it.
    if (!sender) throw new RetryLaterError(`no sender for channel ${n.channel} in this worker`);

    if (isTransactional(sender)) {
      await sender.send(n, n.id);
      if (await this.repo.claimAndSend(m, n, this.workerId, now)) return done('sent', n.channel, now.getTime() - n.scheduledFor.getTime());
      // A ledger row already exists for an in-app row still pending: treat it like any channel.
    } else if (await this.repo.claim(m, n, this.workerId, now, null)) {
      return { kind: 'send', notification: n, sender };
    }

    const ledger = await this.repo.ledgerOf(m, n.id);
    if (!ledger) throw new RetryLaterError('ledger row vanished while claiming');
    if (ledger.deliveredAt) {
      // Sent before (a crash after the send, before the row was marked): never send again.
      await this.repo.markSent(m, n.id, ledger.deliveredAt, ledger.providerId, false);
      return done('already_done', n.channel);
    }
    const leaseMs = this.config.REMINDER_CLAIM_LEASE_SECONDS * 1000;
    if (now.getTime() - new Date(ledger.claimedAt).getTime() < leaseMs) {
      throw new RetryLaterError('claimed by another delivery within its lease');
    }
    if (!(await this.repo.takeOver(m, n.id, ledger, this.workerId, now))) throw new RetryLaterError('claim taken over concurrently');
    this.logger.warn({ notificationId: n.id, channel: n.channel }, 'taking over an expired delivery claim; resending with the same idempotency key');
    if (isTransactional(sender)) {
      await this.repo.completeLedger(m, n, this.workerId, now, null);
      await this.repo.markSent(m, n.id, now, null, true);
      return done('sent', n.channel, now.getTime() - n.scheduledFor.getTime());
    }
    return { kind: 'send', notification: n, sender };
  }

  /** Why this row should not go out now (the subject's state, then the channel's reach), or null. */
  private whySkip({ notification: n, subject, recipient }: LockedNotification, now: Date): string | null {
    const subjectSkip = whyNotDeliverable(n.reason, subject, now);
    if (subjectSkip) return subjectSkip;
    if (!recipient) return 'recipient_not_found';
    const decision = selectChannels(recipient, [n.channel])[0];
    return decision && !decision.send ? decision.reason : null;
  }

  private async afterFailure(n: Notification, err: unknown): Promise<DeliveryOutcome> {
    const now = this.clock.now();
    if (isUndeliverable(err)) {
      await this.dataSource.transaction(async (m) => {
        await this.repo.releaseClaim(m, n.id, this.workerId);
        await this.repo.markSkipped(m, n.id, err.reason, now);
      });
      this.metrics.delivered(n.channel, 'skipped', null);
      return 'skipped';
    }
    const text = safeErrorText(err);
    const result = await this.dataSource.transaction(async (m) => {
      await this.repo.releaseClaim(m, n.id, this.workerId);
      return this.repo.recordFailure(m, n.id, text, this.config.REMINDER_DELIVERY_ATTEMPTS, now);
    });
    if (!result) return 'already_done'; // cancelled or sent meanwhile
    if (result.state === 'failed') {
      this.logger.warn({ notificationId: n.id, channel: n.channel, attempts: result.attempts, error: text }, 'notification failed for good');
      this.metrics.delivered(n.channel, 'failed', null);
      return 'failed';
    }
    this.metrics.delivered(n.channel, 'retry', null);
    throw new RetryLaterError(`send failed (attempt ${result.attempts}): ${text}`);
  }
}
