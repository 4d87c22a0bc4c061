import { checkTransition, TARGET_STATUSES } from './session-status';

const now = new Date('2027-05-01T12:00:00Z');
const past = new Date('2027-05-01T11:00:00Z');
const future = new Date('2027-05-02T11:00:00Z');

describe('checkTransition', () => {
  it('moves a scheduled session that has started to any target', () => {
    for (const to of TARGET_STATUSES) expect(checkTransition('scheduled', to, past, now)).toEqual({ ok: true });
  });

  it('cancels a future session but does not complete it or mark it a no-show', () => {
    expect(checkTransition('scheduled', 'cancelled', future, now)).toEqual({ ok: true });
    expect(checkTransition('scheduled', 'late_cancelled', future, now)).toEqual({ ok: true });
    expect(checkTransition('scheduled', 'completed', future, now)).toMatchObject({ ok: false, code: 'session_not_started' });
    expect(checkTransition('scheduled', 'no_show', future, now)).toMatchObject({ ok: false, code: 'session_not_started' });
  });

  it('refuses every move out of a final status, naming it', () => {
    for (const from of ['completed', 'cancelled', 'late_cancelled', 'no_show'] as const) {
      for (const to of TARGET_STATUSES) {
        const r = checkTransition(from, to, past, now);
        expect(r).toMatchObject({ ok: false, code: 'invalid_status_transition' });
        expect(!r.ok && r.message).toContain(`from ${from} to ${to}`);
      }
    }
  });
});
