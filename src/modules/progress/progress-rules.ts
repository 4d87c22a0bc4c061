import type { FieldProblem } from '../../common/errors/validation';
import { addDays, daysBetween, isoWeekStart, LocalDate } from './local-dates';
import type { PartnerWeeks } from './objective-progress';

/**
 * The rules that turn aggregated check-in data into what a clinician should notice. Pure: the
 * aggregates come from SQL, "today" from the caller's clock.
 */

export const BUCKETS = ['day', 'week'] as const;
export type Bucket = (typeof BUCKETS)[number];

/** Default range: the running ISO week and the eleven before it. */
export const DEFAULT_WEEKS = 12;
/** The longest range one request may ask for (two years, a leap day included). */
export const MAX_RANGE_DAYS = 731;

/** A partner's weekly trust average falling this much from one week to the next is worth a look. */
export const TRUST_DROP_POINTS = 2;
/** This many days (or more) since a partner's last check-in is worth a look. */
export const QUIET_DAYS = 7;
/** Consecutive local days of check-ins that are celebrated. */
export const STREAK_MILESTONES = [7, 14, 30] as const;

const EPSILON = 1e-9;

export interface ProgressRange {
  from: LocalDate;
  to: LocalDate;
  bucket: Bucket;
}

export type RangeResult = { ok: true; range: ProgressRange } | { ok: false; problems: FieldProblem[] };

export function resolveRange(q: { from?: LocalDate; to?: LocalDate; bucket?: Bucket }, today: LocalDate): RangeResult {
  const to = q.to ?? today;
  const from = q.from ?? addDays(isoWeekStart(to), -7 * (DEFAULT_WEEKS - 1));
  if (from > to) return { ok: false, problems: [{ field: 'from', reasons: ['must be on or before to'] }] };
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) {
    return { ok: false, problems: [{ field: q.to ? 'to' : 'from', reasons: [`the range may span at most ${MAX_RANGE_DAYS} days`] }] };
  }
  return { ok: true, range: { from, to, bucket: q.bucket ?? 'week' } };
}

/** The first day of each bucket of the range (weeks start on their Monday, which may precede `from`). */
export function bucketStarts(range: ProgressRange): LocalDate[] {
  const out: LocalDate[] = [];
  if (range.bucket === 'day') {
    for (let d = range.from; d <= range.to; d = addDays(d, 1)) out.push(d);
  } else {
    for (let d = isoWeekStart(range.from); d <= range.to; d = addDays(d, 7)) out.push(d);
  }
  return out;
}

export interface ProgressWarning {
  kind: 'trust_drop' | 'no_recent_check_ins' | 'forgiveness_readiness_withdrawn' | 'felt_unsafe';
  clientId: string;
  /** The day (or, for trust_drop, the Monday of the week) the warning is about; null when never. */
  on: LocalDate | null;
  previousAverage?: number;
  average?: number;
  drop?: number;
  daysSince?: number | null;
  count?: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Week-over-week drops of a partner's trust average by TRUST_DROP_POINTS or more, for the weeks
 * of the range. Weeks are compared only with the calendar week right before them.
 */
export function trustDrops(partners: PartnerWeeks[], range: ProgressRange): ProgressWarning[] {
  const out: ProgressWarning[] = [];
  const first = isoWeekStart(range.from);
  for (const p of partners) {
    const byWeek = new Map(p.weeks.map((w) => [w.weekStart, w]));
    for (const w of [...p.weeks].sort((a, b) => a.weekStart.localeCompare(b.weekStart))) {
      if (w.weekStart < first || w.weekStart > range.to || w.trust === null) continue;
      const prev = byWeek.get(addDays(w.weekStart, -7));
      if (!prev || prev.trust === null) continue;
      const drop = prev.trust - w.trust;
      if (drop >= TRUST_DROP_POINTS - EPSILON) {
        out.push({ kind: 'trust_drop', clientId: p.clientId, on: w.weekStart, previousAverage: round2(prev.trust), average: round2(w.trust), drop: round2(drop) });
      }
    }
  }
  return out;
}

export interface PartnerRecency {
  clientId: string;
  /** Latest check-in on or before the as-of date. */
  lastCheckInOn: LocalDate | null;
  latestReadiness: { answer: 'ready' | 'not_yet'; on: LocalDate; submittedAt: Date } | null;
  /** When the partner last said "ready", if ever. */
  lastReadyAt: Date | null;
  /** "I feel unsafe" reports within the range, and the latest one's day. */
  unsafeCount: number;
  lastUnsafeOn: LocalDate | null;
}

/** No check-in for QUIET_DAYS or more as of `asOf` (or none at all). */
export function quietPartners(partners: PartnerRecency[], asOf: LocalDate): ProgressWarning[] {
  return partners.flatMap((p) => {
    const daysSince = p.lastCheckInOn ? daysBetween(p.lastCheckInOn, asOf) : null;
    return daysSince === null || daysSince >= QUIET_DAYS
      ? [{ kind: 'no_recent_check_ins' as const, clientId: p.clientId, on: p.lastCheckInOn, daysSince }]
      : [];
  });
}

/** A partner whose latest readiness answer is "not yet" after having said "ready". */
export function readinessWithdrawn(partners: PartnerRecency[]): ProgressWarning[] {
  return partners.flatMap((p) =>
    p.latestReadiness?.answer === 'not_yet' && p.lastReadyAt && p.lastReadyAt < p.latestReadiness.submittedAt
      ? [{ kind: 'forgiveness_readiness_withdrawn' as const, clientId: p.clientId, on: p.latestReadiness.on }]
      : [],
  );
}

export function feltUnsafe(partners: PartnerRecency[]): ProgressWarning[] {
  return partners.flatMap((p) => (p.unsafeCount > 0 ? [{ kind: 'felt_unsafe' as const, clientId: p.clientId, on: p.lastUnsafeOn, count: p.unsafeCount }] : []));
}

export interface Milestone {
  kind: 'step_completed' | 'check_in_streak' | 'agreement_kept';
  on: LocalDate;
  clientId?: string;
  days?: number;
  stepKey?: string;
  agreementId?: string;
}

const MILESTONE_ORDER: Record<Milestone['kind'], number> = { step_completed: 0, agreement_kept: 1, check_in_streak: 2 };

/** Oldest first; on one day, steps before agreements before streaks, then by subject and length. */
export function sortMilestones(ms: Milestone[]): Milestone[] {
  return [...ms].sort(
    (a, b) =>
      a.on.localeCompare(b.on) ||
      MILESTONE_ORDER[a.kind] - MILESTONE_ORDER[b.kind] ||
      (a.stepKey ?? a.agreementId ?? a.clientId ?? '').localeCompare(b.stepKey ?? b.agreementId ?? b.clientId ?? '') ||
      (a.days ?? 0) - (b.days ?? 0),
  );
}
