import type { PrivacyPolicy, RecoveryRole } from '../couples/couple.entity';
import type { HomeworkAudience } from '../framework/homework-template.entity';
import type { AnswerVisibility } from './homework.entity';

/**
 * Who homework may go to and who may see the answers: pure rules, so the decisions are easy to
 * read and unit-test. The service feeds them facts read under the plan's lock.
 */

export interface Refusal {
  /** Stable code of the rule, e.g. "audience_mismatch". */
  code: string;
  message: string;
}

export interface Person {
  clientId: string;
  /** The partner's recovery role (couple plans; for an individual plan, their role in an active couple if any). */
  role: RecoveryRole | null;
}

export type PlanKind = 'couple' | 'individual';

/** Does this role do the work of this audience? `mutual` partners both broke and lost trust. */
function roleFits(audience: 'injured' | 'involved', role: RecoveryRole | null): boolean {
  return role === null || role === audience || role === 'mutual';
}

/** The assignees when the clinician names none: who the audience is for, among the plan's people. */
export function defaultAssignees(audience: HomeworkAudience, people: Person[]): string[] {
  if (audience === 'injured' || audience === 'involved') return people.filter((p) => p.role !== null && roleFits(audience, p.role)).map((p) => p.clientId);
  return people.map((p) => p.clientId);
}

/**
 * The role rule. A template for the injured (involved) partner goes only to an injured (involved)
 * or mutual partner; a `both` template is a couple task and goes to both partners of a couple
 * plan; `each` goes to anyone of the plan, each on their own. A client whose role is unknown (an
 * individual plan of someone in no couple) fits any single-role template. `roleOverride: true`
 * assigns against the audience on purpose, and is recorded.
 */
export function audienceRefusal(audience: HomeworkAudience, assignees: Person[], plan: { kind: PlanKind; partners: number }): Refusal | null {
  if (audience === 'injured' || audience === 'involved') {
    const misfit = assignees.find((a) => !roleFits(audience, a.role));
    if (misfit) {
      return {
        code: 'audience_mismatch',
        message: `clientIds: this homework is for the ${audience} partner and ${misfit.clientId} is the ${misfit.role} partner; send roleOverride: true to assign it anyway`,
      };
    }
  }
  if (audience === 'both' && (plan.kind !== 'couple' || assignees.length !== plan.partners || plan.partners < 2)) {
    return {
      code: 'audience_mismatch',
      message: 'clientIds: this homework is a couple task for both partners together; assign it to both partners of a couple plan, or send roleOverride: true',
    };
  }
  return null;
}

/**
 * The answers' visibility, within the couple's privacy policy (decided here, see the README):
 *
 * - an individual plan's homework is private: there is no partner in that work to share with,
 *   and individual work may be exactly what must stay apart (an IPV pause keeps it going);
 * - a `no_secrets` couple agreed that nothing of the couple work is kept from the other partner:
 *   answers are shared, `private` is refused;
 * - a `limited_secrets` couple may have either; the default is private, except a `both` couple
 *   task, which is done together and shared by default.
 */
export function decideVisibility(
  requested: AnswerVisibility | undefined,
  plan: { kind: PlanKind; privacyPolicy: PrivacyPolicy | null },
  audience: HomeworkAudience,
): { visibility: AnswerVisibility } | Refusal {
  if (plan.kind === 'individual') {
    if (requested === 'shared') {
      return { code: 'visibility_needs_couple_plan', message: 'visibility: homework of an individual plan stays private; there is no partner in this work to share it with' };
    }
    return { visibility: 'private' };
  }
  if (plan.privacyPolicy === 'no_secrets') {
    if (requested === 'private') {
      return {
        code: 'privacy_policy_no_secrets',
        message: 'visibility: this couple’s privacy policy is no secrets, so answers to couple homework are shared with the partner; use an individual plan for private work',
      };
    }
    return { visibility: 'shared' };
  }
  return { visibility: requested ?? (audience === 'both' ? 'shared' : 'private') };
}
