import { applyQuietHours, isInQuietHours } from './quiet-hours';

const moved = (iso: string, zone: string, start: string, end: string) => applyQuietHours(new Date(iso), zone, { start, end }).toISOString();

describe('quiet hours (moved to the end of the quiet period, on the recipient’s wall clock)', () => {
  const NY = 'America/New_York';

  describe('a night that wraps midnight (21:00–08:00)', () => {
    it('late evening moves to 08:00 the next morning', () => {
      expect(moved('2026-01-11T04:00Z', NY, '21:00', '08:00')).toBe('2026-01-11T13:00:00.000Z'); // 23:00 EST → 08:00 EST
    });

    it('early morning moves to 08:00 the same morning', () => {
      expect(moved('2026-01-11T12:59Z', NY, '21:00', '08:00')).toBe('2026-01-11T13:00:00.000Z'); // 07:59 → 08:00
    });

    it('the start is inside, the end is not', () => {
      expect(isInQuietHours(new Date('2026-01-11T02:00Z'), NY, { start: '21:00', end: '08:00' })).toBe(true); // 21:00 EST
      expect(isInQuietHours(new Date('2026-01-11T01:59Z'), NY, { start: '21:00', end: '08:00' })).toBe(false); // 20:59
      expect(moved('2026-01-11T13:00Z', NY, '21:00', '08:00')).toBe('2026-01-11T13:00:00.000Z'); // 08:00 unchanged
    });

    it('seconds count: 07:59:30 is still quiet', () => {
      expect(moved('2026-01-11T12:59:30Z', NY, '21:00', '08:00')).toBe('2026-01-11T13:00:00.000Z');
    });
  });

  it('a daytime period (13:00–14:00) that does not wrap', () => {
    expect(moved('2026-01-11T18:30Z', NY, '13:00', '14:00')).toBe('2026-01-11T19:00:00.000Z');
    expect(moved('2026-01-11T17:59Z', NY, '13:00', '14:00')).toBe('2026-01-11T17:59:00.000Z');
  });

  it('no quiet hours, or an empty period, changes nothing', () => {
    expect(applyQuietHours(new Date('2026-01-11T04:00Z'), NY, null).toISOString()).toBe('2026-01-11T04:00:00.000Z');
    expect(moved('2026-01-11T04:00Z', NY, '22:00', '22:00')).toBe('2026-01-11T04:00:00.000Z');
  });

  it('is read in the recipient’s zone: the same instant is quiet in New York and not in Kolkata', () => {
    const instant = '2026-01-11T04:00Z'; // 23:00 in New York, 09:30 in Kolkata
    expect(moved(instant, NY, '21:00', '08:00')).toBe('2026-01-11T13:00:00.000Z');
    expect(moved(instant, 'Asia/Kolkata', '21:00', '08:00')).toBe('2026-01-11T04:00:00.000Z');
  });

  describe('across a DST change', () => {
    it('New York spring-forward night: 23:00 EST → 07:00 EDT (the night is an hour shorter)', () => {
      expect(moved('2026-03-08T04:00Z', NY, '22:00', '07:00')).toBe('2026-03-08T11:00:00.000Z');
    });

    it('London fall-back night: 23:00 BST → 07:00 GMT (the night is an hour longer)', () => {
      expect(moved('2026-10-24T22:00Z', 'Europe/London', '22:00', '07:00')).toBe('2026-10-25T07:00:00.000Z');
    });

    it('an end that does not exist that night (02:30 on 8 March in New York) is the first valid instant after the gap', () => {
      expect(moved('2026-03-08T05:30Z', NY, '23:00', '02:30')).toBe('2026-03-08T07:00:00.000Z'); // 00:30 EST → 03:00 EDT
    });

    it('an end that happens twice: the first one not before the reminder', () => {
      // 23:30 EDT on 31 Oct → the first 01:30 (EDT)
      expect(moved('2026-11-01T03:30Z', NY, '23:00', '01:30')).toBe('2026-11-01T05:30:00.000Z');
      // 01:10 EST (the second pass of the repeated hour) is quiet again → 01:30 EST, never back in time
      expect(moved('2026-11-01T06:10Z', NY, '23:00', '01:30')).toBe('2026-11-01T06:30:00.000Z');
    });

    it('Lord Howe: an end inside the 30-minute gap (02:15 on 4 October) → 02:30 +11', () => {
      expect(moved('2026-10-03T11:30Z', 'Australia/Lord_Howe', '21:00', '02:15')).toBe('2026-10-03T15:30:00.000Z');
    });

    it('Lord Howe fall-back night: 22:00 +11 → 07:00 +10:30', () => {
      expect(moved('2026-04-04T11:00Z', 'Australia/Lord_Howe', '21:00', '07:00')).toBe('2026-04-04T20:30:00.000Z');
    });
  });

  it('Asia/Kolkata (no DST): 23:00 IST → 06:30 IST', () => {
    expect(moved('2026-03-08T17:30Z', 'Asia/Kolkata', '22:00', '06:30')).toBe('2026-03-09T01:00:00.000Z');
  });
});
