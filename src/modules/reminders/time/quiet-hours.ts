import { addLocalDays, localMsOfDay, localToUtcNotBefore, parseHhmm, toLocal } from './local-time';

/** Local wall-clock quiet hours "HH:mm"–"HH:mm" in the recipient's zone; may wrap midnight. */
export interface QuietHours {
  start: string;
  end: string;
}

const MINUTE = 60_000;

/** Whether the wall clock at `instant` in `zone` is inside the quiet hours (start inclusive, end exclusive). */
export function isInQuietHours(instant: Date, zone: string, quiet: QuietHours | null): boolean {
  if (!quiet) return false;
  const start = parseHhmm(quiet.start) * MINUTE;
  const end = parseHhmm(quiet.end) * MINUTE;
  if (start === end) return false; // an empty period, not a day-long one
  const t = localMsOfDay(instant, zone);
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/**
 * Moves an instant that falls inside the recipient's quiet hours to the END of that quiet
 * period, read on the recipient's wall clock (so a 21:00–08:00 night lasts 9 or 11 hours across
 * a DST change). The end is resolved with the engine's DST rules — if it does not exist that
 * day it is the first valid instant after the gap; if it happens twice, the first occurrence
 * not before the instant being moved. Outside quiet hours the instant is returned unchanged.
 */
export function applyQuietHours(instant: Date, zone: string, quiet: QuietHours | null): Date {
  if (!quiet || !isInQuietHours(instant, zone, quiet)) return instant;
  const start = parseHhmm(quiet.start);
  const end = parseHhmm(quiet.end);
  const local = toLocal(instant, zone);
  const t = localMsOfDay(instant, zone);
  // Wrapping period entered before midnight: it ends tomorrow; otherwise today.
  const endsTomorrow = start > end && t >= start * MINUTE;
  const day = endsTomorrow ? addLocalDays(local, 1) : local;
  const endLocal = { year: day.year, month: day.month, day: day.day, hour: Math.floor(end / 60), minute: end % 60 };
  return localToUtcNotBefore(endLocal, zone, instant) ?? instant;
}
