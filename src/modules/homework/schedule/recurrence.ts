import { DateTime } from 'luxon';
import { RRule } from 'rrule';
import { parseRrule } from '../../framework/cadence';
import { floatingMs, localToUtc } from './local-time';

/**
 * Recurring homework: an RFC 5545 RRULE body, evaluated on each assignee's own calendar. The
 * rule says on which days; `dueTime` says at what local time; `startsOn` is DTSTART's day and
 * `endsOn` the last day an occurrence may fall on. Expansion happens in "floating" time (wall
 * clock read as UTC), then each occurrence is placed in the zone with localToUtc, so 20:00 stays
 * 20:00 on both sides of a daylight-saving change.
 */

export interface RecurringSchedule {
  rrule: string;
  /** Local "HH:mm" each occurrence is due. */
  dueTime: string;
  /** YYYY-MM-DD: the first day an occurrence may fall on (DTSTART's date). */
  startsOn: string;
  /** YYYY-MM-DD: the last day an occurrence may fall on, inclusive; null = open-ended. */
  endsOn: string | null;
}

export interface Occurrence {
  /** The local date-time of the occurrence, "YYYY-MM-DDTHH:mm": stable across DST and edits of other fields. */
  key: string;
  localDate: string;
  dueAt: Date;
}

/** Homework is at most daily: finer frequencies would be spam, not practice. */
export const HOMEWORK_FREQUENCIES = ['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;

const DAY_MS = 86_400_000;
/** A generous bound on one expansion (the rolling horizon holds at most one occurrence a day). */
const MAX_OCCURRENCES = 400;

/** Why this rule is not one a homework schedule accepts, or null when it is. */
export function rruleProblem(rule: string): string | null {
  const parsed = parseRrule(rule);
  if (!parsed) return 'must be an RFC 5545 RRULE body such as FREQ=DAILY or FREQ=WEEKLY;BYDAY=MO,TH (no RRULE: prefix, no DTSTART)';
  if (!(HOMEWORK_FREQUENCIES as readonly string[]).includes(parsed.freq)) {
    return `FREQ must be one of ${HOMEWORK_FREQUENCIES.join(', ')}: homework recurs at most daily`;
  }
  if ('BYHOUR' in parsed.parts || 'BYMINUTE' in parsed.parts) return 'the time of day comes from dueTime: BYHOUR and BYMINUTE are not accepted';
  if ('UNTIL' in parsed.parts) return 'the last day comes from endsOn: UNTIL is not accepted';
  return null;
}

function ruleOf(s: RecurringSchedule): RRule {
  const options = RRule.parseString(s.rrule);
  return new RRule({
    ...options,
    dtstart: new Date(floatingMs(s.startsOn, s.dueTime)),
    until: s.endsOn ? new Date(floatingMs(s.endsOn, '23:59') + 59_999) : null,
  });
}

function toOccurrence(floating: Date, zone: string): Occurrence {
  const iso = floating.toISOString();
  const localDate = iso.slice(0, 10);
  const time = iso.slice(11, 16);
  return { key: `${localDate}T${time}`, localDate, dueAt: localToUtc(localDate, time, zone) };
}

/** The wall clock of an instant in a zone, as floating milliseconds. */
function floatingOf(at: Date, zone: string): number {
  const dt = DateTime.fromJSDate(at, { zone });
  return Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second);
}

/** Occurrences due in (after, until], in due order, placed in `zone`. */
export function occurrencesBetween(s: RecurringSchedule, zone: string, after: Date, until: Date): Occurrence[] {
  if (until.getTime() <= after.getTime()) return [];
  const from = new Date(floatingOf(after, zone) - DAY_MS);
  const to = new Date(floatingOf(until, zone) + DAY_MS);
  const out: Occurrence[] = [];
  ruleOf(s).between(from, to, true, (d) => {
    const o = toOccurrence(d, zone);
    if (o.dueAt.getTime() > after.getTime() && o.dueAt.getTime() <= until.getTime()) out.push(o);
    return out.length < MAX_OCCURRENCES;
  });
  return out;
}

/** The first occurrence due strictly after `after`, or null when the rule has ended. */
export function firstOccurrenceAfter(s: RecurringSchedule, zone: string, after: Date): Occurrence | null {
  const rule = ruleOf(s);
  let cursor = new Date(floatingOf(after, zone) - DAY_MS);
  for (let i = 0; i < MAX_OCCURRENCES; i++) {
    const next = rule.after(cursor, false);
    if (!next) return null;
    const o = toOccurrence(next, zone);
    if (o.dueAt.getTime() > after.getTime()) return o;
    cursor = next;
  }
  return null;
}
