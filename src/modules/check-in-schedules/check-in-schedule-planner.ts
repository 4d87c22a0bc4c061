import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { PracticeId } from '../../common/tenancy/request-context';
import { Clock } from '../../common/time/clock';
import { PlannedReminder, REMINDER_OUTBOX, ReminderOutbox } from '../reminders/reminder.contracts';
import { CheckInOccurrence, checkInOccurrences, CHECK_IN_HORIZON_DAYS, horizonEnd, localDateAt } from './check-in-occurrences';
import { CheckInSchedulesRepository, ScheduleRow } from './check-in-schedules.repository';

/** A schedule is extended once less than this much of its window is left. */
const EXTEND_WHEN_LEFT_DAYS = CHECK_IN_HORIZON_DAYS - 1;
const EXTENSION_BATCH = 200;

/** The occurrences of a schedule in (from, until], in its client's zone. */
export function scheduleOccurrences(s: ScheduleRow, from: Date, until: Date): CheckInOccurrence[] {
  return checkInOccurrences({ rrule: s.rrule, localTime: s.localTime, anchorDate: localDateAt(s.createdAt, s.timezone) }, s.timezone, from, until);
}

/** One check_in reminder per occurrence, keyed by the client's local date. */
export function checkInReminders(s: Pick<ScheduleRow, 'id' | 'practiceId' | 'clientId'>, occurrences: CheckInOccurrence[]): PlannedReminder[] {
  return occurrences.map((o) => ({
    practiceId: s.practiceId,
    recipient: { kind: 'client', clientId: s.clientId },
    reason: 'check_in',
    subjectType: 'check_in_schedule',
    subjectId: s.id,
    occurrenceKey: o.localDate,
    at: o.at,
  }));
}

/**
 * Turns check-in schedules into reminders through the outbox: re-planning a saved schedule
 * inside its transaction, and the materialize-check-ins job that keeps every schedule's 14-day
 * window rolling. No access checks here: the API checks before it calls, the job runs for the
 * service and takes ids from the database.
 */
@Injectable()
export class CheckInSchedulePlanner {
  private readonly logger = new Logger(CheckInSchedulePlanner.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly schedules: CheckInSchedulesRepository,
    private readonly clock: Clock,
    @Inject(REMINDER_OUTBOX) private readonly outbox: ReminderOutbox,
  ) {}

  /**
   * Replaces the pending reminders of a schedule by those of its next window (none when it is
   * inactive or its client archived), inside the caller's transaction.
   */
  async replan(m: EntityManager, row: ScheduleRow, now: Date): Promise<void> {
    if (!row.active || row.clientStatus !== 'active') {
      await this.outbox.cancelFor(m, row.practiceId, 'check_in_schedule', [row.id], row.active ? 'client_archived' : 'schedule_inactive');
      await this.schedules.setMaterializedUntil(m, row.practiceId, row.id, null);
      return;
    }
    const until = horizonEnd(now);
    await this.outbox.replaceFor(m, row.practiceId, 'check_in_schedule', row.id, checkInReminders(row, scheduleOccurrences(row, now, until)));
    await this.schedules.setMaterializedUntil(m, row.practiceId, row.id, until);
  }

  /**
   * The client checked in on `localDate` (their calendar day): that day's reminder is no longer
   * wanted. Re-plans the planned window without it, inside the check-in's transaction; a reminder
   * already sent stays as it is.
   */
  async checkedIn(m: EntityManager, practiceId: PracticeId, clientId: string, localDate: string, now: Date): Promise<void> {
    const row = await this.schedules.findByClient(practiceId, clientId, m, true);
    if (!row || !row.active || row.clientStatus !== 'active' || !row.materializedUntil || row.materializedUntil <= now) return;
    const rest = scheduleOccurrences(row, now, row.materializedUntil).filter((o) => o.localDate !== localDate);
    await this.outbox.replaceFor(m, practiceId, 'check_in_schedule', row.id, checkInReminders(row, rest));
  }

  /**
   * Extends one schedule's planned window to now + 14 days: plans only the occurrences after
   * what is already planned, so running it twice (two workers, a retried job) plans nothing new.
   */
  async extend(practiceId: PracticeId, id: string, now = this.clock.now()): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const row = await this.schedules.findById(practiceId, id, m, true);
      if (!row || !row.active) return 0;
      if (row.clientStatus !== 'active') {
        await this.replan(m, row, now);
        return 0;
      }
      const until = horizonEnd(now);
      const from = row.materializedUntil && row.materializedUntil > now ? row.materializedUntil : now;
      if (until <= from) return 0;
      const reminders = checkInReminders(row, scheduleOccurrences(row, from, until));
      if (reminders.length) await this.outbox.plan(m, reminders);
      await this.schedules.setMaterializedUntil(m, practiceId, id, until);
      return reminders.length;
    });
  }

  /** The job: extends every schedule whose window runs short, in batches; returns how many were extended. */
  async extendDue(now = this.clock.now()): Promise<number> {
    const threshold = new Date(now.getTime() + EXTEND_WHEN_LEFT_DAYS * 86_400_000);
    let extended = 0;
    let after: string | null = null;
    for (;;) {
      const batch = await this.schedules.dueForExtension(threshold, EXTENSION_BATCH, after);
      for (const s of batch) {
        try {
          await this.extend(s.practiceId, s.id, now);
          extended += 1;
        } catch (err) {
          // One bad schedule must not stop the others; the next run tries it again.
          this.logger.error({ scheduleId: s.id, err: (err as Error).message }, 'check-in schedule extension failed');
        }
      }
      if (batch.length < EXTENSION_BATCH) return extended;
      after = batch[batch.length - 1].id;
    }
  }

}
