import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PracticeId } from '../../common/tenancy/request-context';
import { PlannedReminder, REMINDER_OUTBOX, ReminderOutbox } from '../reminders/reminder.contracts';

/**
 * Homework's side of the reminder engine (REMINDER_OUTBOX, provided globally by RemindersModule):
 * every call runs inside the caller's transaction, so a rolled-back change leaves no reminder
 * behind (outbox). The subject is always the instance.
 */
@Injectable()
export class HomeworkReminders {
  constructor(@Inject(REMINDER_OUTBOX) private readonly outbox: ReminderOutbox) {}

  async plan(manager: EntityManager, reminders: PlannedReminder[]): Promise<void> {
    if (reminders.length) await this.outbox.plan(manager, reminders);
  }

  /** Cancels the pending reminders of these instances (submitted, excused, missed, removed). */
  async cancel(manager: EntityManager, practiceId: PracticeId, instanceIds: string[], reason: string): Promise<void> {
    if (instanceIds.length) await this.outbox.cancelFor(manager, practiceId, 'homework_instance', instanceIds, reason);
  }

  /** Re-plans one instance's reminders (its schedule or the reminder policy changed, or it was reopened). */
  async replace(manager: EntityManager, practiceId: PracticeId, instanceId: string, reminders: PlannedReminder[]): Promise<void> {
    await this.outbox.replaceFor(manager, practiceId, 'homework_instance', instanceId, reminders);
  }
}
