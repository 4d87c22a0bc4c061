import { DateTime, IANAZone } from 'luxon';

/**
 * Local wall-clock time in a named IANA zone, and its mapping to instants, with the two DST
 * rules of the reminder engine:
 *
 * - a local time that does not exist that day (spring-forward gap) moves FORWARD to the first
 *   valid instant, i.e. the end of the gap (02:30 on a New York spring-forward day → 03:00 EDT;
 *   02:15 on a Lord Howe spring-forward day → 02:30 +11);
 * - a local time that happens twice (fall-back repeat) fires ONCE, at its first occurrence
 *   (01:30 on a New York fall-back day → 01:30 EDT, never also 01:30 EST).
 *
 * Pure: no system clock, no I/O.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A wall-clock date and time, to the minute. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOCAL_KEY = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

function assertZone(zone: string): void {
  if (!isValidZone(zone)) throw new RangeError(`unknown IANA time zone: ${zone}`);
}

/** "HH:mm" → minutes after local midnight. */
export function parseHhmm(value: string): number {
  const m = HHMM.exec(value);
  if (!m) throw new RangeError(`not a HH:mm time: ${value}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function isHhmm(value: string): boolean {
  return HHMM.test(value);
}

/** "YYYY-MM-DDTHH:mm" → LocalDateTime (validated: no 31 February). */
export function parseLocalKey(key: string): LocalDateTime {
  const m = LOCAL_KEY.exec(key);
  if (!m) throw new RangeError(`not a local date-time "YYYY-MM-DDTHH:mm": ${key}`);
  const local = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]) };
  assertRealDate(local.year, local.month, local.day, key);
  return local;
}

/** "YYYY-MM-DD" + "HH:mm" → LocalDateTime. */
export function localOn(date: string, time: string): LocalDateTime {
  const d = DATE.exec(date);
  if (!d) throw new RangeError(`not a date "YYYY-MM-DD": ${date}`);
  const minutes = parseHhmm(time);
  const local = { year: Number(d[1]), month: Number(d[2]), day: Number(d[3]), hour: Math.floor(minutes / 60), minute: minutes % 60 };
  assertRealDate(local.year, local.month, local.day, date);
  return local;
}

function assertRealDate(year: number, month: number, day: number, label: string): void {
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new RangeError(`not a real date: ${label}`);
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The canonical key of a local date-time: "YYYY-MM-DDTHH:mm" (also an occurrence key). */
export function localKey(local: LocalDateTime): string {
  return `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}`;
}

/**
 * The wall clock as if it were UTC: a "floating" time. rrule works on these, and offsets are
 * differences between them and real instants.
 */
export function floatingMs(local: LocalDateTime): number {
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
}

export function fromFloatingMs(ms: number): LocalDateTime {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
}

/** Offset of the zone from UTC at an instant, in minutes (east positive). */
function offsetAt(ms: number, zone: string): number {
  return IANAZone.create(zone).offset(ms);
}

/** The wall clock of an instant in a zone (seconds dropped). */
export function toLocal(instant: Date, zone: string): LocalDateTime {
  assertZone(zone);
  const dt = DateTime.fromMillis(instant.getTime(), { zone });
  return { year: dt.year, month: dt.month, day: dt.day, hour: dt.hour, minute: dt.minute };
}

/** The wall-clock time of day of an instant in a zone, in milliseconds after local midnight. */
export function localMsOfDay(instant: Date, zone: string): number {
  const dt = DateTime.fromMillis(instant.getTime(), { zone });
  return ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.millisecond;
}

/** Adds calendar days to a local date (wall clock), keeping the time of day. */
export function addLocalDays(local: LocalDateTime, days: number): LocalDateTime {
  return fromFloatingMs(floatingMs(local) + days * DAY);
}

export type LocalResolution =
  /** The wall time happens once. */
  | { kind: 'exact'; instants: [Date] }
  /** It happens twice (fall-back); both instants, earliest first. */
  | { kind: 'repeated'; instants: [Date, Date] }
  /** It does not happen (spring-forward); the first valid instant after the gap. */
  | { kind: 'skipped'; instants: [Date] };

/**
 * Every instant at which the zone's wall clock shows `local`, or, when there is none (a gap),
 * the first instant after the gap. Assumes at most one offset change within a day of `local`,
 * true of every zone's modern rules.
 */
export function resolveLocal(local: LocalDateTime, zone: string): LocalResolution {
  assertZone(zone);
  const wall = floatingMs(local);
  const before = offsetAt(wall - DAY, zone);
  const after = offsetAt(wall + DAY, zone);
  const candidates = [...new Set([before, offsetAt(wall, zone), after])]
    .map((offset) => wall - offset * MINUTE)
    .filter((ms) => wall - offsetAt(ms, zone) * MINUTE === ms)
    .sort((a, b) => a - b);
  const unique = [...new Set(candidates)];
  if (unique.length === 1) return { kind: 'exact', instants: [new Date(unique[0])] };
  if (unique.length >= 2) return { kind: 'repeated', instants: [new Date(unique[0]), new Date(unique[1])] };

  // A gap: the wall clock jumps from before `local` to after it. The change happened at an
  // instant t with wall - after < t <= wall - before; find the first instant with the new offset.
  let lo = wall - after * MINUTE; // still the old offset
  let hi = wall - before * MINUTE; // already the new offset
  if (offsetAt(hi, zone) === offsetAt(lo, zone)) {
    // Not a simple gap (should not happen with real zones): fall back to the old offset.
    return { kind: 'skipped', instants: [new Date(hi)] };
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (offsetAt(mid, zone) === offsetAt(hi, zone)) hi = mid;
    else lo = mid;
  }
  return { kind: 'skipped', instants: [new Date(hi)] };
}

/**
 * Local wall-clock time → the one instant a reminder fires at: the time itself, the first of
 * two occurrences on a fall-back day, or the end of the gap on a spring-forward day.
 */
export function localToUtc(local: LocalDateTime | string, zone: string): Date {
  const l = typeof local === 'string' ? parseLocalKey(local) : local;
  return resolveLocal(l, zone).instants[0];
}

/**
 * The first instant at or after `notBefore` at which the wall clock reads `local` (or the end of
 * its gap). Used where "the end of the quiet hours" must never come before the time it moves.
 */
export function localToUtcNotBefore(local: LocalDateTime, zone: string, notBefore: Date): Date | null {
  const found = resolveLocal(local, zone).instants.find((i) => i.getTime() >= notBefore.getTime());
  return found ?? null;
}
