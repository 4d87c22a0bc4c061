import { checkInOccurrences, checkInRuleProblem, horizonEnd, isLocalTime, localDateAt, localInstant } from './check-in-occurrences';

const iso = (d: Date) => d.toISOString();

describe('check-in occurrences', () => {
  describe('checkInRuleProblem', () => {
    it.each(['FREQ=DAILY', 'FREQ=WEEKLY;BYDAY=MO,WE,FR', 'RRULE:FREQ=DAILY;INTERVAL=2', 'freq=weekly;byday=su', 'FREQ=MONTHLY;BYMONTHDAY=1,15', 'FREQ=DAILY;COUNT=10'])(
      'accepts %s',
      (rule) => expect(checkInRuleProblem(rule)).toBeNull(),
    );

    it.each([
      ['', /RRULE/],
      ['every day', /RRULE/],
      ['FREQ=BOGUS', /RRULE/],
      ['FREQ=DAILY;FOO=1', /RRULE/],
      ['FREQ=DAILY;COUNT=3;UNTIL=20260101', /RRULE/],
      ['DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY', /RRULE/],
      ['FREQ=HOURLY', /at most once a day/],
      ['FREQ=MINUTELY', /at most once a day/],
      ['FREQ=YEARLY', /FREQ must be/],
      ['FREQ=DAILY;BYHOUR=9', /localTime/],
    ])('refuses %j', (rule, reason) => expect(checkInRuleProblem(rule)).toMatch(reason));
  });

  it('isLocalTime takes HH:mm on a 24-hour clock only', () => {
    expect(['00:00', '20:00', '23:59'].every(isLocalTime)).toBe(true);
    expect(['24:00', '8:00', '20:60', '8pm', '20:00:00', 2000].some(isLocalTime)).toBe(false);
  });

  describe('in America/New_York, daily at 20:00, across both DST changes', () => {
    const zone = 'America/New_York';
    const rule = { rrule: 'FREQ=DAILY', localTime: '20:00', anchorDate: '2026-01-01' };

    it('spring forward (2026-03-08): 20:00 EST is 01:00Z, 20:00 EDT is 00:00Z the next UTC day', () => {
      const got = checkInOccurrences(rule, zone, new Date('2026-03-06T12:00:00Z'), new Date('2026-03-10T12:00:00Z'));
      expect(got.map((o) => [o.localDate, iso(o.at)])).toEqual([
        ['2026-03-06', '2026-03-07T01:00:00.000Z'],
        ['2026-03-07', '2026-03-08T01:00:00.000Z'],
        ['2026-03-08', '2026-03-09T00:00:00.000Z'],
        ['2026-03-09', '2026-03-10T00:00:00.000Z'],
      ]);
    });

    it('fall back (2026-11-01): back to 01:00Z', () => {
      const got = checkInOccurrences(rule, zone, new Date('2026-10-31T12:00:00Z'), new Date('2026-11-02T12:00:00Z'));
      expect(got.map((o) => [o.localDate, iso(o.at)])).toEqual([
        ['2026-10-31', '2026-11-01T00:00:00.000Z'],
        ['2026-11-01', '2026-11-02T01:00:00.000Z'],
      ]);
    });

    it('a time that does not exist that day (02:30 on 2026-03-08) moves forward to 03:30 EDT', () => {
      const got = checkInOccurrences({ ...rule, localTime: '02:30' }, zone, new Date('2026-03-07T00:00:00Z'), new Date('2026-03-09T12:00:00Z'));
      expect(got.map((o) => [o.localDate, iso(o.at)])).toEqual([
        ['2026-03-07', '2026-03-07T07:30:00.000Z'],
        ['2026-03-08', '2026-03-08T07:30:00.000Z'],
        ['2026-03-09', '2026-03-09T06:30:00.000Z'],
      ]);
    });

    it('a time that happens twice (01:30 on 2026-11-01) fires once', () => {
      const got = checkInOccurrences({ ...rule, localTime: '01:30' }, zone, new Date('2026-10-31T12:00:00Z'), new Date('2026-11-02T12:00:00Z'));
      expect(got.map((o) => [o.localDate, iso(o.at)])).toEqual([
        ['2026-11-01', '2026-11-01T05:30:00.000Z'], // 01:30 EDT, the first of the two
        ['2026-11-02', '2026-11-02T06:30:00.000Z'],
      ]);
    });
  });

  it('weekly on chosen days, in the client’s calendar (Monday evening in Sydney is Monday morning UTC)', () => {
    const got = checkInOccurrences(
      { rrule: 'FREQ=WEEKLY;BYDAY=MO,WE,FR', localTime: '19:30', anchorDate: '2026-06-01' },
      'Australia/Sydney',
      new Date('2026-06-01T00:00:00Z'),
      new Date('2026-06-08T12:00:00Z'),
    );
    expect(got.map((o) => [o.localDate, iso(o.at)])).toEqual([
      ['2026-06-01', '2026-06-01T09:30:00.000Z'],
      ['2026-06-03', '2026-06-03T09:30:00.000Z'],
      ['2026-06-05', '2026-06-05T09:30:00.000Z'],
      ['2026-06-08', '2026-06-08T09:30:00.000Z'],
    ]);
  });

  it('Lord Howe’s 30-minute shift (2026-10-04) and a zone without DST (Asia/Kolkata)', () => {
    expect(iso(localInstant('2026-10-03', '20:00', 'Australia/Lord_Howe'))).toBe('2026-10-03T09:30:00.000Z');
    expect(iso(localInstant('2026-10-04', '20:00', 'Australia/Lord_Howe'))).toBe('2026-10-04T09:00:00.000Z');
    expect(iso(localInstant('2026-10-04', '02:15', 'Australia/Lord_Howe'))).toBe('2026-10-03T15:45:00.000Z'); // gap: 02:45 +11
    expect(iso(localInstant('2026-04-05', '01:45', 'Australia/Lord_Howe'))).toBe('2026-04-04T14:45:00.000Z'); // twice: the first, +11
    expect(iso(localInstant('2026-03-08', '20:00', 'Asia/Kolkata'))).toBe('2026-03-08T14:30:00.000Z');
  });

  it('INTERVAL counts from the anchor date; COUNT ends the rule', () => {
    const from = new Date('2026-05-01T00:00:00Z');
    const until = new Date('2026-05-10T23:00:00Z');
    const everyOther = checkInOccurrences({ rrule: 'FREQ=DAILY;INTERVAL=2', localTime: '09:00', anchorDate: '2026-05-02' }, 'UTC', from, until);
    expect(everyOther.map((o) => o.localDate)).toEqual(['2026-05-02', '2026-05-04', '2026-05-06', '2026-05-08', '2026-05-10']);
    const three = checkInOccurrences({ rrule: 'FREQ=DAILY;COUNT=3', localTime: '09:00', anchorDate: '2026-05-02' }, 'UTC', from, until);
    expect(three.map((o) => o.localDate)).toEqual(['2026-05-02', '2026-05-03', '2026-05-04']);
  });

  it('the window is (from, until]: consecutive windows neither repeat nor skip an occurrence', () => {
    const rule = { rrule: 'FREQ=DAILY', localTime: '20:00', anchorDate: '2026-01-01' };
    const zone = 'Europe/London';
    const a = new Date('2026-03-25T00:00:00Z');
    const b = new Date('2026-03-29T19:00:00Z'); // exactly 20:00 BST on the day the clocks change
    const c = new Date('2026-04-02T00:00:00Z');
    const joined = [...checkInOccurrences(rule, zone, a, b), ...checkInOccurrences(rule, zone, b, c)];
    expect(joined.map((o) => o.localDate)).toEqual(['2026-03-25', '2026-03-26', '2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30', '2026-03-31', '2026-04-01']);
    expect(checkInOccurrences(rule, zone, b, b)).toEqual([]);
  });

  it('the horizon is 14 days; the anchor is the local date in the client’s zone', () => {
    expect(iso(horizonEnd(new Date('2026-01-01T00:00:00Z')))).toBe('2026-01-15T00:00:00.000Z');
    expect(localDateAt(new Date('2026-01-01T03:00:00Z'), 'America/New_York')).toBe('2025-12-31');
  });
});
