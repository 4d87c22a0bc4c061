import { addDays, daysBetween, isLocalDate, isoWeekStart, localToday } from './local-dates';
import {
  evaluateObjective,
  evaluateWeeks,
  HORIZON_WEEKS,
  objectiveWindowStart,
  ObjectiveSpec,
  SubjectWeeks,
  WeekAggregate,
  weekQualifies,
} from './objective-progress';

/** Wednesday; its ISO week starts Monday 2026-03-16. */
const TODAY = '2026-03-18';
const CURRENT = '2026-03-16';
const weekAgo = (n: number) => addDays(CURRENT, -7 * n);

function week(weekStart: string, over: Partial<WeekAggregate> = {}): WeekAggregate {
  return {
    weekStart,
    days: 0,
    checkIns: 1,
    trust: null,
    safety: null,
    connection: null,
    mood: null,
    agreementsAnswered: 0,
    agreementsKeptYes: 0,
    ...over,
  };
}

const daily = (daysPerWeek: number, weeks: number, who?: 'each_partner' | 'either_partner'): ObjectiveSpec => ({
  metric: 'checkin_days',
  params: { daysPerWeek, weeks, ...(who ? { who } : {}) },
});

const client = (weeks: WeekAggregate[]): SubjectWeeks => ({ kind: 'client', partners: [{ clientId: 'c1', weeks }], pooled: weeks });

describe('local dates', () => {
  it('validates calendar dates strictly', () => {
    expect(isLocalDate('2026-02-28')).toBe(true);
    expect(isLocalDate('2026-02-29')).toBe(false);
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2026-3-1')).toBe(false);
    expect(isLocalDate('2026-03-01T00:00')).toBe(false);
    expect(isLocalDate(20260301)).toBe(false);
  });

  it('finds the Monday of the ISO week, across month and year ends', () => {
    expect(isoWeekStart('2026-03-16')).toBe('2026-03-16');
    expect(isoWeekStart('2026-03-22')).toBe('2026-03-16');
    expect(isoWeekStart('2026-03-01')).toBe('2026-02-23');
    expect(isoWeekStart('2027-01-01')).toBe('2026-12-28');
    expect(isoWeekStart('1969-12-31')).toBe('1969-12-29');
  });

  it('keeps a daylight-saving week seven local days long (America/New_York, 2026-03-08 and 2026-11-01)', () => {
    // Spring forward: Sunday 2026-03-08 belongs to the week that started Monday 2026-03-02.
    const spring = Array.from({ length: 7 }, (_, i) => addDays('2026-03-02', i));
    expect(new Set(spring.map(isoWeekStart))).toEqual(new Set(['2026-03-02']));
    expect(isoWeekStart('2026-03-09')).toBe('2026-03-09');
    // Fall back: Sunday 2026-11-01 (25 hours long) still ends the week of 2026-10-26.
    expect(isoWeekStart('2026-11-01')).toBe('2026-10-26');
    expect(daysBetween('2026-10-26', '2026-11-02')).toBe(7);
  });

  it('reads today on the client’s wall calendar, not in UTC', () => {
    // 03:30 UTC on Monday 2026-03-09 is still Sunday evening in New York (EDT since that morning).
    expect(localToday(new Date('2026-03-09T03:30:00Z'), 'America/New_York')).toBe('2026-03-08');
    expect(localToday(new Date('2026-03-09T04:30:00Z'), 'America/New_York')).toBe('2026-03-09');
    // The night the clocks fall back: 04:30 UTC is 00:30 EDT on Sunday 2026-11-01; 05:30 UTC is 01:30 EDT.
    expect(localToday(new Date('2026-11-01T03:59:00Z'), 'America/New_York')).toBe('2026-10-31');
    expect(localToday(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toBe('2026-11-01');
    expect(isoWeekStart(localToday(new Date('2026-11-02T04:59:00Z'), 'America/New_York'))).toBe('2026-10-26');
    expect(isoWeekStart(localToday(new Date('2026-11-02T05:00:00Z'), 'America/New_York'))).toBe('2026-11-02');
  });

  it('starts the data window far enough back for the longest streak', () => {
    expect(objectiveWindowStart(TODAY)).toBe(addDays(CURRENT, -7 * (HORIZON_WEEKS - 1)));
    expect(isoWeekStart(objectiveWindowStart(TODAY))).toBe(objectiveWindowStart(TODAY));
  });
});

describe('weekQualifies', () => {
  it('checkin_days: exactly the required days qualifies, one fewer does not', () => {
    expect(weekQualifies(daily(5, 4), week(CURRENT, { days: 5 }))).toBe(true);
    expect(weekQualifies(daily(5, 4), week(CURRENT, { days: 4 }))).toBe(false);
    expect(weekQualifies(daily(7, 4), week(CURRENT, { days: 7 }))).toBe(true);
  });

  it('measure_average: an average exactly at the threshold qualifies; a week without data never does', () => {
    const trust7: ObjectiveSpec = { metric: 'measure_average', params: { measure: 'trust', threshold: 7, weeks: 2 } };
    expect(weekQualifies(trust7, week(CURRENT, { trust: 7 }))).toBe(true);
    expect(weekQualifies(trust7, week(CURRENT, { trust: 6.99 }))).toBe(false);
    expect(weekQualifies(trust7, week(CURRENT, { trust: null }))).toBe(false);
    expect(weekQualifies(trust7, undefined)).toBe(false);
    // (6 + 7 + 8) / 3 computed in floating point still counts as 7.
    const mood: ObjectiveSpec = { metric: 'measure_average', params: { measure: 'mood', threshold: 3.3, weeks: 1 } };
    expect(weekQualifies(mood, week(CURRENT, { mood: (3.1 + 3.2 + 3.6) / 3 }))).toBe(true);
  });

  it('agreement_kept: the share of yes among answered check-ins, exactly at the percent qualifies', () => {
    const eighty: ObjectiveSpec = { metric: 'agreement_kept', params: { percent: 80, weeks: 2 } };
    expect(weekQualifies(eighty, week(CURRENT, { agreementsAnswered: 5, agreementsKeptYes: 4 }))).toBe(true);
    expect(weekQualifies(eighty, week(CURRENT, { agreementsAnswered: 6, agreementsKeptYes: 4 }))).toBe(false);
    expect(weekQualifies(eighty, week(CURRENT, { agreementsAnswered: 0, agreementsKeptYes: 0 }))).toBe(false);
  });
});

describe('evaluateWeeks / evaluateObjective', () => {
  it('no data at all: nothing met, no streak', () => {
    expect(evaluateObjective(daily(5, 4), client([]), TODAY)).toEqual({
      weeksRequired: 4,
      weeksMet: 0,
      currentStreakWeeks: 0,
      met: false,
      countsCurrentWeek: false,
    });
  });

  it('a running week that has not reached the bar yet is left out, not held against the client', () => {
    const weeks = [week(CURRENT, { days: 2 }), ...[1, 2, 3, 4].map((n) => week(weekAgo(n), { days: 5 }))];
    expect(evaluateObjective(daily(5, 4), client(weeks), TODAY)).toEqual({
      weeksRequired: 4,
      weeksMet: 4,
      currentStreakWeeks: 4,
      met: true,
      countsCurrentWeek: false,
    });
  });

  it('a running week that already reached the bar counts', () => {
    const weeks = [week(CURRENT, { days: 5 }), ...[1, 2, 3].map((n) => week(weekAgo(n), { days: 6 })), week(weekAgo(5), { days: 7 })];
    expect(evaluateObjective(daily(5, 4), client(weeks), TODAY)).toEqual({
      weeksRequired: 4,
      weeksMet: 4,
      currentStreakWeeks: 4,
      met: true,
      countsCurrentWeek: true,
    });
  });

  it('a missed week breaks the streak but the window still counts the other weeks', () => {
    const weeks = [1, 2, 4].map((n) => week(weekAgo(n), { days: 5 }));
    expect(evaluateObjective(daily(5, 4), client([...weeks, week(weekAgo(3), { days: 4 })]), TODAY)).toEqual({
      weeksRequired: 4,
      weeksMet: 3,
      currentStreakWeeks: 2,
      met: false,
      countsCurrentWeek: false,
    });
  });

  it('a partial first week (the client started mid-week) counts only if it reaches the bar', () => {
    const weeks = [week(weekAgo(2), { days: 3 }), week(weekAgo(1), { days: 7 })];
    expect(evaluateObjective(daily(5, 2), client(weeks), TODAY)).toMatchObject({ weeksMet: 1, currentStreakWeeks: 1, met: false });
    expect(evaluateObjective(daily(3, 2), client(weeks), TODAY)).toMatchObject({ weeksMet: 2, currentStreakWeeks: 2, met: true });
  });

  it('a streak longer than required is reported in full, up to the horizon', () => {
    const long = Array.from({ length: 70 }, (_, i) => week(weekAgo(i + 1), { days: 7 }));
    expect(evaluateObjective(daily(7, 4), client(long), TODAY)).toMatchObject({ weeksMet: 4, currentStreakWeeks: HORIZON_WEEKS, met: true });
  });

  it('a couple is judged partner by partner: a week counts only when both reached the bar', () => {
    const subject: SubjectWeeks = {
      kind: 'couple',
      partners: [
        { clientId: 'a', weeks: [1, 2, 3].map((n) => week(weekAgo(n), { days: 6 })) },
        { clientId: 'b', weeks: [1, 3].map((n) => week(weekAgo(n), { days: 5 })).concat(week(weekAgo(2), { days: 2 })) },
      ],
      pooled: [1, 2, 3].map((n) => week(weekAgo(n), { days: 7 })),
    };
    expect(evaluateObjective(daily(5, 3), subject, TODAY)).toEqual({
      weeksRequired: 3,
      weeksMet: 2,
      currentStreakWeeks: 1,
      met: false,
      countsCurrentWeek: false,
      perPartner: [
        { clientId: 'a', weeksMet: 3, currentStreakWeeks: 3, met: true, countsCurrentWeek: false },
        { clientId: 'b', weeksMet: 2, currentStreakWeeks: 1, met: false, countsCurrentWeek: false },
      ],
    });
    // Either partner: the pooled days decide and there is no per-partner breakdown.
    expect(evaluateObjective(daily(5, 3, 'either_partner'), subject, TODAY)).toEqual({
      weeksRequired: 3,
      weeksMet: 3,
      currentStreakWeeks: 3,
      met: true,
      countsCurrentWeek: false,
    });
  });

  it('a couple with no partners on record meets nothing', () => {
    expect(evaluateObjective(daily(1, 1), { kind: 'couple', partners: [], pooled: [] }, TODAY)).toMatchObject({ met: false, weeksMet: 0, perPartner: [] });
  });

  it('evaluateWeeks works from any predicate and any weekday of today', () => {
    const qualifying = new Set([weekAgo(1), weekAgo(2)]);
    for (const today of ['2026-03-16', '2026-03-18', '2026-03-22']) {
      expect(evaluateWeeks((w) => qualifying.has(w), 2, today)).toEqual({ weeksMet: 2, currentStreakWeeks: 2, met: true, countsCurrentWeek: false });
    }
    expect(evaluateWeeks((w) => qualifying.has(w), 2, '2026-03-23')).toEqual({ weeksMet: 1, currentStreakWeeks: 0, met: false, countsCurrentWeek: false });
  });
});
