import type { WeekAggregate } from './objective-progress';
import {
  bucketStarts,
  feltUnsafe,
  MAX_RANGE_DAYS,
  PartnerRecency,
  quietPartners,
  readinessWithdrawn,
  resolveRange,
  sortMilestones,
  trustDrops,
} from './progress-rules';

const week = (weekStart: string, trust: number | null): WeekAggregate => ({
  weekStart,
  days: 1,
  checkIns: trust === null ? 0 : 1,
  trust,
  safety: null,
  connection: null,
  mood: null,
  agreementsAnswered: 0,
  agreementsKeptYes: 0,
});

const recency = (over: Partial<PartnerRecency>): PartnerRecency => ({
  clientId: 'a',
  lastCheckInOn: null,
  latestReadiness: null,
  lastReadyAt: null,
  unsafeCount: 0,
  lastUnsafeOn: null,
  ...over,
});

describe('resolveRange', () => {
  it('defaults to the running week and the eleven before it, by week', () => {
    expect(resolveRange({}, '2026-03-18')).toEqual({ ok: true, range: { from: '2025-12-29', to: '2026-03-18', bucket: 'week' } });
  });

  it('keeps what was asked, and anchors a lone `to`', () => {
    expect(resolveRange({ from: '2026-01-01', to: '2026-01-31', bucket: 'day' }, '2026-03-18')).toEqual({
      ok: true,
      range: { from: '2026-01-01', to: '2026-01-31', bucket: 'day' },
    });
    expect(resolveRange({ to: '2026-02-01' }, '2026-03-18')).toMatchObject({ ok: true, range: { from: '2025-11-10', to: '2026-02-01' } });
  });

  it('refuses a reversed or an over-long range, naming the field', () => {
    expect(resolveRange({ from: '2026-03-19', to: '2026-03-18' }, '2026-03-18')).toEqual({
      ok: false,
      problems: [{ field: 'from', reasons: ['must be on or before to'] }],
    });
    expect(resolveRange({ from: '2024-01-01', to: '2026-01-01' }, '2026-03-18')).toEqual({
      ok: false,
      problems: [{ field: 'to', reasons: [`the range may span at most ${MAX_RANGE_DAYS} days`] }],
    });
    expect(resolveRange({ from: '2024-03-18', to: '2026-03-17' }, '2026-03-18')).toMatchObject({ ok: true });
  });
});

describe('bucketStarts', () => {
  it('days: every date of the range, across a DST change', () => {
    expect(bucketStarts({ from: '2026-03-07', to: '2026-03-09', bucket: 'day' })).toEqual(['2026-03-07', '2026-03-08', '2026-03-09']);
  });

  it('weeks: the Mondays of every week the range touches', () => {
    expect(bucketStarts({ from: '2026-03-04', to: '2026-03-16', bucket: 'week' })).toEqual(['2026-03-02', '2026-03-09', '2026-03-16']);
  });
});

describe('trustDrops', () => {
  const range = { from: '2026-02-02', to: '2026-03-18', bucket: 'week' as const };

  it('flags a drop of two points or more from the week right before, and only that', () => {
    const weeks = [week('2026-02-02', 8), week('2026-02-09', 6), week('2026-02-16', 4.5), week('2026-03-02', 1), week('2026-03-09', 1.5)];
    expect(trustDrops([{ clientId: 'a', weeks }], range)).toEqual([
      { kind: 'trust_drop', clientId: 'a', on: '2026-02-09', previousAverage: 8, average: 6, drop: 2 },
    ]);
  });

  it('compares averages with floating-point slack, and rounds what it shows', () => {
    const weeks = [week('2026-02-02', 22 / 3), week('2026-02-09', 16 / 3)];
    expect(trustDrops([{ clientId: 'b', weeks }], range)).toEqual([
      { kind: 'trust_drop', clientId: 'b', on: '2026-02-09', previousAverage: 7.33, average: 5.33, drop: 2 },
    ]);
  });

  it('ignores weeks outside the range and weeks without trust answers', () => {
    const weeks = [week('2026-01-19', 9), week('2026-01-26', 3), week('2026-02-02', null), week('2026-03-23', 0)];
    expect(trustDrops([{ clientId: 'a', weeks: [...weeks, week('2026-03-16', 9)] }], range)).toEqual([]);
  });
});

describe('partner signals', () => {
  it('a partner is quiet after seven days without a check-in, or when they never checked in', () => {
    expect(
      quietPartners(
        [
          recency({ clientId: 'a', lastCheckInOn: '2026-03-11' }),
          recency({ clientId: 'b', lastCheckInOn: '2026-03-12' }),
          recency({ clientId: 'c', lastCheckInOn: null }),
        ],
        '2026-03-18',
      ),
    ).toEqual([
      { kind: 'no_recent_check_ins', clientId: 'a', on: '2026-03-11', daysSince: 7 },
      { kind: 'no_recent_check_ins', clientId: 'c', on: null, daysSince: null },
    ]);
  });

  it('readiness withdrawn only when "not yet" follows a "ready"', () => {
    const t = (s: string) => new Date(s);
    expect(
      readinessWithdrawn([
        recency({ clientId: 'a', latestReadiness: { answer: 'not_yet', on: '2026-03-10', submittedAt: t('2026-03-10T20:00:00Z') }, lastReadyAt: t('2026-03-03T20:00:00Z') }),
        recency({ clientId: 'b', latestReadiness: { answer: 'not_yet', on: '2026-03-10', submittedAt: t('2026-03-10T20:00:00Z') } }),
        recency({ clientId: 'c', latestReadiness: { answer: 'ready', on: '2026-03-10', submittedAt: t('2026-03-10T20:00:00Z') }, lastReadyAt: t('2026-03-10T20:00:00Z') }),
      ]),
    ).toEqual([{ kind: 'forgiveness_readiness_withdrawn', clientId: 'a', on: '2026-03-10' }]);
  });

  it('"I feel unsafe" reports in the range are surfaced with their count', () => {
    expect(feltUnsafe([recency({ clientId: 'a', unsafeCount: 2, lastUnsafeOn: '2026-03-01' }), recency({ clientId: 'b' })])).toEqual([
      { kind: 'felt_unsafe', clientId: 'a', on: '2026-03-01', count: 2 },
    ]);
  });
});

describe('sortMilestones', () => {
  it('orders by day, then kind, then subject and length', () => {
    expect(
      sortMilestones([
        { kind: 'check_in_streak', on: '2026-03-07', clientId: 'b', days: 7 },
        { kind: 'check_in_streak', on: '2026-03-07', clientId: 'a', days: 7 },
        { kind: 'agreement_kept', on: '2026-03-07', agreementId: 'x' },
        { kind: 'step_completed', on: '2026-03-07', stepKey: 'stabilization' },
        { kind: 'check_in_streak', on: '2026-03-01', clientId: 'b', days: 14 },
      ]).map((m) => `${m.on} ${m.kind} ${m.clientId ?? m.stepKey ?? m.agreementId}`),
    ).toEqual([
      '2026-03-01 check_in_streak b',
      '2026-03-07 step_completed stabilization',
      '2026-03-07 agreement_kept x',
      '2026-03-07 check_in_streak a',
      '2026-03-07 check_in_streak b',
    ]);
  });
});
