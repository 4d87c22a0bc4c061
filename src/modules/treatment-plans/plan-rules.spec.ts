import { DomainError } from '../../common/errors/domain-error';
import { FRAMEWORK_STEP_KEYS } from '../framework/framework-keys';
import { decidePlanChange, decideStepChange, readinessMet, StepChangeFacts } from './plan-rules';
import type { StepState } from './treatment-plan.entity';

function states(over: Partial<Record<string, StepState>> = {}): Map<string, StepState> {
  return new Map(FRAMEWORK_STEP_KEYS.map((k) => [k, over[k] ?? 'not_started']));
}

const READY_BOTH = [
  { clientId: 'a', answer: 'ready' as const },
  { clientId: 'b', answer: 'ready' as const },
];

function facts(over: Partial<StepChangeFacts> = {}): StepChangeFacts {
  return {
    planStatus: 'active',
    conjointWorkPaused: false,
    states: states(),
    stepKey: 'stabilization',
    action: 'activate',
    reason: null,
    readiness: [],
    readinessRequired: 2,
    confirmReadiness: false,
    ...over,
  };
}

function refusal(fn: () => unknown): { status: number; code: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { status: e.status, code: e.code };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('step changes', () => {
  it('activates stabilization on an active plan', () => {
    expect(decideStepChange(facts())).toEqual({ from: 'not_started', to: 'active', kind: 'step_activated' });
  });

  describe('rule 1: stabilization first', () => {
    it.each(FRAMEWORK_STEP_KEYS.filter((k) => k !== 'stabilization'))('refuses to activate %s before stabilization is done', (key) => {
      expect(refusal(() => decideStepChange(facts({ stepKey: key, states: states({ stabilization: 'active' }) })))).toEqual({
        status: 422,
        code: 'stabilization_first',
      });
    });

    it.each(['completed', 'waived'] as const)('allows a later step once stabilization is %s', (s) => {
      expect(decideStepChange(facts({ stepKey: 'transparency', states: states({ stabilization: s }) })).to).toBe('active');
    });

    it('applies to reopening a later step too', () => {
      const f = facts({ stepKey: 'accountability', action: 'reopen', states: states({ stabilization: 'active', accountability: 'completed' }) });
      expect(refusal(() => decideStepChange(f)).code).toBe('stabilization_first');
    });

    it('a waiver needs a reason', () => {
      expect(refusal(() => decideStepChange(facts({ action: 'waive' })))).toEqual({ status: 422, code: 'waiver_requires_reason' });
      expect(decideStepChange(facts({ action: 'waive', reason: 'Stable on intake; no crisis' })).to).toBe('waived');
    });

    it('waiving or completing a later step is not an activation', () => {
      expect(decideStepChange(facts({ stepKey: 'intimacy', action: 'waive', reason: 'not needed' })).to).toBe('waived');
    });
  });

  describe('rule 3: forgiveness', () => {
    const ready = { stepKey: 'forgiveness', states: states({ stabilization: 'completed' }) };

    it('refuses when one partner is not ready, or has never answered', () => {
      for (const readiness of [
        [READY_BOTH[0], { clientId: 'b', answer: 'not_yet' as const }],
        [READY_BOTH[0], { clientId: 'b', answer: null }],
        [READY_BOTH[0]],
        [],
      ]) {
        expect(refusal(() => decideStepChange(facts({ ...ready, readiness, confirmReadiness: true })))).toEqual({
          status: 422,
          code: 'forgiveness_readiness',
        });
      }
    });

    it('refuses both-ready without the clinician’s confirmation', () => {
      expect(refusal(() => decideStepChange(facts({ ...ready, readiness: READY_BOTH }))).code).toBe('forgiveness_readiness');
    });

    it('activates on both partners’ readiness and the confirmation', () => {
      expect(decideStepChange(facts({ ...ready, readiness: READY_BOTH, confirmReadiness: true })).to).toBe('active');
    });

    it('an individual plan needs its one client ready', () => {
      const one = [{ clientId: 'a', answer: 'ready' as const }];
      expect(decideStepChange(facts({ ...ready, readiness: one, readinessRequired: 1, confirmReadiness: true })).to).toBe('active');
      expect(readinessMet([], 1)).toBe(false);
    });

    it('reopening forgiveness asks again', () => {
      const f = facts({ stepKey: 'forgiveness', action: 'reopen', states: states({ stabilization: 'completed', forgiveness: 'waived' }), confirmReadiness: true });
      expect(refusal(() => decideStepChange(f)).code).toBe('forgiveness_readiness');
    });

    it('forgiveness may be waived with a reason without readiness (a couple may part)', () => {
      expect(decideStepChange(facts({ stepKey: 'forgiveness', action: 'waive', reason: 'Separating with care' })).to).toBe('waived');
    });
  });

  it('rule 4: no step change while conjoint work is paused', () => {
    expect(refusal(() => decideStepChange(facts({ conjointWorkPaused: true })))).toEqual({ status: 422, code: 'conjoint_work_paused' });
  });

  it.each(['draft', 'paused', 'closed'] as const)('steps do not change on a %s plan', (planStatus) => {
    expect(refusal(() => decideStepChange(facts({ planStatus })))).toEqual({ status: 422, code: 'plan_not_active' });
  });

  it.each([
    ['activate', 'active'],
    ['complete', 'not_started'],
    ['complete', 'waived'],
    ['waive', 'completed'],
    ['reopen', 'active'],
    ['reopen', 'not_started'],
  ] as const)('refuses %s from %s as a state conflict', (action, from) => {
    expect(refusal(() => decideStepChange(facts({ action, reason: 'x', states: states({ stabilization: from }) })))).toEqual({
      status: 409,
      code: 'step_state_conflict',
    });
  });

  it('several steps may be active at once', () => {
    const s = states({ stabilization: 'completed', transparency: 'active' });
    expect(decideStepChange(facts({ stepKey: 'validation', states: s })).to).toBe('active');
  });
});

describe('plan lifecycle', () => {
  it('draft → active → paused → active → closed', () => {
    expect(decidePlanChange({ status: 'draft', conjointWorkPaused: false, action: 'activate' })).toMatchObject({ to: 'active' });
    expect(decidePlanChange({ status: 'active', conjointWorkPaused: false, action: 'pause' })).toMatchObject({ to: 'paused' });
    expect(decidePlanChange({ status: 'paused', conjointWorkPaused: false, action: 'resume' })).toMatchObject({ to: 'active' });
    expect(decidePlanChange({ status: 'active', conjointWorkPaused: false, action: 'close', outcome: 'separated', summary: 'Parted with care' })).toMatchObject({
      to: 'closed',
      kind: 'plan_closed',
    });
  });

  it('rule 4: only pause and close while conjoint work is paused', () => {
    expect(refusal(() => decidePlanChange({ status: 'draft', conjointWorkPaused: true, action: 'activate' })).code).toBe('conjoint_work_paused');
    expect(refusal(() => decidePlanChange({ status: 'paused', conjointWorkPaused: true, action: 'resume' })).code).toBe('conjoint_work_paused');
    expect(decidePlanChange({ status: 'active', conjointWorkPaused: true, action: 'pause' }).to).toBe('paused');
    expect(decidePlanChange({ status: 'active', conjointWorkPaused: true, action: 'close', outcome: 'referred_out', summary: 'Referred' }).to).toBe('closed');
  });

  it('rule 5: closing needs an outcome and a summary', () => {
    for (const [outcome, summary] of [
      [null, 'summary'],
      ['reconciled', null],
      [null, null],
    ] as const) {
      expect(refusal(() => decidePlanChange({ status: 'active', conjointWorkPaused: false, action: 'close', outcome, summary }))).toEqual({
        status: 422,
        code: 'closing_requires_outcome',
      });
    }
  });

  it('a closed plan never changes; other wrong transitions are conflicts', () => {
    expect(refusal(() => decidePlanChange({ status: 'closed', conjointWorkPaused: false, action: 'activate' }))).toEqual({ status: 409, code: 'plan_closed' });
    expect(refusal(() => decidePlanChange({ status: 'draft', conjointWorkPaused: false, action: 'pause' }))).toEqual({ status: 409, code: 'plan_state_conflict' });
  });
});
