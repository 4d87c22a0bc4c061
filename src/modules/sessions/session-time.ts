import { DateTime, IANAZone } from 'luxon';
import type { FieldProblem } from '../../common/errors/validation';

/** `2025-03-09T14:00`, optionally with seconds and milliseconds, optionally with `Z` or `±hh:mm`. */
export const DATE_TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?$/;

export const MAX_SESSION_MINUTES = 8 * 60;

export type ResolvedInstant = { ok: true; instant: Date } | { ok: false; reason: string };

/**
 * Turns a wall-clock time in an IANA zone into the instant it names.
 *
 * - A time that does not exist there (the spring-forward gap) is refused.
 * - A time that happens twice (the fall-back hour) resolves to its FIRST occurrence, i.e. the
 *   earlier instant, still on the daylight-saving offset. That is what RFC 5545 prescribes for
 *   such DTSTARTs and what Temporal's "compatible" disambiguation does; a caller who means the
 *   second occurrence sends the time with its explicit offset instead.
 */
export function localToInstant(
  parts: { year: number; month: number; day: number; hour: number; minute: number; second: number; millisecond: number },
  zoneName: string,
): ResolvedInstant {
  const asUtc = DateTime.fromObject(parts, { zone: 'UTC' });
  if (!asUtc.isValid) return { ok: false, reason: 'is not a valid calendar date and time' };
  const zone = IANAZone.create(zoneName);
  if (!zone.isValid) return { ok: false, reason: 'has an unknown time zone' };
  const wall = asUtc.toMillis();
  const day = 86_400_000;
  // Transitions are far more than a day apart, so the offsets a day either side are the only
  // offsets the wall time can have.
  const offsets = new Set([zone.offset(wall - day), zone.offset(wall), zone.offset(wall + day)]);
  const candidates = [...offsets]
    .map((offsetMinutes) => wall - offsetMinutes * 60_000)
    .filter((instant) => zone.offset(instant) * 60_000 === wall - instant)
    .sort((a, b) => a - b);
  if (candidates.length === 0) {
    return { ok: false, reason: `does not exist in ${zoneName} (the clocks skip it for daylight saving)` };
  }
  return { ok: true, instant: new Date(candidates[0]) };
}

/** An ISO date-time with an offset is an instant; without one it is local to `zoneName`. */
export function resolveDateTime(value: string, zoneName: string | undefined): ResolvedInstant {
  const m = DATE_TIME_PATTERN.exec(value);
  if (!m) return { ok: false, reason: 'must be an ISO 8601 date-time such as 2025-03-09T14:00:00-05:00, or a local 2025-03-09T14:00 with timezone' };
  const [, y, mo, d, h, mi, s, ms, offset] = m;
  const parts = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s ?? 0),
    millisecond: Number((ms ?? '0').padEnd(3, '0')),
  };
  if (offset) {
    const dt = DateTime.fromObject(parts, { zone: offset === 'Z' ? 'UTC' : `UTC${offset}` });
    if (!dt.isValid || Math.abs(dt.offset) > 18 * 60) return { ok: false, reason: 'is not a valid date-time' };
    return { ok: true, instant: dt.toJSDate() };
  }
  if (!zoneName) return { ok: false, reason: 'has no UTC offset, so timezone is required' };
  return localToInstant(parts, zoneName);
}

export function hasOffset(value: string): boolean {
  return DATE_TIME_PATTERN.exec(value)?.[8] !== undefined;
}

export interface SessionTimes {
  startsAt: Date;
  endsAt: Date;
}

/**
 * Resolves a booking's start and end and checks the span: it ends after it starts and lasts at
 * most MAX_SESSION_MINUTES. Problems name the field.
 */
export function resolveSessionTimes(
  input: { startsAt: string; endsAt: string },
  zoneName: string | undefined,
): { ok: true; times: SessionTimes } | { ok: false; problems: FieldProblem[] } {
  const start = resolveDateTime(input.startsAt, zoneName);
  const end = resolveDateTime(input.endsAt, zoneName);
  const problems: FieldProblem[] = [];
  if (!start.ok) problems.push({ field: 'startsAt', reasons: [start.reason] });
  if (!end.ok) problems.push({ field: 'endsAt', reasons: [end.reason] });
  if (!start.ok || !end.ok) return { ok: false, problems };
  return checkSpan({ startsAt: start.instant, endsAt: end.instant });
}

export function checkSpan(times: SessionTimes): { ok: true; times: SessionTimes } | { ok: false; problems: FieldProblem[] } {
  const minutes = (times.endsAt.getTime() - times.startsAt.getTime()) / 60_000;
  if (minutes <= 0) return { ok: false, problems: [{ field: 'endsAt', reasons: ['must be after startsAt'] }] };
  if (minutes > MAX_SESSION_MINUTES) {
    return { ok: false, problems: [{ field: 'endsAt', reasons: [`must be at most ${MAX_SESSION_MINUTES / 60} hours after startsAt`] }] };
  }
  return { ok: true, times };
}

/** The instant as the wall clock of the zone shows it, with its offset. */
export function toLocalIso(instant: Date, zoneName: string): string {
  return DateTime.fromJSDate(instant, { zone: zoneName }).toISO({ suppressMilliseconds: true }) ?? instant.toISOString();
}
