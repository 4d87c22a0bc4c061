import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EnvSchema } from '../../config/env.schema';
import type { PlannedReminder } from '../reminders/reminder.contracts';
import { HomeworkReminders } from './homework-reminders';
import { AssignmentRow, HomeworkRepository, InstanceRow, NewInstance } from './homework.repository';
import { firstOccurrenceAfter, occurrencesBetween, RecurringSchedule } from './schedule/recurrence';
import { remindersFor } from './schedule/reminder-plan';

/** An assignee as the scheduler needs them. */
export interface ScheduledPerson {
  clientId: string;
  timezone: string;
}

/** The occurrence key of a one-off assignment's single instance per assignee. */
export const ONCE_KEY = 'once';

export function scheduleOf(a: Pick<AssignmentRow, 'rrule' | 'dueTime' | 'startsOn' | 'endsOn'>): RecurringSchedule | null {
  return a.rrule ? { rrule: a.rrule, dueTime: a.dueTime!, startsOn: a.startsOn!, endsOn: a.endsOn } : null;
}

/**
 * Turns an assignment's schedule into instances — materialized ahead for a rolling horizon
 * (HOMEWORK_HORIZON_DAYS), not forever — and plans each new instance's reminders, inside the
 * caller's transaction. Used by the API when homework is assigned, edited or resumed, and by the
 * worker's materialize job that keeps the horizon rolling.
 */
@Injectable()
export class HomeworkScheduler {
  constructor(
    private readonly repo: HomeworkRepository,
    private readonly reminders: HomeworkReminders,
    private readonly config: EnvSchema,
  ) {}

  horizonEnd(now: Date): Date {
    return new Date(now.getTime() + this.config.HOMEWORK_HORIZON_DAYS * 86_400_000);
  }

  /**
   * What the assignment should have, per assignee: the one-off's single instance, or the
   * recurring occurrences due in (from, horizon end].
   */
  desired(a: AssignmentRow, people: ScheduledPerson[], from: Date, now: Date): NewInstance[] {
    const schedule = scheduleOf(a);
    if (!schedule) return people.map((p) => ({ clientId: p.clientId, occurrenceKey: ONCE_KEY, dueAt: a.dueAt! }));
    const until = this.horizonEnd(now);
    return people.flatMap((p) =>
      occurrencesBetween(schedule, p.timezone, from, until).map((o) => ({ clientId: p.clientId, occurrenceKey: o.key, dueAt: o.dueAt })),
    );
  }

  /**
   * Creates the instances the assignment lacks from `from` (default: where it stopped, or now) to
   * the horizon, plans their reminders, and records how far it got (and whether the rule has run
   * out and its last occurrence come due: status `ended`). Repeats are no-ops (unique occurrence
   * keys). Returns what it created.
   */
  async materialize(
    m: EntityManager,
    a: AssignmentRow,
    people: ScheduledPerson[],
    now: Date,
    opts: { announce?: boolean; from?: Date } = {},
  ): Promise<InstanceRow[]> {
    const schedule = scheduleOf(a);
    const stoppedAt = a.materializedUntil && a.materializedUntil.getTime() > now.getTime() ? a.materializedUntil : now;
    const created = await this.repo.insertInstances(m, a.practiceId, a.id, this.desired(a, people, opts.from ?? stoppedAt, now));
    await this.reminders.plan(m, this.remindersOf(a, people, created, now, opts.announce ?? false));
    if (schedule) {
      const until = this.horizonEnd(now);
      // Ended: the rule has nothing after the horizon and its last occurrence has come due (until
      // then its reminders are still to go out, and the reminder engine sends only for active homework).
      const exhausted = people.every((p) => firstOccurrenceAfter(schedule, p.timezone, until) === null);
      const lastDue = exhausted ? await this.repo.lastDueAt(m, a.practiceId, a.id) : null;
      await this.repo.setMaterialized(m, a.practiceId, a.id, until, exhausted && (lastDue === null || lastDue.getTime() <= now.getTime()));
    }
    return created;
  }

  /** The reminders of these instances of the assignment, from `now` on. */
  remindersOf(a: AssignmentRow, people: ScheduledPerson[], instances: InstanceRow[], now: Date, announce = false): PlannedReminder[] {
    const zoneOf = new Map(people.map((p) => [p.clientId, p.timezone]));
    return instances.flatMap((i) =>
      remindersFor(i, {
        practiceId: a.practiceId,
        policy: a.reminderPolicy,
        recurring: a.rrule !== null,
        zone: zoneOf.get(i.clientId) ?? 'UTC',
        now,
        announce,
      }),
    );
  }
}
