import { firstOccurrenceAfter, occurrencesBetween, rruleProblem } from './recurrence';

const NY = 'America/New_York';

describe('rruleProblem', () => {
  it('accepts daily, weekly, monthly and yearly rules', () => {
    for (const r of ['FREQ=DAILY', 'FREQ=WEEKLY;BYDAY=MO,TH', 'FREQ=DAILY;INTERVAL=2;COUNT=10', 'FREQ=MONTHLY;BYMONTHDAY=1', 'FREQ=YEARLY']) {
      expect(rruleProblem(r)).toBeNull();
    }
  });

  it('refuses sub-daily rules, a time of day in the rule, UNTIL, and what is not a rule', () => {
    expect(rruleProblem('FREQ=HOURLY')).toMatch(/at most daily/);
    expect(rruleProblem('FREQ=DAILY;BYHOUR=9')).toMatch(/dueTime/);
    expect(rruleProblem('FREQ=DAILY;UNTIL=20270101')).toMatch(/endsOn/);
    expect(rruleProblem('RRULE:FREQ=DAILY')).toMatch(/RRULE body/);
    expect(rruleProblem('every day')).toMatch(/RRULE body/);
  });
});

describe('occurrencesBetween', () => {
  const daily = { rrule: 'FREQ=DAILY', dueTime: '20:00', startsOn: '2027-03-10', endsOn: null };

  it('keeps 20:00 local across the spring-forward date (UTC moves by an hour)', () => {
    const occ = occurrencesBetween(daily, NY, new Date('2027-03-12T00:00:00Z'), new Date('2027-03-17T00:00:00Z'));
    expect(occ.map((o) => [o.key, o.dueAt.toISOString()])).toEqual([
      ['2027-03-11T20:00', '2027-03-12T01:00:00.000Z'],
      ['2027-03-12T20:00', '2027-03-13T01:00:00.000Z'],
      ['2027-03-13T20:00', '2027-03-14T01:00:00.000Z'], // Saturday, EST
      ['2027-03-14T20:00', '2027-03-15T00:00:00.000Z'], // Sunday, the change, EDT
      ['2027-03-15T20:00', '2027-03-16T00:00:00.000Z'],
      ['2027-03-16T20:00', '2027-03-17T00:00:00.000Z'],
    ]);
  });

  it('window is (after, until]: an occurrence exactly at `after` is excluded, at `until` included', () => {
    const occ = occurrencesBetween(daily, NY, new Date('2027-03-13T01:00:00Z'), new Date('2027-03-15T00:00:00Z'));
    expect(occ.map((o) => o.key)).toEqual(['2027-03-13T20:00', '2027-03-14T20:00']);
  });

  it('starts on startsOn and stops after endsOn (inclusive) and COUNT', () => {
    const bounded = { ...daily, endsOn: '2027-03-12' };
    expect(occurrencesBetween(bounded, NY, new Date('2027-03-01T00:00:00Z'), new Date('2027-04-01T00:00:00Z')).map((o) => o.key)).toEqual([
      '2027-03-10T20:00',
      '2027-03-11T20:00',
      '2027-03-12T20:00',
    ]);
    const counted = { ...daily, rrule: 'FREQ=DAILY;COUNT=2' };
    expect(occurrencesBetween(counted, NY, new Date('2027-03-01T00:00:00Z'), new Date('2027-04-01T00:00:00Z'))).toHaveLength(2);
  });

  it('evaluates a weekly rule on the assignee’s own calendar', () => {
    const weekly = { rrule: 'FREQ=WEEKLY;BYDAY=MO', dueTime: '08:00', startsOn: '2027-03-01', endsOn: null };
    // Monday 08:00 in Sydney is Sunday evening UTC.
    const occ = occurrencesBetween(weekly, 'Australia/Sydney', new Date('2027-03-01T00:00:00Z'), new Date('2027-03-16T00:00:00Z'));
    expect(occ.map((o) => [o.key, o.dueAt.toISOString()])).toEqual([
      ['2027-03-08T08:00', '2027-03-07T21:00:00.000Z'],
      ['2027-03-15T08:00', '2027-03-14T21:00:00.000Z'],
    ]);
  });

  it('places a due time inside the gap at the end of the gap, once', () => {
    const early = { rrule: 'FREQ=DAILY', dueTime: '02:30', startsOn: '2027-03-13', endsOn: '2027-03-15' };
    const occ = occurrencesBetween(early, NY, new Date('2027-03-12T00:00:00Z'), new Date('2027-03-16T00:00:00Z'));
    expect(occ.map((o) => [o.key, o.dueAt.toISOString()])).toEqual([
      ['2027-03-13T02:30', '2027-03-13T07:30:00.000Z'],
      ['2027-03-14T02:30', '2027-03-14T07:00:00.000Z'],
      ['2027-03-15T02:30', '2027-03-15T06:30:00.000Z'],
    ]);
  });

  it('a time that happens twice on the fall-back day fires once, at its first reading', () => {
    const late = { rrule: 'FREQ=DAILY', dueTime: '01:30', startsOn: '2027-11-06', endsOn: '2027-11-08' };
    const occ = occurrencesBetween(late, NY, new Date('2027-11-05T00:00:00Z'), new Date('2027-11-09T00:00:00Z'));
    expect(occ.map((o) => [o.key, o.dueAt.toISOString()])).toEqual([
      ['2027-11-06T01:30', '2027-11-06T05:30:00.000Z'],
      ['2027-11-07T01:30', '2027-11-07T05:30:00.000Z'],
      ['2027-11-08T01:30', '2027-11-08T06:30:00.000Z'],
    ]);
  });

  it('Lord Howe’s 30-minute shift keeps the local time', () => {
    const lh = { rrule: 'FREQ=DAILY', dueTime: '20:00', startsOn: '2027-10-01', endsOn: '2027-10-04' };
    const occ = occurrencesBetween(lh, 'Australia/Lord_Howe', new Date('2027-09-30T00:00:00Z'), new Date('2027-10-05T00:00:00Z'));
    expect(occ.map((o) => o.dueAt.toISOString())).toEqual([
      '2027-10-01T09:30:00.000Z', // +10:30
      '2027-10-02T09:30:00.000Z',
      '2027-10-03T09:00:00.000Z', // +11 from 02:00 that day
      '2027-10-04T09:00:00.000Z',
    ]);
  });
});

describe('firstOccurrenceAfter', () => {
  it('finds the next one, or null when the rule has run out', () => {
    const s = { rrule: 'FREQ=WEEKLY;BYDAY=SU', dueTime: '18:00', startsOn: '2027-03-01', endsOn: '2027-03-31' };
    expect(firstOccurrenceAfter(s, NY, new Date('2027-03-10T00:00:00Z'))?.key).toBe('2027-03-14T18:00');
    expect(firstOccurrenceAfter(s, NY, new Date('2027-04-01T00:00:00Z'))).toBeNull();
  });
});
