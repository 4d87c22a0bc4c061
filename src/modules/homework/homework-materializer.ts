import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EnvSchema } from '../../config/env.schema';
import type { PracticeId } from '../../common/tenancy/request-context';
import { HomeworkReminders } from './homework-reminders';
import { HomeworkScheduler } from './homework-scheduler';
import { HomeworkRepository } from './homework.repository';

export interface MaterializeResult {
  /** Assignments whose horizon was extended. */
  extended: number;
  /** Instances created. */
  created: number;
  /** Pending instances past their due time and grace, marked missed. */
  missed: number;
}

const BATCH = 100;

/**
 * The worker's side of homework, run by the repeatable `materialize` job on the planning queue:
 *
 * 1. extends every active recurring assignment (under an active plan, conjoint work not paused)
 *    whose occurrences stop short of now + HOMEWORK_HORIZON_DAYS, planning the new instances'
 *    reminders in the same transaction, one assignment per transaction;
 * 2. marks missed every pending instance more than HOMEWORK_MISSED_AFTER_HOURS past its due
 *    time (live homework, active plan) and cancels what is left of its reminders.
 *
 * Safe to run twice or side by side: occurrence keys are unique, the assignment row is locked
 * while it is extended, and missed instances are claimed with SKIP LOCKED.
 */
@Injectable()
export class HomeworkMaterializer {
  private readonly logger = new Logger(HomeworkMaterializer.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: HomeworkRepository,
    private readonly scheduler: HomeworkScheduler,
    private readonly reminders: HomeworkReminders,
    private readonly config: EnvSchema,
  ) {}

  async run(now: Date): Promise<MaterializeResult> {
    const result: MaterializeResult = { extended: 0, created: 0, missed: 0 };
    const until = this.scheduler.horizonEnd(now);
    const seen = new Set<string>();
    for (;;) {
      const batch = (await this.repo.dueForExtension(until, BATCH)).filter((a) => !seen.has(a.id));
      if (batch.length === 0) break;
      for (const { id, practiceId } of batch) {
        seen.add(id);
        result.created += await this.extend(practiceId, id, now, until);
        result.extended += 1;
      }
    }
    const cutoff = new Date(now.getTime() - this.config.HOMEWORK_MISSED_AFTER_HOURS * 3_600_000);
    for (;;) {
      const marked = await this.dataSource.transaction(async (m) => {
        const rows = await this.repo.markMissed(m, cutoff, BATCH * 10);
        const byPractice = new Map<PracticeId, string[]>();
        for (const r of rows) byPractice.set(r.practiceId, [...(byPractice.get(r.practiceId) ?? []), r.id]);
        for (const [practiceId, ids] of byPractice) await this.reminders.cancel(m, practiceId, ids, 'homework_missed');
        return rows.length;
      });
      result.missed += marked;
      if (marked < BATCH * 10) break;
    }
    if (result.extended || result.missed) this.logger.log(result, 'homework materialized');
    return result;
  }

  private async extend(practiceId: PracticeId, id: string, now: Date, until: Date): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const a = await this.repo.lock(m, practiceId, id);
      if (!a || a.status !== 'active' || !a.rrule || (a.materializedUntil && a.materializedUntil.getTime() >= until.getTime())) return 0;
      const people = (await this.repo.assignees(practiceId, [id], m)).map((x) => ({ clientId: x.clientId, timezone: x.timezone }));
      return (await this.scheduler.materialize(m, a, people, now)).length;
    });
  }
}
