import { DateTime } from 'luxon';
import { RRule } from 'rrule';
import { parseRrule } from '../framework/cadence';

/**
 * When a client is asked to check in: pure arithmetic, no I/O, no clock of its own.
 *
 * A schedule is an RRULE (without DTSTART) over the client's calendar days plus a local wall-clock
 * time. The rule is expanded over *local dates* (rrule.js in its "floating" mode: UTC dates that
 * stand for local ones), and each date is then pinned to the time in the client's IANA zone:
 * a time that does not exist that day (02:30 when clocks spring forward) moves forward by the
 * gap (03:30); a time that happens twice (01:30 when they fall back) fires once, at its first
 * reading — one occurrence per date either way.
 */

/** How far ahead occurrences are planned; the materialize job keeps the window rolling. */
export const CHECK_IN_HORIZON_DAYS = 14;

/** More than this many occurrences in one window would be a rule we refuse anyway. */
const MAX_OCCURRENCES = 200;

/** Check-ins are daily at most: a rule that fires more often (or sets its own time) is refused. */
const ALLOWED_FREQS = ['DAILY', 'WEEKLY', 'MONTHLY'];
const REFUSED_PARTS = ['BYHOUR', 'BYMINUTE'];

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface CheckInOccurrence {
  /** The client's calendar day, "YYYY-MM-DD": the occurrence key. */
  localDate: string;
  /** The instant, in UTC, of the local time that day. */
  at: Date;
}

export interface CheckInRule {
  rrule: string;
  /** "HH:mm" */
  localTime: string;
  /** The local date the rule counts from (INTERVAL, COUNT): the day the schedule was created. */
  anchorDate: string;
}

/** Upper-cases and strips an optional "RRULE:" prefix and whitespace. */
export function normalizeRrule(rule: string): string {
  return rule.trim().replace(/^RRULE:/i, '').toUpperCase();
}

/** Why a rule is not acceptable for check-ins, or null when it is. */
export function checkInRuleProblem(rule: string): string | null {
  const parsed = parseRrule(normalizeRrule(rule));
  if (!parsed) return 'must be an RFC 5545 RRULE such as FREQ=DAILY or FREQ=WEEKLY;BYDAY=MO,WE,FR (without DTSTART)';
  if (!ALLOWED_FREQS.includes(parsed.freq)) return `FREQ must be one of ${ALLOWED_FREQS.join(', ')}: check-ins are asked at most once a day`;
  const refused = REFUSED_PARTS.filter((p) => p in parsed.parts);
  if (refused.length) return `must not set ${refused.join(', ')}: the time of day is localTime`;
  return null;
}

export function isLocalTime(value: unknown): value is string {
  return typeof value === 'string' && HH_MM.test(value);
}

/**
 * The instant of a local wall-clock time on a local date in a zone. A time in a gap moves forward
 * by the gap; a time that happens twice is its first occurrence (the reminder engine's rules).
 */
export function localInstant(localDate: string, localTime: string, zone: string): Date {
  const [hour, minute] = localTime.split(':').map(Number);
  const [year, month, day] = localDate.split('-').map(Number);
  const resolved = DateTime.fromObject({ year, month, day, hour, minute }, { zone });
  // The wall clock read as UTC, less each offset the zone uses around that day: every reading
  // that shows this wall clock in the zone is a candidate, and the earliest wins.
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const offsets = new Set([resolved.offset, ...[-1, 1].map((d) => DateTime.fromMillis(wall + d * 86_400_000, { zone }).offset)]);
  const readings = [...offsets]
    .map((offset) => wall - offset * 60_000)
    .filter((ms) => {
      const t = DateTime.fromMillis(ms, { zone });
      return t.hour === hour && t.minute === minute && t.day === day;
    });
  return new Date(readings.length ? Math.min(...readings) : resolved.toMillis());
}

const floating = (localDate: string) => new Date(`${localDate}T00:00:00.000Z`);
const localDateOf = (instant: Date, zone: string) => DateTime.fromJSDate(instant, { zone }).toISODate()!;

/**
 * The occurrences whose instant lies in (from, until], in order. `from` is exclusive so that a
 * window that continues where the last one ended never repeats an occurrence.
 */
export function checkInOccurrences(rule: CheckInRule, zone: string, from: Date, until: Date): CheckInOccurrence[] {
  if (until <= from) return [];
  const options = RRule.parseString(normalizeRrule(rule.rrule));
  const expander = new RRule({ ...options, dtstart: floating(rule.anchorDate), tzid: null });
  // A day either side: the local dates of the window's ends, whatever the zone's offset.
  const firstDay = floating(localDateOf(from, zone));
  firstDay.setUTCDate(firstDay.getUTCDate() - 1);
  const lastDay = floating(localDateOf(until, zone));
  lastDay.setUTCDate(lastDay.getUTCDate() + 1);

  const out: CheckInOccurrence[] = [];
  for (const day of expander.between(firstDay, lastDay, true)) {
    const localDate = day.toISOString().slice(0, 10);
    const at = localInstant(localDate, rule.localTime, zone);
    if (at > from && at <= until) out.push({ localDate, at });
    if (out.length >= MAX_OCCURRENCES) break;
  }
  return out;
}

/** The end of the rolling window planned at `now`. */
export function horizonEnd(now: Date, days = CHECK_IN_HORIZON_DAYS): Date {
  return new Date(now.getTime() + days * 86_400_000);
}

/** The client's calendar day at an instant (the anchor of a new schedule). */
export function localDateAt(instant: Date, zone: string): string {
  return localDateOf(instant, zone);
}
