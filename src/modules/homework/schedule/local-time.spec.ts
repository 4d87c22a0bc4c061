import { localToUtc, utcToLocal } from './local-time';

describe('localToUtc (the reminder engine’s DST rules)', () => {
  it('reads an ordinary local time with the offset of that day', () => {
    expect(localToUtc('2027-03-13', '20:00', 'America/New_York').toISOString()).toBe('2027-03-14T01:00:00.000Z'); // EST
    expect(localToUtc('2027-03-15', '20:00', 'America/New_York').toISOString()).toBe('2027-03-16T00:00:00.000Z'); // EDT
  });

  it('moves a time that does not exist (spring forward) to the end of the gap', () => {
    expect(localToUtc('2027-03-14', '02:30', 'America/New_York').toISOString()).toBe('2027-03-14T07:00:00.000Z'); // 03:00 EDT
    expect(localToUtc('2027-03-28', '01:30', 'Europe/London').toISOString()).toBe('2027-03-28T01:00:00.000Z'); // 02:00 BST
    // Lord Howe springs forward by 30 minutes: 02:00 → 02:30 (+11).
    expect(localToUtc('2027-10-03', '02:15', 'Australia/Lord_Howe').toISOString()).toBe('2027-10-02T15:30:00.000Z');
  });

  it('takes the first of a time that happens twice (fall back)', () => {
    expect(localToUtc('2027-11-07', '01:30', 'America/New_York').toISOString()).toBe('2027-11-07T05:30:00.000Z'); // 01:30 EDT
    expect(localToUtc('2027-10-31', '01:30', 'Europe/London').toISOString()).toBe('2027-10-31T00:30:00.000Z'); // 01:30 BST
    expect(localToUtc('2027-04-04', '01:45', 'Australia/Lord_Howe').toISOString()).toBe('2027-04-03T14:45:00.000Z'); // +11
  });

  it('works in a zone without DST', () => {
    expect(localToUtc('2027-03-14', '02:30', 'Asia/Kolkata').toISOString()).toBe('2027-03-13T21:00:00.000Z');
    expect(localToUtc('2027-03-14', '20:00', 'UTC').toISOString()).toBe('2027-03-14T20:00:00.000Z');
  });

  it('refuses an unknown zone', () => {
    expect(() => localToUtc('2027-03-14', '20:00', 'Mars/Olympus')).toThrow(/unknown IANA time zone/);
  });

  it('utcToLocal reads an instant back on the zone’s clock', () => {
    expect(utcToLocal(new Date('2027-03-16T00:00:00Z'), 'America/New_York')).toEqual({ date: '2027-03-15', time: '20:00' });
  });
});
