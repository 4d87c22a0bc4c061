import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { NotFoundError } from '../../common/errors/domain-error';
import { RequestValidationException } from '../../common/errors/validation';
import { PracticeId, Principal } from '../../common/tenancy/request-context';
import { loadGoalsWithObjectives } from '../plan-goals/goal-rows';
import { toGoalResponse } from '../plan-goals/goal-mapping';
import { Clock } from '../../common/time/clock';
import { ProgressQueryDto, ProgressResponseDto } from './dto/progress.dto';
import { addDays, isoWeekStart, LocalDate } from './local-dates';
import { objectiveWindowStart } from './objective-progress';
import { progressByObjective, scopeOf, subjectToday, subjectWeeks } from './objective-progress.service';
import {
  bucketStarts,
  feltUnsafe,
  Milestone,
  quietPartners,
  readinessWithdrawn,
  resolveRange,
  sortMilestones,
  STREAK_MILESTONES,
  trustDrops,
} from './progress-rules';
import { ProgressRepository, SubjectKind } from './progress.repository';

const minDate = (a: LocalDate, b: LocalDate) => (a < b ? a : b);
const maxDate = (a: LocalDate, b: LocalDate) => (a > b ? a : b);
const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * A couple's or a client's progress for the care team: check-in trends per partner, the plan's
 * step timeline, objective progress, agreement adherence, milestones and warnings.
 *
 * Everything is aggregated in PostgreSQL, in a fixed number of queries (one consistent snapshot)
 * whatever the number of check-ins; the rules applied to the aggregates are the pure functions
 * of objective-progress.ts and progress-rules.ts.
 */
@Injectable()
export class ProgressService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: ProgressRepository,
    private readonly access: ClinicalAccess,
    private readonly clock: Clock,
  ) {}

  async forCouple(p: Principal, coupleId: string, q: ProgressQueryDto): Promise<ProgressResponseDto> {
    await this.access.assertCoupleClinical(p, coupleId);
    return this.report(p.practiceId, 'couple', coupleId, q);
  }

  async forClient(p: Principal, clientId: string, q: ProgressQueryDto): Promise<ProgressResponseDto> {
    await this.access.assertClientClinical(p, clientId);
    return this.report(p.practiceId, 'client', clientId, q);
  }

  private report(practiceId: PracticeId, kind: SubjectKind, id: string, q: ProgressQueryDto): Promise<ProgressResponseDto> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const subject = await this.repo.subject(m, practiceId, kind, id);
      if (!subject) throw new NotFoundError(kind === 'couple' ? 'Couple' : 'Client');
      const today = subjectToday(this.clock.now(), subject.partners);
      const resolved = resolveRange(q, today);
      if (!resolved.ok) throw new RequestValidationException(resolved.problems);
      const range = resolved.range;
      const asOf = minDate(range.to, today);
      const scope = scopeOf(practiceId, subject);
      const timezone = subject.partners[0]?.timezone ?? 'UTC';

      const series = await this.repo.series(m, scope, range.from, range.to, range.bucket, bucketStarts(range));
      // One weekly pass serves both the objectives (up to today) and the trust trend (the range, and the week before it).
      const weekly = await this.repo.weekly(
        m,
        scope,
        minDate(addDays(isoWeekStart(range.from), -7), objectiveWindowStart(today)),
        maxDate(range.to, today),
      );
      const recency = await this.repo.recency(m, scope, range.from, asOf);
      const streaks = await this.repo.streaks(m, scope, range.from, range.to, STREAK_MILESTONES);
      const plan = subject.plan;
      const steps = plan ? await this.repo.steps(m, practiceId, plan.id) : [];
      const events = plan ? await this.repo.stepEvents(m, practiceId, plan.id, timezone) : [];
      const goals = plan ? await loadGoalsWithObjectives(m, practiceId, plan.id) : [];
      const agreements = kind === 'couple' ? await this.repo.agreements(m, practiceId, id, today, timezone) : [];

      const weeks = subjectWeeks(subject, weekly);
      const progress = progressByObjective(goals, weeks, today);
      const inRange = (d: LocalDate | null) => d !== null && d >= range.from && d <= range.to;

      const milestones: Milestone[] = [
        ...events.filter((e) => e.kind === 'step_completed' && inRange(e.localDate)).map((e) => ({ kind: 'step_completed' as const, on: e.localDate, stepKey: e.stepKey })),
        ...agreements
          .filter((a) => a.keptThroughReview && inRange(a.reviewOn))
          .map((a) => ({ kind: 'agreement_kept' as const, on: a.reviewOn!, agreementId: a.id })),
        ...streaks.map((s) => ({ kind: 'check_in_streak' as const, on: s.on, clientId: s.clientId, days: s.days })),
      ];

      return {
        subject: {
          kind: subject.kind,
          id: subject.id,
          partners: subject.partners.map((p) => ({ clientId: p.clientId, recoveryRole: p.recoveryRole })),
        },
        range: { ...range, today },
        series: subject.partners.map((p) => ({
          clientId: p.clientId,
          points: series.filter((r) => r.clientId === p.clientId).map(({ clientId: _c, ...point }) => point),
        })),
        forgivenessReadiness: recency.map((r) => ({
          clientId: r.clientId,
          answer: r.latestReadiness?.answer ?? null,
          answeredOn: r.latestReadiness?.on ?? null,
        })),
        plan: plan
          ? {
              id: plan.id,
              status: plan.status,
              frameworkVersion: plan.frameworkVersion,
              steps: steps.map((s) => ({ ...s, activatedAt: iso(s.activatedAt), completedAt: iso(s.completedAt), waivedAt: iso(s.waivedAt) })),
              events: events.map((e) => ({
                kind: e.kind,
                stepKey: e.stepKey,
                fromState: e.fromState,
                toState: e.toState,
                reason: e.reason,
                at: iso(e.at)!,
                localDate: e.localDate,
              })),
            }
          : null,
        goals: goals.map((g) => toGoalResponse(g, progress, today)),
        agreements: agreements.map((a) => ({
          id: a.id,
          kind: a.kind,
          stepKey: a.stepKey,
          status: a.status,
          revision: a.revision,
          revisionSince: iso(a.revisionSince)!,
          reviewOn: a.reviewOn,
          counts: a.perPartner.reduce((t, x) => ({ yes: t.yes + x.yes, partly: t.partly + x.partly, no: t.no + x.no }), { yes: 0, partly: 0, no: 0 }),
          perPartner: subject.partners.map((p) => a.perPartner.find((x) => x.clientId === p.clientId) ?? { clientId: p.clientId, yes: 0, partly: 0, no: 0 }),
          keptThroughReview: a.keptThroughReview,
        })),
        milestones: sortMilestones(milestones),
        warnings: [...trustDrops(weeks.partners, range), ...quietPartners(recency, asOf), ...readinessWithdrawn(recency), ...feltUnsafe(recency)],
      };
    });
  }
}
