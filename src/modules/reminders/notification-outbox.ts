import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EnvSchema } from '../../config/env.schema';
import type { NotificationSubject } from '../notifications/notification.entity';
import { InsertedRow, OutboxRepository } from './outbox.repository';
import { assertValidReminder, diffReplan, InvalidReminderError, OutboxRow, planRows } from './planning';
import { loadRecipientFacts, RecipientRef, recipientRefKey } from './recipient-facts';
import type { PlannedReminder, ReminderOutbox } from './reminder.contracts';
import { Clock } from './time/clock';

/** Why replaceFor cancelled a pending row (the delivery log shows it). */
export const REPLANNED = 'replanned';

const refOf = (r: PlannedReminder): RecipientRef => ({
  practiceId: r.practiceId,
  kind: r.recipient.kind,
  id: r.recipient.kind === 'client' ? r.recipient.clientId : r.recipient.userId,
});

/**
 * The reminder engine's write side (the outbox). Features call it inside their own transaction,
 * with their EntityManager: the rows commit or roll back with the change that causes them, and
 * nothing is put in Redis here — the sweep does that from committed rows. When something is due
 * within the near-term window, a NOTIFY (delivered by PostgreSQL on commit only) wakes the
 * sweepers so it does not wait for the next periodic sweep.
 */
@Injectable()
export class NotificationOutbox implements ReminderOutbox {
  constructor(
    private readonly repo: OutboxRepository,
    private readonly clock: Clock,
    private readonly config: EnvSchema,
  ) {}

  async plan(manager: EntityManager, reminders: PlannedReminder[]): Promise<void> {
    if (reminders.length === 0) return;
    reminders.forEach(assertValidReminder);
    const rows = await this.rowsFor(manager, reminders);
    await this.wakeIfNearTerm(manager, await this.repo.insert(manager, rows));
  }

  async cancelFor(manager: EntityManager, practiceId: string, subjectType: NotificationSubject, subjectIds: string[], reason: string): Promise<number> {
    return this.repo.cancelForSubjects(manager, practiceId, subjectType, [...new Set(subjectIds)], this.reasonOf(reason));
  }

  async replaceFor(manager: EntityManager, practiceId: string, subjectType: NotificationSubject, subjectId: string, reminders: PlannedReminder[]): Promise<void> {
    for (const r of reminders) {
      assertValidReminder(r);
      if (r.practiceId !== practiceId || r.subjectType !== subjectType || r.subjectId !== subjectId) {
        throw new InvalidReminderError('replaceFor: every reminder must be about the subject being replaced');
      }
    }
    await this.repo.lockSubject(manager, subjectType, subjectId);
    const existing = await this.repo.liveRowsOf(manager, practiceId, subjectType, subjectId);
    const planned = await this.rowsFor(manager, reminders);
    const diff = diffReplan(existing, planned);
    await this.repo.cancelPending(manager, practiceId, diff.cancel, REPLANNED, true);
    await this.repo.release(manager, practiceId, diff.release);
    await this.wakeIfNearTerm(manager, await this.repo.insert(manager, diff.insert));
  }

  private async rowsFor(manager: EntityManager, reminders: PlannedReminder[]): Promise<OutboxRow[]> {
    const facts = await loadRecipientFacts(manager, reminders.map(refOf));
    return reminders.flatMap((r) => {
      const recipient = facts.get(recipientRefKey(refOf(r)));
      if (!recipient) throw new InvalidReminderError(`recipient ${r.recipient.kind} not found in practice (${r.reason}:${r.subjectType}:${r.subjectId})`);
      return planRows(r, recipient);
    });
  }

  private async wakeIfNearTerm(manager: EntityManager, inserted: InsertedRow[]): Promise<void> {
    const horizon = this.clock.now().getTime() + this.config.REMINDER_NEAR_TERM_WINDOW_SECONDS * 1000;
    if (inserted.some((r) => r.state === 'pending' && new Date(r.scheduledFor).getTime() < horizon)) await this.repo.wakeSweepers(manager);
  }

  /** A short machine reason for the delivery log (never free text): [a-z0-9_.:-], at most 80. */
  private reasonOf(reason: string): string {
    const short = reason.trim().toLowerCase().replace(/[^a-z0-9_.:-]+/g, '_').slice(0, 80);
    return short || 'cancelled';
  }
}
