import type { PlannedReminder } from '../../reminders/reminder.contracts';
import type { ReminderPolicy } from '../homework.entity';
import { localToUtc, utcToLocal } from './local-time';

/** One pending instance as the reminder planner needs it. */
export interface RemindableInstance {
  id: string;
  clientId: string;
  occurrenceKey: string;
  dueAt: Date;
}

export interface ReminderContext {
  practiceId: string;
  policy: ReminderPolicy;
  recurring: boolean;
  /** The assignee's IANA zone. */
  zone: string;
  now: Date;
  /**
   * A one-off just assigned: its prompt goes out now ("you have new homework") unless promptAt
   * names a later moment on the due day. Never set when re-planning after an edit.
   */
  announce: boolean;
}

/**
 * The reminders of one homework instance, only those still ahead of `now`:
 *
 * - homework_prompt: recurring → at promptAt local time on the occurrence's local day; one-off →
 *   at promptAt on the due day when that is still ahead and before the due time, else at once
 *   when just assigned.
 * - homework_due_soon: dueSoonMinutes before the due time.
 *
 * Each reminder's occurrence key carries the instant it is planned for, so planning the same
 * reminder twice is a no-op (the outbox's dedupe key) and a moved one is a new row.
 */
export function remindersFor(inst: RemindableInstance, ctx: ReminderContext): PlannedReminder[] {
  const out: PlannedReminder[] = [];
  const now = ctx.now.getTime();
  const due = inst.dueAt.getTime();
  const base = {
    practiceId: ctx.practiceId,
    recipient: { kind: 'client' as const, clientId: inst.clientId },
    subjectType: 'homework_instance' as const,
    subjectId: inst.id,
  };
  const at = (reason: PlannedReminder['reason'], when: Date): PlannedReminder => ({
    ...base,
    reason,
    occurrenceKey: `${inst.occurrenceKey}+${when.toISOString()}`,
    at: when,
  });

  let prompt: Date | null = null;
  if (ctx.policy.promptAt) {
    const promptAt = localToUtc(utcToLocal(inst.dueAt, ctx.zone).date, ctx.policy.promptAt, ctx.zone);
    if (promptAt.getTime() > now && promptAt.getTime() < due) prompt = promptAt;
  }
  if (!prompt && !ctx.recurring && ctx.announce && due > now) prompt = ctx.now;
  if (prompt) out.push(at('homework_prompt', prompt));

  if (ctx.policy.dueSoonMinutes !== null) {
    const soon = new Date(due - ctx.policy.dueSoonMinutes * 60_000);
    if (soon.getTime() > now) out.push(at('homework_due_soon', soon));
  }
  return out;
}
