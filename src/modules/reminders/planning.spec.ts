import { assertValidReminder, dedupeKeyOf, diffReplan, ExistingRow, OutboxRow, planRows, RecipientFacts } from './planning';
import type { PlannedReminder } from './reminder.contracts';

const P = '11111111-1111-4111-8111-111111111111';
const C = '22222222-2222-4222-8222-222222222222';
const S = '33333333-3333-4333-8333-333333333333';

const reminder = (over: Partial<PlannedReminder> = {}): PlannedReminder => ({
  practiceId: P,
  recipient: { kind: 'client', clientId: C },
  reason: 'check_in',
  subjectType: 'check_in_schedule',
  subjectId: S,
  occurrenceKey: '2026-01-10T23:00',
  at: new Date('2026-01-11T04:00Z'), // 23:00 in New York
  ...over,
});

const recipient = (over: Partial<RecipientFacts> = {}): RecipientFacts => ({
  timezone: 'America/New_York',
  quietHours: { start: '21:00', end: '08:00' },
  accepted: ['email', 'in_app'],
  ownPreference: false,
  practiceDefault: ['email', 'in_app'],
  active: true,
  hasEmail: true,
  hasInbox: true,
  hasWebhook: false,
  ...over,
});

describe('planRows', () => {
  it('one pending row per accepted channel, moved out of quiet hours, with the asked-for time kept', () => {
    const rows = planRows(reminder(), recipient());
    expect(rows.map((r) => [r.channel, r.state, r.scheduledFor.toISOString(), r.plannedFor.toISOString()])).toEqual([
      ['email', 'pending', '2026-01-11T13:00:00.000Z', '2026-01-11T04:00:00.000Z'],
      ['in_app', 'pending', '2026-01-11T13:00:00.000Z', '2026-01-11T04:00:00.000Z'],
    ]);
    expect(rows[0].dedupeKey).toBe(`check_in:check_in_schedule:${S}:2026-01-10T23:00:client:${C}:email`);
    expect(rows[0]).toMatchObject({ recipientClientId: C, recipientUserId: null, practiceId: P });
  });

  it('urgent ignores quiet hours', () => {
    const rows = planRows(reminder({ urgent: true }), recipient());
    expect(rows.every((r) => r.scheduledFor.toISOString() === '2026-01-11T04:00:00.000Z')).toBe(true);
  });

  it('a refused channel becomes a skipped row with its reason', () => {
    const rows = planRows(reminder(), recipient({ accepted: ['in_app'], ownPreference: true }));
    expect(rows.map((r) => [r.channel, r.state, r.stateReason])).toEqual([
      ['email', 'skipped', 'opted_out'],
      ['in_app', 'pending', null],
    ]);
  });

  it('a staff recipient is keyed as a user', () => {
    const r = reminder({ recipient: { kind: 'user', userId: C }, reason: 'clinician_alert', subjectType: 'check_in' });
    expect(dedupeKeyOf(r, 'in_app')).toBe(`clinician_alert:check_in:${S}:2026-01-10T23:00:user:${C}:in_app`);
    expect(planRows(r, recipient())[0]).toMatchObject({ recipientClientId: null, recipientUserId: C });
  });

  it('refuses malformed reminders', () => {
    expect(() => assertValidReminder(reminder({ occurrenceKey: 'a#b' }))).toThrow(/occurrenceKey/);
    expect(() => assertValidReminder(reminder({ occurrenceKey: 'x'.repeat(81) }))).toThrow(/occurrenceKey/);
    expect(() => assertValidReminder(reminder({ subjectId: 'nope' }))).toThrow(/subjectId/);
    expect(() => assertValidReminder(reminder({ at: new Date('nope') }))).toThrow(/at is not/);
    expect(() => assertValidReminder(reminder({ channels: ['sms' as never] }))).toThrow(/channel/);
  });
});

describe('diffReplan', () => {
  const row = (over: Partial<OutboxRow> = {}): OutboxRow => ({ ...planRows(reminder(), recipient())[0], ...over });
  const existing = (r: OutboxRow, over: Partial<ExistingRow> = {}): ExistingRow => ({
    id: over.id ?? 'e1',
    dedupeKey: r.dedupeKey,
    state: 'pending',
    stateReason: null,
    scheduledFor: r.scheduledFor,
    plannedFor: r.plannedFor,
    ...over,
  });

  it('nothing there yet: insert', () => {
    const p = row();
    expect(diffReplan([], [p])).toEqual({ insert: [p], cancel: [], release: [], keep: [] });
  });

  it('an unchanged pending row is kept (its queued job stays valid)', () => {
    const p = row();
    expect(diffReplan([existing(p)], [p])).toEqual({ insert: [], cancel: [], release: [], keep: ['e1'] });
  });

  it('a pending row planned for another time is cancelled and planned anew', () => {
    const p = row();
    const moved = row({ plannedFor: new Date('2026-01-12T04:00Z'), scheduledFor: new Date('2026-01-12T13:00Z') });
    expect(diffReplan([existing(p)], [moved])).toEqual({ insert: [moved], cancel: ['e1'], release: [], keep: [] });
  });

  it('pending rows the new plan drops are cancelled', () => {
    const p = row();
    expect(diffReplan([existing(p)], [])).toEqual({ insert: [], cancel: ['e1'], release: [], keep: [] });
  });

  it('an occurrence already sent for the same time is never sent again; for a new time it is planned anew', () => {
    const p = row();
    expect(diffReplan([existing(p, { state: 'sent' })], [p]).keep).toEqual(['e1']);
    const moved = row({ plannedFor: new Date('2026-01-12T04:00Z') });
    expect(diffReplan([existing(p, { state: 'sent' })], [moved])).toEqual({ insert: [moved], cancel: [], release: ['e1'], keep: [] });
    expect(diffReplan([existing(p, { state: 'sent' })], []).keep).toEqual([]); // history stays, nothing to do
  });

  it('a cancelled occurrence planned again is reinstated', () => {
    const p = row();
    expect(diffReplan([existing(p, { state: 'cancelled', stateReason: 'plan_paused' })], [p])).toEqual({ insert: [p], cancel: [], release: ['e1'], keep: [] });
  });

  it('skipped at planning (opt-out) and now wanted: planned anew; skipped at delivery for the same time: kept', () => {
    const p = row();
    expect(diffReplan([existing(p, { state: 'skipped', stateReason: 'opted_out' })], [p]).insert).toEqual([p]);
    expect(diffReplan([existing(p, { state: 'skipped', stateReason: 'plan_paused' })], [p]).keep).toEqual(['e1']);
    const stillOut = row({ state: 'skipped', stateReason: 'opted_out' });
    expect(diffReplan([existing(p, { state: 'skipped', stateReason: 'opted_out' })], [stillOut]).keep).toEqual(['e1']);
  });
});
