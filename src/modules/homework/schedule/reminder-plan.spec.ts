import { assertValidReminder } from '../../reminders/planning';
import { remindersFor } from './reminder-plan';

const NY = 'America/New_York';
const inst = (dueAt: string, key = '2027-03-14T20:00') => ({ id: '11111111-1111-4111-8111-111111111111', clientId: '22222222-2222-4222-8222-222222222222', occurrenceKey: key, dueAt: new Date(dueAt) });
const ctx = (over: Partial<Parameters<typeof remindersFor>[1]> = {}) => ({
  practiceId: '33333333-3333-4333-8333-333333333333',
  policy: { promptAt: '09:00', dueSoonMinutes: 60 },
  recurring: true,
  zone: NY,
  now: new Date('2027-03-10T00:00:00Z'),
  announce: false,
  ...over,
});

describe('remindersFor', () => {
  it('recurring: a prompt at promptAt local on the occurrence day and a due-soon nudge, in UTC across DST', () => {
    // 2027-03-14 is the spring-forward day: 09:00 EDT = 13:00Z; due 20:00 EDT = 00:00Z next day.
    const r = remindersFor(inst('2027-03-15T00:00:00Z'), ctx());
    expect(r.map((x) => [x.reason, x.at.toISOString()])).toEqual([
      ['homework_prompt', '2027-03-14T13:00:00.000Z'],
      ['homework_due_soon', '2027-03-14T23:00:00.000Z'],
    ]);
    expect(r[0]).toMatchObject({ subjectType: 'homework_instance', subjectId: inst('x').id, recipient: { kind: 'client', clientId: inst('x').clientId } });
    expect(r[0].occurrenceKey).toBe('2027-03-14T20:00+2027-03-14T13:00:00.000Z');
  });

  it('plans nothing already past, and nothing when the policy says none', () => {
    expect(remindersFor(inst('2027-03-15T00:00:00Z'), ctx({ now: new Date('2027-03-14T14:00:00Z') })).map((x) => x.reason)).toEqual(['homework_due_soon']);
    expect(remindersFor(inst('2027-03-15T00:00:00Z'), ctx({ now: new Date('2027-03-14T23:30:00Z') }))).toEqual([]);
    expect(remindersFor(inst('2027-03-15T00:00:00Z'), ctx({ policy: { promptAt: null, dueSoonMinutes: null } }))).toEqual([]);
  });

  it('one-off: announced at once when assigned, unless promptAt names a later time on the due day', () => {
    const now = new Date('2027-03-10T15:00:00Z');
    const announced = remindersFor(inst('2027-03-12T22:00:00Z', 'once'), ctx({ recurring: false, announce: true, now, policy: { promptAt: null, dueSoonMinutes: 120 } }));
    expect(announced.map((x) => [x.reason, x.at.toISOString()])).toEqual([
      ['homework_prompt', now.toISOString()],
      ['homework_due_soon', '2027-03-12T20:00:00.000Z'],
    ]);
    const onDueDay = remindersFor(inst('2027-03-12T22:00:00Z', 'once'), ctx({ recurring: false, announce: true, now }));
    expect(onDueDay[0].at.toISOString()).toBe('2027-03-12T14:00:00.000Z'); // 09:00 EST
    // Re-planned after an edit: no announcement.
    expect(remindersFor(inst('2027-03-12T22:00:00Z', 'once'), ctx({ recurring: false, now, policy: { promptAt: null, dueSoonMinutes: null } }))).toEqual([]);
  });

  it('plans only what the reminder engine accepts (occurrence keys of [A-Za-z0-9:._+-], at most 80)', () => {
    const all = [
      ...remindersFor(inst('2027-03-15T00:00:00Z'), ctx()),
      ...remindersFor(inst('2027-03-12T22:00:00Z', 'once'), ctx({ recurring: false, announce: true })),
    ];
    expect(all.length).toBeGreaterThan(0);
    for (const r of all) expect(() => assertValidReminder(r)).not.toThrow();
  });
});
