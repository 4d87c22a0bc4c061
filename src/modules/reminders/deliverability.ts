import type { AssignmentStatus, InstanceState } from '../homework/homework.entity';
import type { NotificationReason } from '../notifications/notification.entity';
import type { SessionStatus } from '../sessions/clinical-session.entity';
import type { PlanStatus } from '../treatment-plans/treatment-plan.entity';

/**
 * Whether the thing a reminder is about still wants it, decided at delivery time from facts read
 * in the delivery transaction. Pure. A reminder that is no longer wanted is 'skipped' with one of
 * these reasons (never clinical text).
 */
export const DELIVERY_SKIP_REASONS = [
  'subject_gone',
  /** The homework instance was submitted, excused or marked missed. */
  'homework_done',
  'assignment_paused',
  'assignment_ended',
  'plan_paused',
  'plan_closed',
  /** An active high-severity IPV flag pauses couple work and couple reminders. */
  'conjoint_work_paused',
  'session_not_scheduled',
  'session_started',
  'not_a_participant',
  'schedule_inactive',
] as const;
export type DeliverySkipReason = (typeof DELIVERY_SKIP_REASONS)[number];

export type SubjectFacts =
  | { type: 'missing' }
  | {
      type: 'homework_instance';
      instanceState: InstanceState;
      assignmentStatus: AssignmentStatus;
      planStatus: PlanStatus;
      /** The plan is a couple's: its homework is couple work. */
      couplePlan: boolean;
      conjointPaused: boolean;
    }
  | {
      type: 'session';
      status: SessionStatus;
      startsAt: Date;
      /** A session with a couple (conjoint). */
      coupleSession: boolean;
      conjointPaused: boolean;
      /** The recipient (a client) is still among its participants; true for staff recipients. */
      recipientTakesPart: boolean;
    }
  | { type: 'check_in_schedule'; active: boolean }
  | { type: 'check_in' };

export function whyNotDeliverable(reason: NotificationReason, subject: SubjectFacts, now: Date): DeliverySkipReason | null {
  // A clinician alert ("I feel unsafe") always goes out: safety outranks every pause.
  if (reason === 'clinician_alert') return null;
  switch (subject.type) {
    case 'missing':
      return 'subject_gone';
    case 'homework_instance':
      if (subject.instanceState !== 'pending') return 'homework_done';
      if (subject.assignmentStatus === 'paused') return 'assignment_paused';
      if (subject.assignmentStatus !== 'active') return 'assignment_ended';
      if (subject.planStatus === 'paused') return 'plan_paused';
      if (subject.planStatus === 'closed') return 'plan_closed';
      if (subject.couplePlan && subject.conjointPaused) return 'conjoint_work_paused';
      return null;
    case 'session':
      if (subject.status !== 'scheduled') return 'session_not_scheduled';
      if (!subject.recipientTakesPart) return 'not_a_participant';
      if (subject.coupleSession && subject.conjointPaused) return 'conjoint_work_paused';
      if (now.getTime() >= subject.startsAt.getTime()) return 'session_started';
      return null;
    case 'check_in_schedule':
      return subject.active ? null : 'schedule_inactive';
    case 'check_in':
      return null;
  }
}
