import { ConflictError, RuleViolationError } from '../../common/errors/domain-error';
import type { ReadinessAnswer } from '../check-ins/check-in.entity';
import type { PlanEventKind, PlanOutcome, PlanStatus, StepState } from './treatment-plan.entity';

/**
 * The framework's rules for a plan, as pure functions over facts the service has read under the
 * plan's row lock. Each refusal names its rule in `code` (422), or is a state conflict (409).
 */

/** Rule 1 gates every step after this one. */
export const STABILIZATION_STEP = 'stabilization';
/** Rule 3 gates this step. */
export const FORGIVENESS_STEP = 'forgiveness';

export const STEP_ACTIONS = ['activate', 'complete', 'waive', 'reopen'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

interface Transition {
  from: readonly StepState[];
  to: StepState;
  kind: PlanEventKind;
}

/** The step state machine: completed and waived steps come back only through reopen. */
export const STEP_TRANSITIONS: Record<StepAction, Transition> = {
  activate: { from: ['not_started'], to: 'active', kind: 'step_activated' },
  complete: { from: ['active'], to: 'completed', kind: 'step_completed' },
  waive: { from: ['not_started', 'active'], to: 'waived', kind: 'step_waived' },
  reopen: { from: ['completed', 'waived'], to: 'active', kind: 'step_reopened' },
};

/** Rule codes, as answered in the `code` of a 422. */
export const RULE_CODES = {
  stabilizationFirst: 'stabilization_first',
  forgivenessReadiness: 'forgiveness_readiness',
  conjointWorkPaused: 'conjoint_work_paused',
  closingRequiresOutcome: 'closing_requires_outcome',
  planNotActive: 'plan_not_active',
  waiverRequiresReason: 'waiver_requires_reason',
} as const;

/** One partner's (or the single client's) most recent answer to "I feel ready to work on forgiveness". */
export interface ReadinessFact {
  clientId: string;
  answer: ReadinessAnswer | null;
}

export interface StepChangeFacts {
  planStatus: PlanStatus;
  /** A couple plan whose conjoint work is paused by a safety flag (always false for an individual plan). */
  conjointWorkPaused: boolean;
  /** Every step of the plan with its current state. */
  states: ReadonlyMap<string, StepState>;
  stepKey: string;
  action: StepAction;
  /** Trimmed; null when none was given. */
  reason: string | null;
  /** Everyone whose readiness counts: both partners of a couple plan, the client of an individual plan. */
  readiness: readonly ReadinessFact[];
  /** How many people must be ready: 2 for a couple plan, 1 for an individual plan. */
  readinessRequired: number;
  confirmReadiness: boolean;
}

export interface StepChange {
  from: StepState;
  to: StepState;
  kind: PlanEventKind;
}

export function planNotActive(status: PlanStatus): RuleViolationError {
  return new RuleViolationError(
    RULE_CODES.planNotActive,
    status === 'closed'
      ? 'This plan is closed; its steps never change again'
      : `Steps change only while the plan is active; this plan is ${status}`,
    { planStatus: status },
  );
}

export function conjointWorkPaused(): RuleViolationError {
  return new RuleViolationError(
    RULE_CODES.conjointWorkPaused,
    'Conjoint work is paused by an active high-severity safety flag: the couple plan can only be paused or closed until a clinician resolves it',
  );
}

/** Whether everyone whose readiness counts has most recently answered "ready". */
export function readinessMet(readiness: readonly ReadinessFact[], required: number): boolean {
  return readiness.length >= required && required > 0 && readiness.every((r) => r.answer === 'ready');
}

/**
 * Decides a step change, or throws the refusal. Order: the plan must be active (rule: steps
 * change only on an active plan), not paused for safety (rule 4), the transition must exist,
 * a waiver needs a reason, then the activation gates (rules 1 and 3).
 */
export function decideStepChange(f: StepChangeFacts): StepChange {
  if (f.planStatus !== 'active') throw planNotActive(f.planStatus);
  if (f.conjointWorkPaused) throw conjointWorkPaused();

  const from = f.states.get(f.stepKey);
  if (from === undefined) throw new Error(`step ${f.stepKey} is not on the plan`);
  const t = STEP_TRANSITIONS[f.action];
  if (!t.from.includes(from)) {
    throw new ConflictError('step_state_conflict', `The ${f.stepKey} step is ${from}; it cannot be ${pastTense(f.action)} from there`, {
      stepKey: f.stepKey,
      state: from,
    });
  }
  if (f.action === 'waive' && !f.reason) {
    throw new RuleViolationError(RULE_CODES.waiverRequiresReason, 'reason: a step is waived only with a reason', { field: 'reason' });
  }

  if (t.to === 'active') {
    if (f.stepKey !== STABILIZATION_STEP) {
      const stabilization = f.states.get(STABILIZATION_STEP);
      if (stabilization !== 'completed' && stabilization !== 'waived') {
        throw new RuleViolationError(
          RULE_CODES.stabilizationFirst,
          'Stabilization comes first: complete it, or waive it with a reason, before activating any later step',
          { stabilization: stabilization ?? null },
        );
      }
    }
    if (f.stepKey === FORGIVENESS_STEP) {
      if (!readinessMet(f.readiness, f.readinessRequired)) {
        throw new RuleViolationError(
          RULE_CODES.forgivenessReadiness,
          f.readinessRequired > 1
            ? 'Forgiveness is never rushed: both partners’ most recent check-ins must say they feel ready'
            : 'Forgiveness is never rushed: the client’s most recent check-in must say they feel ready',
          { readiness: f.readiness.map((r) => ({ clientId: r.clientId, answer: r.answer })) },
        );
      }
      if (!f.confirmReadiness) {
        throw new RuleViolationError(
          RULE_CODES.forgivenessReadiness,
          'confirmReadiness: the clinician confirms the readiness in the same request ({ "confirmReadiness": true })',
          { field: 'confirmReadiness' },
        );
      }
    }
  }
  return { from, to: t.to, kind: t.kind };
}

function pastTense(action: StepAction): string {
  return { activate: 'activated', complete: 'completed', waive: 'waived', reopen: 'reopened' }[action];
}

export const PLAN_ACTIONS = ['activate', 'pause', 'resume', 'close'] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

interface PlanTransition {
  from: readonly PlanStatus[];
  to: PlanStatus;
  kind: PlanEventKind;
}

export const PLAN_TRANSITIONS: Record<PlanAction, PlanTransition> = {
  activate: { from: ['draft'], to: 'active', kind: 'plan_activated' },
  pause: { from: ['active'], to: 'paused', kind: 'plan_paused' },
  resume: { from: ['paused'], to: 'active', kind: 'plan_resumed' },
  close: { from: ['draft', 'active', 'paused'], to: 'closed', kind: 'plan_closed' },
};

export interface PlanChangeFacts {
  status: PlanStatus;
  conjointWorkPaused: boolean;
  action: PlanAction;
  /** For close: the outcome and the (trimmed) summary, null when missing. */
  outcome?: PlanOutcome | null;
  summary?: string | null;
}

export interface PlanChange {
  from: PlanStatus;
  to: PlanStatus;
  kind: PlanEventKind;
}

/** Decides a lifecycle change: a closed plan never changes; rule 4 lets only pause and close through; rule 5 on close. */
export function decidePlanChange(f: PlanChangeFacts): PlanChange {
  if (f.status === 'closed') throw new ConflictError('plan_closed', 'This plan is closed; it never changes again');
  const t = PLAN_TRANSITIONS[f.action];
  if (!t.from.includes(f.status)) {
    throw new ConflictError('plan_state_conflict', `This plan is ${f.status}; it cannot be ${planPastTense(f.action)} from there`, {
      planStatus: f.status,
    });
  }
  if (f.conjointWorkPaused && t.to === 'active') throw conjointWorkPaused();
  if (f.action === 'close') assertClosingHasOutcome(f.outcome ?? null, f.summary ?? null);
  return { from: f.status, to: t.to, kind: t.kind };
}

/** Rule 5: an outcome (separated is as valid as reconciled) and a summary. */
export function assertClosingHasOutcome(outcome: PlanOutcome | null, summary: string | null): void {
  const missing = [...(outcome ? [] : ['outcome']), ...(summary ? [] : ['summary'])];
  if (missing.length) {
    throw new RuleViolationError(
      RULE_CODES.closingRequiresOutcome,
      `Closing a plan requires an outcome (reconciled, separated, discontinued or referred_out) and a summary; missing: ${missing.join(', ')}`,
      { missing },
    );
  }
}

function planPastTense(action: PlanAction): string {
  return { activate: 'activated', pause: 'paused', resume: 'resumed', close: 'closed' }[action];
}
