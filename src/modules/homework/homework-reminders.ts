import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PracticeId } from '../../common/tenancy/request-context';
import { PlannedReminder, REMINDER_OUTBOX, ReminderOutbox } from '../reminders/reminder.contracts';

/**
 * Homework's side of the reminder engine: every call runs inside the caller's transaction, so a
 * rolled-back change leaves no reminder behind (outbox). The subject is always the instance.
 *
 * The engine (NotificationOutbox, src/modules/reminders) provides REMINDER_OUTBOX. Until it is
 * wired in, homework still works and plans nothing — said once, loudly, at start-up.
 */
@Injectable()
export class HomeworkReminders {
  private readonly logger = new Logger(HomeworkReminders.name);

  constructor(@Optional() @Inject(REMINDER_OUTBOX) private readonly outbox?: ReminderOutbox) {
    if (!outbox) this.logger.warn('REMINDER_OUTBOX is not provided: homework reminders are not being planned');
  }

  get enabled(): boolean {
    return this.outbox !== undefined;
  }

  async plan(manager: EntityManager, reminders: PlannedReminder[]): Promise<void> {
    if (this.outbox && reminders.length) await this.outbox.plan(manager, reminders);
  }

  /** Cancels the pending reminders of these instances (submitted, excused, missed, removed). */
  async cancel(manager: EntityManager, practiceId: PracticeId, instanceIds: string[], reason: string): Promise<void> {
    if (this.outbox && instanceIds.length) await this.outbox.cancelFor(manager, practiceId, 'homework_instance', instanceIds, reason);
  }

  /** Re-plans one instance's reminders (its schedule or the reminder policy changed). */
  async replace(manager: EntityManager, practiceId: PracticeId, instanceId: string, reminders: PlannedReminder[]): Promise<void> {
    if (this.outbox) await this.outbox.replaceFor(manager, practiceId, 'homework_instance', instanceId, reminders);
  }
}
