import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PracticeId } from '../../common/tenancy/request-context';
import type { GoalRow } from '../plan-goals/goal-rows';
import { Clock } from '../../common/time/clock';
import { LocalDate, localToday } from './local-dates';
import { evaluateObjective, ObjectiveProgress, objectiveWindowStart, SubjectWeeks, WeekAggregate } from './objective-progress';
import { CheckInScope, Partner, ProgressRepository, SubjectRow, WeekRow } from './progress.repository';

/** Today on the subject's calendar: the latest of its partners' local dates (UTC with no partner). */
export function subjectToday(now: Date, partners: Partner[]): LocalDate {
  const days = partners.map((p) => localToday(now, p.timezone));
  return days.length ? days.reduce((a, b) => (a > b ? a : b)) : localToday(now, 'UTC');
}

export function scopeOf(practiceId: PracticeId, subject: SubjectRow): CheckInScope {
  return {
    practiceId,
    clientIds: subject.partners.map((p) => p.clientId),
    coupleId: subject.kind === 'couple' ? subject.id : null,
  };
}

/** The SQL rows grouped as the pure evaluation expects them. */
export function subjectWeeks(subject: SubjectRow, rows: WeekRow[]): SubjectWeeks {
  const strip = ({ clientId: _clientId, ...w }: WeekRow): WeekAggregate => w;
  return {
    kind: subject.kind,
    partners: subject.partners.map((p) => ({ clientId: p.clientId, weeks: rows.filter((r) => r.clientId === p.clientId).map(strip) })),
    pooled: rows.filter((r) => r.clientId === null).map(strip),
  };
}

export function progressByObjective(goals: GoalRow[], weeks: SubjectWeeks, today: LocalDate): Map<string, ObjectiveProgress> {
  const out = new Map<string, ObjectiveProgress>();
  for (const g of goals) for (const o of g.objectives) out.set(o.id, evaluateObjective(o, weeks, today));
  return out;
}

/** Objective progress of a plan's goals: two queries whatever the number of goals or check-ins. */
@Injectable()
export class ObjectiveProgressService {
  constructor(
    private readonly repo: ProgressRepository,
    private readonly clock: Clock,
  ) {}

  async forGoals(
    m: EntityManager,
    practiceId: PracticeId,
    plan: { coupleId: string | null; clientId: string | null },
    goals: GoalRow[],
  ): Promise<{ asOf: LocalDate; progress: Map<string, ObjectiveProgress> }> {
    const subject = await this.repo.subjectOfPlan(m, practiceId, plan);
    const today = subjectToday(this.clock.now(), subject?.partners ?? []);
    if (!subject || !goals.some((g) => g.objectives.length > 0)) return { asOf: today, progress: new Map() };
    const rows = await this.repo.weekly(m, scopeOf(practiceId, subject), objectiveWindowStart(today), today);
    return { asOf: today, progress: progressByObjective(goals, subjectWeeks(subject, rows), today) };
  }
}
