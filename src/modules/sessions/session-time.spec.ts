import { checkSpan, localToInstant, resolveDateTime, resolveSessionTimes, toLocalIso } from './session-time';

const wall = (s: string) => {
  const [d, t] = s.split('T');
  const [year, month, day] = d.split('-').map(Number);
  const [hour, minute] = t.split(':').map(Number);
  return { year, month, day, hour, minute, second: 0, millisecond: 0 };
};

describe('localToInstant', () => {
  it('resolves an ordinary wall time', () => {
    expect(localToInstant(wall('2027-07-01T09:00'), 'America/New_York')).toEqual({ ok: true, instant: new Date('2027-07-01T13:00:00Z') });
  });

  it('refuses a time inside the spring-forward gap', () => {
    const r = localToInstant(wall('2027-03-14T02:30'), 'America/New_York');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/does not exist in America\/New_York/);
  });

  it('accepts the edges of the gap', () => {
    expect(localToInstant(wall('2027-03-14T01:59'), 'America/New_York')).toEqual({ ok: true, instant: new Date('2027-03-14T06:59:00Z') });
    expect(localToInstant(wall('2027-03-14T03:00'), 'America/New_York')).toEqual({ ok: true, instant: new Date('2027-03-14T07:00:00Z') });
  });

  it('resolves a time that happens twice to its first occurrence', () => {
    expect(localToInstant(wall('2027-11-07T01:30'), 'America/New_York')).toEqual({ ok: true, instant: new Date('2027-11-07T05:30:00Z') });
    expect(localToInstant(wall('2027-10-31T02:30'), 'Europe/Berlin')).toEqual({ ok: true, instant: new Date('2027-10-31T00:30:00Z') });
  });

  it('handles zones with half-hour shifts and southern-hemisphere DST', () => {
    // Lord Howe moves by 30 minutes: 02:00 → 02:30 on the first Sunday of October.
    expect(localToInstant(wall('2027-10-03T02:15'), 'Australia/Lord_Howe').ok).toBe(false);
    expect(localToInstant(wall('2027-10-03T02:45'), 'Australia/Lord_Howe').ok).toBe(true);
    // Sydney springs forward 02:00 → 03:00 on the first Sunday of October.
    expect(localToInstant(wall('2027-10-03T02:30'), 'Australia/Sydney').ok).toBe(false);
  });

  it('refuses an impossible date', () => {
    expect(localToInstant(wall('2027-02-30T10:00'), 'Europe/Berlin')).toEqual({ ok: false, reason: 'is not a valid calendar date and time' });
  });
});

describe('resolveDateTime', () => {
  it('takes an explicit offset as the instant, whatever the zone', () => {
    expect(resolveDateTime('2027-11-07T01:30:00-05:00', 'America/New_York')).toEqual({ ok: true, instant: new Date('2027-11-07T06:30:00Z') });
    expect(resolveDateTime('2027-03-14T02:30:00Z', undefined)).toEqual({ ok: true, instant: new Date('2027-03-14T02:30:00Z') });
    expect(resolveDateTime('2027-03-14T02:30:00.5+05:30', undefined)).toEqual({ ok: true, instant: new Date('2027-03-13T21:00:00.500Z') });
  });

  it('needs a zone for local times', () => {
    expect(resolveDateTime('2027-03-14T10:00', undefined)).toEqual({ ok: false, reason: 'has no UTC offset, so timezone is required' });
  });

  it('refuses what is not an ISO date-time', () => {
    expect(resolveDateTime('next tuesday', 'UTC').ok).toBe(false);
    expect(resolveDateTime('2027-13-01T10:00Z', 'UTC').ok).toBe(false);
  });
});

describe('resolveSessionTimes / checkSpan', () => {
  it('names the field that is wrong', () => {
    expect(resolveSessionTimes({ startsAt: '2027-03-14T02:30', endsAt: '2027-03-14T03:30' }, 'America/New_York')).toEqual({
      ok: false,
      problems: [{ field: 'startsAt', reasons: [expect.stringContaining('does not exist')] }],
    });
    expect(checkSpan({ startsAt: new Date('2027-01-01T10:00Z'), endsAt: new Date('2027-01-01T10:00Z') })).toEqual({
      ok: false,
      problems: [{ field: 'endsAt', reasons: ['must be after startsAt'] }],
    });
    expect(checkSpan({ startsAt: new Date('2027-01-01T10:00Z'), endsAt: new Date('2027-01-01T18:01Z') })).toMatchObject({ ok: false });
    expect(checkSpan({ startsAt: new Date('2027-01-01T10:00Z'), endsAt: new Date('2027-01-01T18:00Z') })).toMatchObject({ ok: true });
  });

  it('spans a DST change by real elapsed time', () => {
    // 01:00 → 03:30 local on spring-forward day is 1.5 hours.
    const r = resolveSessionTimes({ startsAt: '2027-03-14T01:00', endsAt: '2027-03-14T03:30' }, 'America/New_York');
    expect(r.ok && (r.times.endsAt.getTime() - r.times.startsAt.getTime()) / 60_000).toBe(90);
  });
});

describe('toLocalIso', () => {
  it('shows the wall clock of the zone with its offset', () => {
    expect(toLocalIso(new Date('2027-11-07T05:30:00Z'), 'America/New_York')).toBe('2027-11-07T01:30:00-04:00');
    expect(toLocalIso(new Date('2027-11-07T06:30:00Z'), 'America/New_York')).toBe('2027-11-07T01:30:00-05:00');
  });
});
