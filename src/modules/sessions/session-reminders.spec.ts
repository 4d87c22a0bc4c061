import { offsetKey, planSessionReminders } from './session-reminders';

describe('session reminders', () => {
  const session = {
    id: '00000000-0000-4000-8000-000000000001',
    practiceId: '00000000-0000-4000-8000-0000000000aa',
    startsAt: new Date('2026-03-10T15:00:00Z'),
    participantClientIds: ['c1', 'c2'],
  };

  it('names offsets in hours when whole, otherwise in minutes', () => {
    expect([1440, 60, 90, 15, 10080].map(offsetKey)).toEqual(['24h', '1h', '90m', '15m', '168h']);
  });

  it('plans one reminder per participant per offset, the earliest first', () => {
    const got = planSessionReminders(session, [60, 1440], new Date('2026-03-01T00:00:00Z'));
    expect(got.map((r) => [r.occurrenceKey, r.recipient, r.at.toISOString()])).toEqual([
      ['24h', { kind: 'client', clientId: 'c1' }, '2026-03-09T15:00:00.000Z'],
      ['24h', { kind: 'client', clientId: 'c2' }, '2026-03-09T15:00:00.000Z'],
      ['1h', { kind: 'client', clientId: 'c1' }, '2026-03-10T14:00:00.000Z'],
      ['1h', { kind: 'client', clientId: 'c2' }, '2026-03-10T14:00:00.000Z'],
    ]);
    expect(got.every((r) => r.reason === 'session_reminder' && r.subjectType === 'session' && r.subjectId === session.id && !r.urgent)).toBe(true);
  });

  it('skips moments already past: a session booked three hours ahead gets only its 1-hour reminder', () => {
    const got = planSessionReminders(session, [1440, 60], new Date('2026-03-10T12:00:00Z'));
    expect(got.map((r) => r.occurrenceKey)).toEqual(['1h', '1h']);
    expect(planSessionReminders(session, [1440, 60], new Date('2026-03-10T14:00:00Z'))).toEqual([]);
  });

  it('no offsets, no reminders; duplicates count once', () => {
    expect(planSessionReminders(session, [], new Date('2026-03-01T00:00:00Z'))).toEqual([]);
    expect(planSessionReminders(session, [60, 60], new Date('2026-03-01T00:00:00Z'))).toHaveLength(2);
  });
});
