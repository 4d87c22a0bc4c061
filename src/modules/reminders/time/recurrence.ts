import { RRule } from 'rrule';
import { floatingMs, fromFloatingMs, LocalDateTime, localKey, parseLocalKey, resolveLocal, toLocal } from './local-time';

/**
 * RFC 5545 recurrences in a recipient's zone. The rule runs on floating local times (the wall
 * clock, no zone: "every day at 20:00" stays 20:00 across DST), then each local occurrence is
 * mapped to an instant with the engine's DST rules (gap → first valid instant after it; repeat →
 * first occurrence). Pure.
 */
export interface LocalRecurrence {
  /** The rule body, e.g. "FREQ=WEEKLY;BYDAY=MO,TH" (an "RRULE:" prefix is accepted). No DTSTART/TZID. */
  rrule: string;
  /** DTSTART as the local wall clock: the first occurrence's date and the time of every one. */
  start: LocalDateTime | string;
  /** The IANA zone the wall clock is read in. */
  zone: string;
}

export interface Occurrence {
  /** The local date-time of the occurrence, "YYYY-MM-DDTHH:mm": the occurrence key. */
  key: string;
  /** When it happens. */
  at: Date;
  /** exact, the first of a repeated hour, or moved forward out of a gap. */
  resolution: 'exact' | 'repeated' | 'skipped';
}

const DAY = 86_400_000;
/** Wider than any DST shift (at most 2 h in any zone's rules): local occurrences this far outside
 * the window's wall clock cannot land inside it. */
const MARGIN = 3 * 3_600_000;
/** A guard against rules such as FREQ=MINUTELY over a long window. */
export const MAX_OCCURRENCES = 5000;

function ruleOf(rec: LocalRecurrence): RRule {
  const body = rec.rrule.trim().replace(/^RRULE:/i, '');
  if (/(^|;)\s*(DTSTART|TZID)\s*[=:]/i.test(body) || /\n/.test(body)) {
    throw new RangeError('the rule must not carry DTSTART or TZID: the start and zone come from the recipient');
  }
  const options = RRule.parseString(body);
  if (options.freq === undefined) throw new RangeError(`not an RRULE: ${rec.rrule}`);
  const start = typeof rec.start === 'string' ? parseLocalKey(rec.start) : rec.start;
  // Floating: DTSTART's UTC fields are the local wall clock; tzid stays unset.
  return new RRule({ ...options, dtstart: new Date(floatingMs(start)), tzid: null });
}

/**
 * The occurrences whose instant falls in [from, to), earliest first, at most `limit`. Each local
 * occurrence appears once (a repeated 01:30 fires once). Two local occurrences that land on the
 * same instant (an hourly rule's 02:00 moved out of a gap onto 03:00) fire once, under the
 * earlier key.
 */
export function occurrencesBetween(rec: LocalRecurrence, from: Date, to: Date, limit = MAX_OCCURRENCES): Occurrence[] {
  if (to.getTime() <= from.getTime()) return [];
  const rule = ruleOf(rec);
  // The window's wall clock, widened by more than any DST shift on each side.
  const after = new Date(floatingMs(toLocal(from, rec.zone)) - MARGIN);
  const before = new Date(floatingMs(toLocal(to, rec.zone)) + MARGIN);
  // Up to `limit` inside plus what the margins can hold for a rule as dense as once a minute.
  const floating = rule.between(after, before, true, (_d, i) => i < limit + 2 * 180 + 2);

  const byInstant = new Map<number, Occurrence>();
  for (const f of floating) {
    const local = fromFloatingMs(f.getTime());
    const resolved = resolveLocal(local, rec.zone);
    const at = resolved.instants[0];
    if (at.getTime() < from.getTime() || at.getTime() >= to.getTime()) continue;
    const key = localKey(local);
    const existing = byInstant.get(at.getTime());
    if (existing && existing.key <= key) continue;
    byInstant.set(at.getTime(), { key, at, resolution: resolved.kind });
  }
  return [...byInstant.values()].sort((a, b) => a.at.getTime() - b.at.getTime()).slice(0, limit);
}

/** The first occurrence at or after `from` (within `horizonDays`), or null. */
export function nextOccurrence(rec: LocalRecurrence, from: Date, horizonDays = 366): Occurrence | null {
  return occurrencesBetween(rec, from, new Date(from.getTime() + horizonDays * DAY), 1)[0] ?? null;
}
