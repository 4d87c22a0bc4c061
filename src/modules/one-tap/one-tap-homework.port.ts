import type { EntityManager } from 'typeorm';
import type { PracticeId } from '../../common/tenancy/request-context';

/**
 * What the homework module lends the one-tap routes, so that an open_homework link reads and
 * answers exactly one instance through the homework module's own rules (questions, late
 * marking, one submission per instance) without a portal session. Provide it from HomeworkModule
 * under ONE_TAP_HOMEWORK and export it; until then the one-tap homework routes answer 404.
 */
export interface OneTapHomeworkPort {
  /** The instance as its assignee sees it in the portal, or null when it is not theirs or not answerable. */
  view(practiceId: PracticeId, clientId: string, instanceId: string): Promise<object | null>;
  /**
   * Validates `body` as a submission of that instance (400 naming the field, 409 when already
   * submitted) and records it; `within` runs inside the submission's transaction (it spends the
   * grant, so a rollback leaves the grant unspent).
   */
  submit(practiceId: PracticeId, clientId: string, instanceId: string, body: unknown, within: (m: EntityManager) => Promise<void>): Promise<object>;
}

export const ONE_TAP_HOMEWORK = Symbol('ONE_TAP_HOMEWORK');
