import { addLocalDays, localKey, localOn, localToUtc, localToUtcNotBefore, parseHhmm, parseLocalKey, resolveLocal, toLocal } from './local-time';

const utc = (iso: string) => new Date(iso).toISOString();
const at = (local: string, zone: string) => localToUtc(local, zone).toISOString();

describe('local wall-clock → UTC', () => {
  describe('America/New_York (1 h shifts at 02:00)', () => {
    const NY = 'America/New_York';

    it('an ordinary time maps with the offset of the day', () => {
      expect(at('2026-01-15T20:00', NY)).toBe(utc('2026-01-16T01:00Z')); // EST −5
      expect(at('2026-07-15T20:00', NY)).toBe(utc('2026-07-16T00:00Z')); // EDT −4
    });

    it('spring forward: 02:30 does not exist on 8 March and moves forward to 03:00 EDT, the first valid instant', () => {
      expect(resolveLocal(parseLocalKey('2026-03-08T02:30'), NY).kind).toBe('skipped');
      expect(at('2026-03-08T02:30', NY)).toBe(utc('2026-03-08T07:00Z'));
      expect(at('2026-03-08T02:00', NY)).toBe(utc('2026-03-08T07:00Z'));
      expect(at('2026-03-08T02:59', NY)).toBe(utc('2026-03-08T07:00Z'));
    });

    it('the edges of the gap are ordinary', () => {
      expect(at('2026-03-08T01:59', NY)).toBe(utc('2026-03-08T06:59Z'));
      expect(at('2026-03-08T03:00', NY)).toBe(utc('2026-03-08T07:00Z'));
      expect(resolveLocal(parseLocalKey('2026-03-08T03:00'), NY).kind).toBe('exact');
    });

    it('fall back: 01:30 happens twice on 1 November and fires once, at the first (EDT)', () => {
      const r = resolveLocal(parseLocalKey('2026-11-01T01:30'), NY);
      expect(r.kind).toBe('repeated');
      expect(r.instants.map((i) => i.toISOString())).toEqual([utc('2026-11-01T05:30Z'), utc('2026-11-01T06:30Z')]);
      expect(at('2026-11-01T01:30', NY)).toBe(utc('2026-11-01T05:30Z'));
      expect(at('2026-11-01T01:00', NY)).toBe(utc('2026-11-01T05:00Z'));
    });

    it('after the repeated hour, EST', () => {
      expect(at('2026-11-01T02:00', NY)).toBe(utc('2026-11-01T07:00Z'));
    });
  });

  describe('Europe/London (1 h shifts at 01:00 UTC)', () => {
    const LDN = 'Europe/London';

    it('spring forward: 01:30 on 29 March does not exist → 02:00 BST', () => {
      expect(at('2026-03-29T01:30', LDN)).toBe(utc('2026-03-29T01:00Z'));
    });

    it('fall back: 01:30 on 25 October happens twice → the first, BST', () => {
      expect(resolveLocal(parseLocalKey('2026-10-25T01:30'), LDN).instants.map((i) => i.toISOString())).toEqual([
        utc('2026-10-25T00:30Z'),
        utc('2026-10-25T01:30Z'),
      ]);
      expect(at('2026-10-25T01:30', LDN)).toBe(utc('2026-10-25T00:30Z'));
    });

    it('winter is UTC', () => {
      expect(at('2026-12-01T09:15', LDN)).toBe(utc('2026-12-01T09:15Z'));
    });
  });

  describe('Australia/Lord_Howe (30-minute shifts: +10:30 ↔ +11)', () => {
    const LH = 'Australia/Lord_Howe';

    it('spring forward on 4 October: 02:00–02:30 does not exist; 02:15 → 02:30 (+11)', () => {
      expect(resolveLocal(parseLocalKey('2026-10-04T02:15'), LH).kind).toBe('skipped');
      expect(at('2026-10-04T02:15', LH)).toBe(utc('2026-10-03T15:30Z'));
      expect(at('2026-10-04T02:00', LH)).toBe(utc('2026-10-03T15:30Z'));
      expect(at('2026-10-04T02:30', LH)).toBe(utc('2026-10-03T15:30Z'));
      expect(at('2026-10-04T01:59', LH)).toBe(utc('2026-10-03T15:29Z'));
    });

    it('fall back on 5 April: 01:30–02:00 happens twice; 01:45 → the first (+11)', () => {
      const r = resolveLocal(parseLocalKey('2026-04-05T01:45'), LH);
      expect(r.kind).toBe('repeated');
      expect(r.instants.map((i) => i.toISOString())).toEqual([utc('2026-04-04T14:45Z'), utc('2026-04-04T15:15Z')]);
      expect(at('2026-04-05T01:45', LH)).toBe(utc('2026-04-04T14:45Z'));
    });

    it('outside the repeated half hour it is exact', () => {
      expect(resolveLocal(parseLocalKey('2026-04-05T01:29'), LH).kind).toBe('exact');
      expect(resolveLocal(parseLocalKey('2026-04-05T02:00'), LH).kind).toBe('exact');
      expect(at('2026-04-05T02:00', LH)).toBe(utc('2026-04-04T15:30Z'));
    });
  });

  describe('Asia/Kolkata (no DST, +05:30)', () => {
    it('every time exists exactly once, all year', () => {
      for (const d of ['2026-03-08', '2026-03-29', '2026-10-25', '2026-11-01']) {
        const r = resolveLocal(localOn(d, '02:30'), 'Asia/Kolkata');
        expect(r.kind).toBe('exact');
      }
      expect(at('2026-03-08T02:30', 'Asia/Kolkata')).toBe(utc('2026-03-07T21:00Z'));
      expect(at('2026-07-01T20:00', 'Asia/Kolkata')).toBe(utc('2026-07-01T14:30Z'));
    });
  });

  it('localToUtcNotBefore picks the first reading not before an instant (the second 01:30 after the first has passed)', () => {
    const l = parseLocalKey('2026-11-01T01:30');
    expect(localToUtcNotBefore(l, 'America/New_York', new Date('2026-11-01T05:00Z'))!.toISOString()).toBe(utc('2026-11-01T05:30Z'));
    expect(localToUtcNotBefore(l, 'America/New_York', new Date('2026-11-01T06:00Z'))!.toISOString()).toBe(utc('2026-11-01T06:30Z'));
    expect(localToUtcNotBefore(l, 'America/New_York', new Date('2026-11-01T07:00Z'))).toBeNull();
  });

  it('round-trips through toLocal', () => {
    const instant = new Date('2026-11-01T06:30Z'); // the second 01:30 in New York
    expect(localKey(toLocal(instant, 'America/New_York'))).toBe('2026-11-01T01:30');
    expect(localKey(addLocalDays(parseLocalKey('2026-02-28T23:00'), 1))).toBe('2026-03-01T23:00');
  });

  it('refuses unknown zones and malformed times', () => {
    expect(() => localToUtc('2026-01-01T10:00', 'Mars/Olympus')).toThrow(/unknown IANA time zone/);
    expect(() => parseLocalKey('2026-02-30T10:00')).toThrow(/not a real date/);
    expect(() => parseLocalKey('2026-02-10 10:00')).toThrow();
    expect(() => parseHhmm('24:00')).toThrow();
    expect(parseHhmm('23:59')).toBe(23 * 60 + 59);
  });
});
