import { DateTime } from 'luxon';

/**
 * Calendar arithmetic on local dates ("YYYY-MM-DD"), the way check-ins record them. A local date
 * is a day on the client's calendar, not an instant: weeks are counted in days, so a week with a
 * daylight-saving change still has exactly seven of them.
 */
export type LocalDate = string;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written as YYYY-MM-DD (2026-02-30 is not). */
export function isLocalDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function toUtcDay(d: LocalDate): number {
  return Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / 86_400_000;
}

function fromUtcDay(day: number): LocalDate {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function addDays(d: LocalDate, days: number): LocalDate {
  return fromUtcDay(toUtcDay(d) + days);
}

/** b − a in days. */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  return toUtcDay(b) - toUtcDay(a);
}

/** The Monday that starts the ISO week holding `d`. */
export function isoWeekStart(d: LocalDate): LocalDate {
  const day = toUtcDay(d);
  // 1970-01-01 was a Thursday: (day + 3) mod 7 is 0 on Mondays.
  const sinceMonday = (((day + 3) % 7) + 7) % 7;
  return fromUtcDay(day - sinceMonday);
}

/** Today's date on the wall calendar of `zone` at the instant `now`. */
export function localToday(now: Date, zone: string): LocalDate {
  const dt = DateTime.fromJSDate(now, { zone });
  return (dt.isValid ? dt : DateTime.fromJSDate(now, { zone: 'UTC' })).toISODate()!;
}
