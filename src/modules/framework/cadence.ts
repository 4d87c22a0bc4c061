/**
 * Default cadences of homework templates: "once", or the body of an RFC 5545 RRULE (no
 * "RRULE:" prefix, no DTSTART: the start and the timezone come from the assignment).
 *
 * This is a strict structural check of the rule parts we accept, not an expander: expanding
 * occurrences belongs to the homework scheduler.
 */

export const ONCE = 'once';

const FREQS = ['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'] as const;
export type RruleFreq = (typeof FREQS)[number];

const WEEKDAY = '(?:MO|TU|WE|TH|FR|SA|SU)';
const intList = (min: number, max: number, signed: boolean) => (v: string) =>
  v.split(',').every((part) => {
    if (!/^[+-]?\d{1,3}$/.test(part)) return false;
    if (!signed && /^[+-]/.test(part)) return false;
    const n = Math.abs(Number(part));
    return n >= min && n <= max && (signed ? Number(part) !== 0 : true);
  });

/** The value grammar of each rule part we accept (RFC 5545 §3.3.10). */
const PARTS: Record<string, (v: string) => boolean> = {
  FREQ: (v) => (FREQS as readonly string[]).includes(v),
  INTERVAL: (v) => /^[1-9]\d{0,3}$/.test(v),
  COUNT: (v) => /^[1-9]\d{0,4}$/.test(v),
  UNTIL: (v) => /^\d{8}(T\d{6}Z?)?$/.test(v),
  BYDAY: (v) => new RegExp(`^[+-]?(?:[1-9]|[1-4]\\d|5[0-3])?${WEEKDAY}(?:,[+-]?(?:[1-9]|[1-4]\\d|5[0-3])?${WEEKDAY})*$`).test(v),
  BYMONTHDAY: intList(1, 31, true),
  BYMONTH: intList(1, 12, false),
  BYHOUR: intList(0, 23, false),
  BYMINUTE: intList(0, 59, false),
  BYSETPOS: intList(1, 366, true),
  WKST: (v) => new RegExp(`^${WEEKDAY}$`).test(v),
};

export interface ParsedRrule {
  freq: RruleFreq;
  parts: Record<string, string>;
}

/** Parses an RRULE body such as "FREQ=WEEKLY;BYDAY=SU"; null when it is not one we accept. */
export function parseRrule(rule: string): ParsedRrule | null {
  if (!rule.startsWith('FREQ=')) return null;
  const parts: Record<string, string> = {};
  for (const piece of rule.split(';')) {
    const eq = piece.indexOf('=');
    if (eq <= 0) return null;
    const name = piece.slice(0, eq);
    const value = piece.slice(eq + 1);
    const valid = PARTS[name];
    if (!valid || name in parts || !valid(value)) return null;
    parts[name] = value;
  }
  if ('COUNT' in parts && 'UNTIL' in parts) return null; // RFC 5545: at most one of them
  return { freq: parts.FREQ as RruleFreq, parts };
}

/** True for "once" or a recurrence rule we accept. */
export function isValidCadence(cadence: string): boolean {
  return cadence === ONCE || parseRrule(cadence) !== null;
}
