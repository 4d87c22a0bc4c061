import { SubjectFacts, whyNotDeliverable } from './deliverability';

const now = new Date('2026-05-01T12:00Z');
const homework = (over: Partial<Extract<SubjectFacts, { type: 'homework_instance' }>> = {}): SubjectFacts => ({
  type: 'homework_instance',
  instanceState: 'pending',
  assignmentStatus: 'active',
  planStatus: 'active',
  couplePlan: true,
  conjointPaused: false,
  ...over,
});
const session = (over: Partial<Extract<SubjectFacts, { type: 'session' }>> = {}): SubjectFacts => ({
  type: 'session',
  status: 'scheduled',
  startsAt: new Date('2026-05-02T12:00Z'),
  coupleSession: true,
  conjointPaused: false,
  recipientTakesPart: true,
  ...over,
});

describe('whyNotDeliverable', () => {
  it('pending homework of an active plan goes out', () => {
    expect(whyNotDeliverable('homework_prompt', homework(), now)).toBeNull();
  });

  it.each([
    ['submitted', homework({ instanceState: 'submitted' }), 'homework_done'],
    ['excused', homework({ instanceState: 'excused' }), 'homework_done'],
    ['assignment paused', homework({ assignmentStatus: 'paused' }), 'assignment_paused'],
    ['assignment cancelled', homework({ assignmentStatus: 'cancelled' }), 'assignment_ended'],
    ['plan paused', homework({ planStatus: 'paused' }), 'plan_paused'],
    ['plan closed', homework({ planStatus: 'closed' }), 'plan_closed'],
    ['couple plan under an IPV pause', homework({ conjointPaused: true }), 'conjoint_work_paused'],
    ['gone', { type: 'missing' } as SubjectFacts, 'subject_gone'],
  ])('homework: %s → %s', (_label, facts, reason) => {
    expect(whyNotDeliverable('homework_due_soon', facts, now)).toBe(reason);
  });

  it('an individual plan is not stopped by a couple pause', () => {
    expect(whyNotDeliverable('homework_prompt', homework({ couplePlan: false, conjointPaused: true }), now)).toBeNull();
  });

  it.each([
    ['scheduled', session(), null],
    ['cancelled', session({ status: 'cancelled' }), 'session_not_scheduled'],
    ['couple session under an IPV pause', session({ conjointPaused: true }), 'conjoint_work_paused'],
    ['individual session under a pause', session({ coupleSession: false, conjointPaused: true }), null],
    ['already started', session({ startsAt: now }), 'session_started'],
    ['recipient no longer a participant', session({ recipientTakesPart: false }), 'not_a_participant'],
  ])('session: %s → %s', (_label, facts, reason) => {
    expect(whyNotDeliverable('session_reminder', facts, now)).toBe(reason);
  });

  it('check-in schedules: only while active', () => {
    expect(whyNotDeliverable('check_in', { type: 'check_in_schedule', active: true }, now)).toBeNull();
    expect(whyNotDeliverable('check_in', { type: 'check_in_schedule', active: false }, now)).toBe('schedule_inactive');
  });

  it('a clinician alert always goes out, whatever the pause', () => {
    expect(whyNotDeliverable('clinician_alert', { type: 'missing' }, now)).toBeNull();
    expect(whyNotDeliverable('clinician_alert', homework({ conjointPaused: true }), now)).toBeNull();
  });
});
