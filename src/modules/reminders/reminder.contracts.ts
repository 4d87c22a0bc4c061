import type { EntityManager } from 'typeorm';
import type { Channel, Notification, NotificationReason, NotificationSubject } from '../notifications/notification.entity';

/**
 * What a feature asks the reminder engine for: "remind this person about this thing at this
 * local moment". The engine (NotificationOutbox) turns it into one outbox row per accepted
 * channel, moved out of quiet hours, in the same transaction as the caller's change.
 */
export interface PlannedReminder {
  practiceId: string;
  recipient: { kind: 'client'; clientId: string } | { kind: 'user'; userId: string };
  reason: NotificationReason;
  subjectType: NotificationSubject;
  subjectId: string;
  /** Distinguishes occurrences of the same subject (e.g. "2026-03-08T20:00", "24h"). */
  occurrenceKey: string;
  /** The instant it should go out, before quiet hours are applied. */
  at: Date;
  /** Ignore quiet hours and go out at once (e.g. "I feel unsafe" alerts). */
  urgent?: boolean;
  /** Restrict to these channels (still intersected with what the recipient accepts). */
  channels?: Channel[];
}

/** The engine's write side, used by features inside their own transactions. */
export interface ReminderOutbox {
  plan(manager: EntityManager, reminders: PlannedReminder[]): Promise<void>;
  /** Cancels every pending reminder about these subjects (completed, excused, cancelled). */
  cancelFor(manager: EntityManager, practiceId: string, subjectType: NotificationSubject, subjectIds: string[], reason: string): Promise<number>;
  /** Cancels the pending reminders of a subject and plans these instead (edits, reschedules). */
  replaceFor(manager: EntityManager, practiceId: string, subjectType: NotificationSubject, subjectId: string, reminders: PlannedReminder[]): Promise<void>;
}
export const REMINDER_OUTBOX = Symbol('REMINDER_OUTBOX');

/** One delivery channel. Implementations render the message from ids at send time. */
export interface ChannelSender {
  readonly channel: Channel;
  /**
   * Sends one notification. `idempotencyKey` is stable across retries of the same notification
   * (email Message-ID, webhook Idempotency-Key). Returns the provider's id if any.
   */
  send(notification: Notification, idempotencyKey: string): Promise<{ providerId: string | null }>;
}
export const CHANNEL_SENDERS = Symbol('CHANNEL_SENDERS');
