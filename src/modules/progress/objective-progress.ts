import type { ObjectiveMetric, ObjectiveParams } from '../treatment-plans/treatment-plan.entity';
import { addDays, isoWeekStart, LocalDate } from './local-dates';

/**
 * Objective progress, computed from check-in data and never typed in. Pure: the caller passes
 * the weekly aggregates (from SQL) and today's local date (from its clock).
 *
 * The rules:
 * - a week is an ISO week (Monday to Sunday) of the client's local dates;
 * - a week qualifies when its aggregate reaches the objective's bar (see weekQualifies); a week
 *   without data never qualifies;
 * - the current week is still running: it counts once it already qualifies, and until then it
 *   is left out rather than held against anyone;
 * - `weeksMet` counts the qualifying weeks among the last `weeks` weeks, `currentStreakWeeks`
 *   the consecutive qualifying weeks up to now (at most HORIZON_WEEKS back), and the objective
 *   is met when the streak is at least `weeks` long;
 * - for a couple, each partner is judged separately and a week qualifies for the couple only
 *   when it qualifies for both — unless params.who is 'either_partner', when their check-ins
 *   are pooled (a day counts when either checked in).
 */

/** How far back streaks are followed, in weeks (the longest objective is 52 weeks). */
export const HORIZON_WEEKS = 53;

/** Floating-point slack for averages compared with a threshold. */
const EPSILON = 1e-9;

export interface WeekAggregate {
  /** Monday of the ISO week. */
  weekStart: LocalDate;
  /** Distinct local days with at least one check-in. */
  days: number;
  checkIns: number;
  trust: number | null;
  safety: number | null;
  connection: number | null;
  mood: number | null;
  /** Check-ins that answered "were our agreements kept?", and how many of them said yes. */
  agreementsAnswered: number;
  agreementsKeptYes: number;
}

export interface PartnerWeeks {
  clientId: string;
  weeks: WeekAggregate[];
}

export interface SubjectWeeks {
  kind: 'couple' | 'client';
  partners: PartnerWeeks[];
  /** Every partner's check-ins pooled, per week (used for who = 'either_partner'). */
  pooled: WeekAggregate[];
}

export interface SeriesProgress {
  weeksMet: number;
  currentStreakWeeks: number;
  met: boolean;
  /** Whether the running week already qualifies and is counted. */
  countsCurrentWeek: boolean;
}

export interface PartnerProgress extends SeriesProgress {
  clientId: string;
}

export interface ObjectiveProgress extends SeriesProgress {
  weeksRequired: number;
  /** For a couple judged partner by partner. */
  perPartner?: PartnerProgress[];
}

export interface ObjectiveSpec {
  metric: ObjectiveMetric;
  params: ObjectiveParams;
}

/** The first local date whose check-ins can matter to objective progress as of `today`. */
export function objectiveWindowStart(today: LocalDate): LocalDate {
  return addDays(isoWeekStart(today), -7 * (HORIZON_WEEKS - 1));
}

/** Does this week's aggregate reach the objective's bar? */
export function weekQualifies(spec: ObjectiveSpec, week: WeekAggregate | undefined): boolean {
  if (!week || week.checkIns === 0) return false;
  const p = spec.params;
  switch (spec.metric) {
    case 'checkin_days':
      return week.days >= (p.daysPerWeek ?? 7);
    case 'measure_average': {
      const value = p.measure ? week[p.measure] : null;
      return value !== null && p.threshold !== undefined && value >= p.threshold - EPSILON;
    }
    case 'agreement_kept':
      return week.agreementsAnswered > 0 && week.agreementsKeptYes * 100 >= (p.percent ?? 100) * week.agreementsAnswered;
  }
}

/** Streak and count of qualifying weeks, for any week predicate. */
export function evaluateWeeks(qualifies: (weekStart: LocalDate) => boolean, weeksRequired: number, today: LocalDate): SeriesProgress {
  const current = isoWeekStart(today);
  const countsCurrentWeek = qualifies(current);
  const end = countsCurrentWeek ? current : addDays(current, -7);
  let weeksMet = 0;
  for (let i = 0; i < weeksRequired; i += 1) if (qualifies(addDays(end, -7 * i))) weeksMet += 1;
  let currentStreakWeeks = 0;
  while (currentStreakWeeks < HORIZON_WEEKS && qualifies(addDays(end, -7 * currentStreakWeeks))) currentStreakWeeks += 1;
  return { weeksMet, currentStreakWeeks, met: currentStreakWeeks >= weeksRequired, countsCurrentWeek };
}

function byWeek(weeks: WeekAggregate[]): Map<LocalDate, WeekAggregate> {
  return new Map(weeks.map((w) => [w.weekStart, w]));
}

export function evaluateObjective(spec: ObjectiveSpec, data: SubjectWeeks, today: LocalDate): ObjectiveProgress {
  const weeksRequired = spec.params.weeks;
  const pooled = data.kind === 'couple' && spec.params.who === 'either_partner';
  if (pooled || data.kind === 'client') {
    const weeks = byWeek(pooled ? data.pooled : (data.partners[0]?.weeks ?? []));
    return { weeksRequired, ...evaluateWeeks((w) => weekQualifies(spec, weeks.get(w)), weeksRequired, today) };
  }
  const partners = data.partners.map((p) => ({ clientId: p.clientId, weeks: byWeek(p.weeks) }));
  const partnerQualifies = (p: (typeof partners)[number]) => (w: LocalDate) => weekQualifies(spec, p.weeks.get(w));
  const perPartner = partners.map((p) => ({ clientId: p.clientId, ...evaluateWeeks(partnerQualifies(p), weeksRequired, today) }));
  const together = (w: LocalDate) => partners.length > 0 && partners.every((p) => partnerQualifies(p)(w));
  return { weeksRequired, ...evaluateWeeks(together, weeksRequired, today), perPartner };
}
