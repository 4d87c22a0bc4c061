import { DateTime, IANAZone } from 'luxon';

/**
 * Local wall-clock time → UTC instant in a named IANA zone, with the reminder engine's DST rules:
 * a local time that does not exist that day (spring forward) moves forward to the first valid
 * instant, the end of the gap (02:30 in New York → 03:00 EDT); a local time that happens twice
 * (fall back) takes its first occurrence (01:30 EDT, never also 01:30 EST).
 *
 * Luxon alone does not give either (it shifts by the gap, and picks the later offset in some
 * zones), so the candidates are computed explicitly from the offsets in force a day before and
 * a day after.
 */

export const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

const DAY_MS = 86_400_000;

/** Wall-clock components read as if they were UTC: the "floating" time RRULE expansion works in. */
export function floatingMs(date: string, time: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  return Date.UTC(y, m - 1, d, h, mi);
}

function offsetMs(zone: IANAZone, at: number): number {
  return zone.offset(at) * 60_000;
}

/** The instant at which the clocks of `zone` show `date` (YYYY-MM-DD) `time` (HH:mm). */
export function localToUtc(date: string, time: string, zoneName: string): Date {
  const zone = IANAZone.create(zoneName);
  if (!zone.isValid) throw new Error(`unknown time zone ${zoneName}`);
  const wall = floatingMs(date, time);
  const before = offsetMs(zone, wall - DAY_MS);
  const after = offsetMs(zone, wall + DAY_MS);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => instant + offsetMs(zone, instant) === wall)
    .sort((a, b) => a - b);
  if (candidates.length) return new Date(candidates[0]);
  // A gap: the clocks jumped over `wall`. The change happened between these two instants; the
  // first one with the new offset is the end of the gap.
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (offsetMs(zone, mid) === offsetMs(zone, hi)) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

/** The local calendar date (YYYY-MM-DD) and time (HH:mm) of an instant in a zone. */
export function utcToLocal(at: Date, zoneName: string): { date: string; time: string } {
  const dt = DateTime.fromJSDate(at, { zone: zoneName });
  return { date: dt.toFormat('yyyy-MM-dd'), time: dt.toFormat('HH:mm') };
}
