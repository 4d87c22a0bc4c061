/** Every queue and job name, and each job's payload type: ids only, never names or clinical text. */
export const QUEUES = {
  maintenance: 'maintenance',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES: QueueName[] = Object.values(QUEUES);

export const JOBS = {
  heartbeat: 'heartbeat',
} as const;

export interface JobPayloads {
  [JOBS.heartbeat]: { enqueuedAt: string };
}
