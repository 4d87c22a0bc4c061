/** Every queue and job name, and each job's payload type: ids only, never names or clinical text. */
export const QUEUES = {
  maintenance: 'maintenance',
  /** Delivery of notifications (email, in-app, webhook): the hot path, scaled on its own. */
  delivery: 'delivery',
  /** Periodic planning work: the near-term sweep, reconciliation, homework materialization. */
  planning: 'planning',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES: QueueName[] = Object.values(QUEUES);

export const JOBS = {
  heartbeat: 'heartbeat',
  /** Deliver one notification row. Job id = `deliver:<notificationId>` so re-enqueueing is harmless. */
  deliver: 'deliver',
  /** Move notifications due within the near-term window from PostgreSQL into delayed jobs. */
  sweep: 'sweep',
  /** Extend recurring homework and check-in occurrences over the rolling horizon. */
  materialize: 'materialize',
  /** Extend check-in schedules' reminders over their rolling 14-day window (repeatable, hourly). */
  materializeCheckIns: 'materialize-check-ins',
} as const;

export interface JobPayloads {
  [JOBS.heartbeat]: { enqueuedAt: string };
  [JOBS.deliver]: { notificationId: string; practiceId: string };
  [JOBS.sweep]: { requestedAt: string };
  [JOBS.materialize]: { requestedAt: string };
  [JOBS.materializeCheckIns]: { requestedAt: string };
}

export const deliverJobId = (notificationId: string) => `deliver:${notificationId}`;
