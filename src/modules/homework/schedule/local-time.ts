import { localKey, localOn, localToUtc as engineLocalToUtc, toLocal } from '../../reminders/time/local-time';

/**
 * Local wall-clock time ↔ UTC for homework, on the reminder engine's own rules
 * (src/modules/reminders/time/local-time.ts), so homework and its reminders agree to the minute:
 * a local time that does not exist that day (spring forward) moves forward to the end of the gap
 * (02:30 in New York → 03:00 EDT); one that happens twice (fall back) takes its first occurrence
 * (01:30 EDT, never also 01:30 EST).
 */

export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Wall-clock components read as if they were UTC: the "floating" time RRULE expansion works in. */
export function floatingMs(date: string, time: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  return Date.UTC(y, m - 1, d, h, mi);
}

/** The instant at which the clocks of `zone` show `date` (YYYY-MM-DD) `time` (HH:mm). */
export function localToUtc(date: string, time: string, zone: string): Date {
  return engineLocalToUtc(localOn(date, time), zone);
}

/** The local calendar date (YYYY-MM-DD) and time (HH:mm) of an instant in a zone. */
export function utcToLocal(at: Date, zone: string): { date: string; time: string } {
  const [date, time] = localKey(toLocal(at, zone)).split('T');
  return { date, time };
}
