import { Channel, CHANNELS, NOTIFICATION_REASONS, NOTIFICATION_SUBJECTS, NotificationReason, NotificationState, NotificationSubject } from '../notifications/notification.entity';
import type { PlannedReminder } from './reminder.contracts';
import { CHANNEL_SKIP_REASONS, ChannelFacts, selectChannels } from './time/channels';
import { applyQuietHours, QuietHours } from './time/quiet-hours';

/**
 * Reminder planning as pure functions: a PlannedReminder and the facts about its recipient in,
 * the outbox rows out; and what replaceFor changes given the rows a subject already has.
 */

/** What the engine knows about a recipient when planning (loaded in bulk by the outbox). */
export interface RecipientFacts extends ChannelFacts {
  /** The recipient's IANA zone (a client's own; staff use the practice's). */
  timezone: string;
  /** Quiet hours in that zone: the client's own, else the practice default; null = none. */
  quietHours: QuietHours | null;
}

/** One row to insert into notifications. */
export interface OutboxRow {
  practiceId: string;
  recipientClientId: string | null;
  recipientUserId: string | null;
  channel: Channel;
  reason: NotificationReason;
  subjectType: NotificationSubject;
  subjectId: string;
  occurrenceKey: string;
  dedupeKey: string;
  scheduledFor: Date;
  plannedFor: Date;
  state: Extract<NotificationState, 'pending' | 'skipped'>;
  stateReason: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Occurrence keys are short machine strings ("2026-03-08T20:00", "24h"); '#' marks released keys. */
const OCCURRENCE_KEY = /^[A-Za-z0-9:._+-]{1,80}$/;

export class InvalidReminderError extends Error {}

/** Refuses a malformed request loudly: it is a programming error of the calling feature. */
export function assertValidReminder(r: PlannedReminder): void {
  const fail = (why: string) => {
    throw new InvalidReminderError(`invalid reminder (${r.reason}:${r.subjectType}:${r.subjectId}): ${why}`);
  };
  if (!UUID.test(r.practiceId)) fail('practiceId is not a uuid');
  if (!UUID.test(r.subjectId)) fail('subjectId is not a uuid');
  const recipientId = r.recipient.kind === 'client' ? r.recipient.clientId : r.recipient.userId;
  if (!UUID.test(recipientId)) fail('recipient id is not a uuid');
  if (!(NOTIFICATION_REASONS as readonly string[]).includes(r.reason)) fail('unknown reason');
  if (!(NOTIFICATION_SUBJECTS as readonly string[]).includes(r.subjectType)) fail('unknown subject type');
  if (!OCCURRENCE_KEY.test(r.occurrenceKey)) fail('occurrenceKey must be 1-80 of [A-Za-z0-9:._+-]');
  if (!(r.at instanceof Date) || Number.isNaN(r.at.getTime())) fail('at is not a valid Date');
  if (r.channels && r.channels.some((c) => !(CHANNELS as readonly string[]).includes(c))) fail('unknown channel');
}

export function recipientKey(r: PlannedReminder['recipient']): string {
  return r.kind === 'client' ? `client:${r.clientId}` : `user:${r.userId}`;
}

/** reason:subjectType:subjectId:occurrenceKey:recipient:channel — planning the same thing twice is a no-op. */
export function dedupeKeyOf(r: PlannedReminder, channel: Channel): string {
  return `${r.reason}:${r.subjectType}:${r.subjectId}:${r.occurrenceKey}:${recipientKey(r.recipient)}:${channel}`;
}

/** A key given up by a cancelled or superseded row so that the thing can be planned again. */
export function releasedKey(dedupeKey: string, id: string): string {
  return `${dedupeKey}#${id}`;
}

/**
 * The rows of one reminder: one per channel considered — pending on the channels that will be
 * used, skipped (with the reason) on those refused or unreachable. The time is the requested
 * instant moved to the end of the recipient's quiet hours, unless urgent.
 */
export function planRows(r: PlannedReminder, recipient: RecipientFacts): OutboxRow[] {
  const scheduledFor = r.urgent ? r.at : applyQuietHours(r.at, recipient.timezone, recipient.quietHours);
  return selectChannels(recipient, r.channels).map((d) => ({
    practiceId: r.practiceId,
    recipientClientId: r.recipient.kind === 'client' ? r.recipient.clientId : null,
    recipientUserId: r.recipient.kind === 'user' ? r.recipient.userId : null,
    channel: d.channel,
    reason: r.reason,
    subjectType: r.subjectType,
    subjectId: r.subjectId,
    occurrenceKey: r.occurrenceKey,
    dedupeKey: dedupeKeyOf(r, d.channel),
    scheduledFor,
    plannedFor: r.at,
    state: d.send ? 'pending' : 'skipped',
    stateReason: d.send ? null : d.reason,
  }));
}

/** A row a subject already has under a live (not released) key. */
export interface ExistingRow {
  id: string;
  dedupeKey: string;
  state: NotificationState;
  stateReason: string | null;
  scheduledFor: Date;
  plannedFor: Date;
}

export interface ReplanDiff {
  /** New rows to insert. */
  insert: OutboxRow[];
  /** Pending rows to cancel (reason "replanned"), their keys released. */
  cancel: string[];
  /** Finished rows whose keys are released (state kept) because a new row takes their key. */
  release: string[];
  /** Rows left exactly as they are. */
  keep: string[];
}

const PLANNING_SKIPS: readonly string[] = CHANNEL_SKIP_REASONS;
const same = (a: Date, b: Date) => a.getTime() === b.getTime();

/**
 * What replaceFor does, given the subject's existing rows and the rows the new plan computes:
 * - unchanged pending rows stay (their queued jobs stay valid); changed ones are cancelled and
 *   planned anew under fresh ids (a queued job for the old time then finds its row cancelled);
 * - an occurrence already sent (or failed) for the same planned time is never sent again;
 *   planned for another time (a rescheduled session), it is planned anew;
 * - a row skipped at delivery (paused plan…) for the same time had its moment and stays; one
 *   skipped at planning (opt-out, no address) is planned anew so a change of preference counts;
 * - a cancelled occurrence planned again is reinstated (replaceFor is the explicit re-plan);
 * - pending rows the new plan no longer has are cancelled.
 */
export function diffReplan(existing: ExistingRow[], planned: OutboxRow[]): ReplanDiff {
  const byKey = new Map(existing.map((e) => [e.dedupeKey, e]));
  const diff: ReplanDiff = { insert: [], cancel: [], release: [], keep: [] };
  const seen = new Set<string>();
  for (const p of planned) {
    if (seen.has(p.dedupeKey)) continue;
    seen.add(p.dedupeKey);
    const e = byKey.get(p.dedupeKey);
    if (!e) {
      diff.insert.push(p);
      continue;
    }
    let keep: boolean;
    switch (e.state) {
      case 'pending':
        keep = p.state === 'pending' && same(e.scheduledFor, p.scheduledFor) && same(e.plannedFor, p.plannedFor);
        break;
      case 'sent':
      case 'failed':
        keep = same(e.plannedFor, p.plannedFor);
        break;
      case 'skipped':
        keep =
          same(e.plannedFor, p.plannedFor) &&
          ((p.state === 'skipped' && p.stateReason === e.stateReason) || !PLANNING_SKIPS.includes(e.stateReason ?? ''));
        break;
      case 'cancelled':
        keep = false;
        break;
    }
    if (keep) {
      diff.keep.push(e.id);
    } else {
      (e.state === 'pending' ? diff.cancel : diff.release).push(e.id);
      diff.insert.push(p);
    }
  }
  for (const e of existing) {
    if (!seen.has(e.dedupeKey) && e.state === 'pending') diff.cancel.push(e.id);
  }
  return diff;
}
