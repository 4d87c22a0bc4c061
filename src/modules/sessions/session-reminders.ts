import type { PlannedReminder } from '../reminders/reminder.contracts';

/** What planning a session's reminders needs to know about it. */
export interface RemindableSession {
  id: string;
  practiceId: string;
  startsAt: Date;
  participantClientIds: string[];
}

/** "24h", "1h", "90m": the occurrence key of the reminder sent that long before the start. */
export function offsetKey(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}

/**
 * One session_reminder per participant per offset (minutes before the start), skipping those
 * whose moment has already passed at `now` (a session booked for this afternoon gets no
 * "tomorrow" reminder). Pure: the caller gives the clock and the practice's offsets.
 */
export function planSessionReminders(session: RemindableSession, offsetsMinutes: number[], now: Date): PlannedReminder[] {
  const offsets = [...new Set(offsetsMinutes)].sort((a, b) => b - a);
  const out: PlannedReminder[] = [];
  for (const minutes of offsets) {
    const at = new Date(session.startsAt.getTime() - minutes * 60_000);
    if (at <= now) continue;
    for (const clientId of session.participantClientIds) {
      out.push({
        practiceId: session.practiceId,
        recipient: { kind: 'client', clientId },
        reason: 'session_reminder',
        subjectType: 'session',
        subjectId: session.id,
        occurrenceKey: offsetKey(minutes),
        at,
      });
    }
  }
  return out;
}
