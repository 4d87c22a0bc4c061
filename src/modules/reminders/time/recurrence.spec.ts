import { nextOccurrence, occurrencesBetween } from './recurrence';

const list = (occ: Array<{ key: string; at: Date }>) => occ.map((o) => `${o.key} ${o.at.toISOString()}`);

describe('recurrence in a zone (RRULE on floating local times, then DST rules)', () => {
  it('daily at 02:30 across the New York spring-forward gap: 8 March fires at 03:00 EDT', () => {
    const occ = occurrencesBetween(
      { rrule: 'FREQ=DAILY', start: '2026-03-06T02:30', zone: 'America/New_York' },
      new Date('2026-03-06T00:00Z'),
      new Date('2026-03-10T00:00Z'),
    );
    expect(list(occ)).toEqual([
      '2026-03-06T02:30 2026-03-06T07:30:00.000Z',
      '2026-03-07T02:30 2026-03-07T07:30:00.000Z',
      '2026-03-08T02:30 2026-03-08T07:00:00.000Z',
      '2026-03-09T02:30 2026-03-09T06:30:00.000Z',
    ]);
    expect(occ[2].resolution).toBe('skipped');
  });

  it('daily at 01:30 across the New York fall-back: 1 November fires once, at the first 01:30', () => {
    const occ = occurrencesBetween(
      { rrule: 'RRULE:FREQ=DAILY', start: '2026-10-30T01:30', zone: 'America/New_York' },
      new Date('2026-10-31T00:00Z'),
      new Date('2026-11-03T00:00Z'),
    );
    expect(list(occ)).toEqual([
      '2026-10-31T01:30 2026-10-31T05:30:00.000Z',
      '2026-11-01T01:30 2026-11-01T05:30:00.000Z',
      '2026-11-02T01:30 2026-11-02T06:30:00.000Z',
    ]);
  });

  it('an hourly rule does not fire twice in the repeated hour, nor twice when the gap folds 02:00 onto 03:00', () => {
    const fall = occurrencesBetween(
      { rrule: 'FREQ=HOURLY', start: '2026-11-01T00:00', zone: 'America/New_York' },
      new Date('2026-11-01T04:00Z'),
      new Date('2026-11-01T08:00Z'),
    );
    expect(list(fall)).toEqual([
      '2026-11-01T00:00 2026-11-01T04:00:00.000Z',
      '2026-11-01T01:00 2026-11-01T05:00:00.000Z',
      '2026-11-01T02:00 2026-11-01T07:00:00.000Z',
    ]);
    const spring = occurrencesBetween(
      { rrule: 'FREQ=HOURLY', start: '2026-03-08T00:00', zone: 'America/New_York' },
      new Date('2026-03-08T05:00Z'),
      new Date('2026-03-08T09:00Z'),
    );
    expect(list(spring)).toEqual([
      '2026-03-08T00:00 2026-03-08T05:00:00.000Z',
      '2026-03-08T01:00 2026-03-08T06:00:00.000Z',
      '2026-03-08T02:00 2026-03-08T07:00:00.000Z',
      '2026-03-08T04:00 2026-03-08T08:00:00.000Z',
    ]);
  });

  it('weekly on Sundays at 01:30 in London across 29 March (gap) and 25 October (repeat)', () => {
    const zone = 'Europe/London';
    expect(
      list(occurrencesBetween({ rrule: 'FREQ=WEEKLY;BYDAY=SU', start: '2026-03-22T01:30', zone }, new Date('2026-03-20Z'), new Date('2026-04-06Z'))),
    ).toEqual(['2026-03-22T01:30 2026-03-22T01:30:00.000Z', '2026-03-29T01:30 2026-03-29T01:00:00.000Z', '2026-04-05T01:30 2026-04-05T00:30:00.000Z']);
    expect(
      list(occurrencesBetween({ rrule: 'FREQ=WEEKLY;BYDAY=SU', start: '2026-10-18T01:30', zone }, new Date('2026-10-18Z'), new Date('2026-11-02Z'))),
    ).toEqual(['2026-10-18T01:30 2026-10-18T00:30:00.000Z', '2026-10-25T01:30 2026-10-25T00:30:00.000Z', '2026-11-01T01:30 2026-11-01T01:30:00.000Z']);
  });

  it('daily at 02:15 on Lord Howe across the 30-minute spring-forward gap, and 01:45 across the repeat', () => {
    const zone = 'Australia/Lord_Howe';
    expect(
      list(occurrencesBetween({ rrule: 'FREQ=DAILY', start: '2026-10-01T02:15', zone }, new Date('2026-10-02T12:00Z'), new Date('2026-10-05T00:00Z'))),
    ).toEqual(['2026-10-03T02:15 2026-10-02T15:45:00.000Z', '2026-10-04T02:15 2026-10-03T15:30:00.000Z', '2026-10-05T02:15 2026-10-04T15:15:00.000Z']);
    expect(
      list(occurrencesBetween({ rrule: 'FREQ=DAILY', start: '2026-04-01T01:45', zone }, new Date('2026-04-03T12:00Z'), new Date('2026-04-06T00:00Z'))),
    ).toEqual(['2026-04-04T01:45 2026-04-03T14:45:00.000Z', '2026-04-05T01:45 2026-04-04T14:45:00.000Z', '2026-04-06T01:45 2026-04-05T15:15:00.000Z']);
  });

  it('Asia/Kolkata has no DST: daily 20:00 is 14:30 UTC every day', () => {
    const occ = occurrencesBetween({ rrule: 'FREQ=DAILY', start: '2026-03-01T20:00', zone: 'Asia/Kolkata' }, new Date('2026-03-01Z'), new Date('2026-04-01Z'));
    expect(occ).toHaveLength(31);
    expect(new Set(occ.map((o) => o.at.toISOString().slice(11)))).toEqual(new Set(['14:30:00.000Z']));
  });

  it('the window is [from, to): an occurrence exactly at `to` is not in it, one at `from` is', () => {
    const rec = { rrule: 'FREQ=DAILY', start: '2026-01-01T09:00', zone: 'UTC' };
    expect(list(occurrencesBetween(rec, new Date('2026-01-02T09:00Z'), new Date('2026-01-03T09:00Z')))).toEqual(['2026-01-02T09:00 2026-01-02T09:00:00.000Z']);
  });

  it('honours COUNT and UNTIL (UNTIL read on the wall clock)', () => {
    const counted = occurrencesBetween({ rrule: 'FREQ=DAILY;COUNT=3', start: '2026-01-01T09:00', zone: 'America/New_York' }, new Date('2025-12-01Z'), new Date('2026-02-01Z'));
    expect(counted.map((o) => o.key)).toEqual(['2026-01-01T09:00', '2026-01-02T09:00', '2026-01-03T09:00']);
    const until = occurrencesBetween(
      { rrule: 'FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20260112T090000', start: '2026-01-01T09:00', zone: 'America/New_York' },
      new Date('2025-12-01Z'),
      new Date('2026-02-01Z'),
    );
    expect(until.map((o) => o.key)).toEqual(['2026-01-01T09:00', '2026-01-05T09:00', '2026-01-08T09:00', '2026-01-12T09:00']);
  });

  it('a start before the window: only occurrences inside are returned; the limit caps them', () => {
    const rec = { rrule: 'FREQ=DAILY', start: '2020-01-01T08:00', zone: 'Europe/London' };
    expect(occurrencesBetween(rec, new Date('2026-06-01Z'), new Date('2026-06-30Z'), 5).map((o) => o.key)).toEqual([
      '2026-06-01T08:00',
      '2026-06-02T08:00',
      '2026-06-03T08:00',
      '2026-06-04T08:00',
      '2026-06-05T08:00',
    ]);
    expect(nextOccurrence(rec, new Date('2026-06-01T07:30Z'))?.key).toBe('2026-06-02T08:00'); // 08:00 BST = 07:00Z has passed
  });

  it('refuses a rule that carries its own DTSTART or TZID', () => {
    expect(() => occurrencesBetween({ rrule: 'DTSTART=20260101T000000;FREQ=DAILY', start: '2026-01-01T09:00', zone: 'UTC' }, new Date(0), new Date())).toThrow(/DTSTART/);
    expect(() => occurrencesBetween({ rrule: 'FREQ=DAILY;TZID=Europe/Paris', start: '2026-01-01T09:00', zone: 'UTC' }, new Date(0), new Date())).toThrow();
  });
});
