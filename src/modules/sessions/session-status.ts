import type { SessionStatus } from './clinical-session.entity';

/** Statuses a session may be moved to; only a scheduled session moves at all. */
export const TARGET_STATUSES = ['completed', 'cancelled', 'late_cancelled', 'no_show'] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

export type TransitionCheck = { ok: true } | { ok: false; code: string; message: string };

/**
 * scheduled → completed | cancelled | late_cancelled | no_show; every other move is refused.
 * A session can be completed or marked a no-show only once it has started.
 */
export function checkTransition(from: SessionStatus, to: TargetStatus, startsAt: Date, now: Date): TransitionCheck {
  if (from !== 'scheduled') {
    return { ok: false, code: 'invalid_status_transition', message: `A session cannot go from ${from} to ${to}; only a scheduled session changes status` };
  }
  if ((to === 'completed' || to === 'no_show') && startsAt.getTime() > now.getTime()) {
    return { ok: false, code: 'session_not_started', message: `A session cannot go from scheduled to ${to} before it starts` };
  }
  return { ok: true };
}
