import type { AuditOutcome } from './audit-event.entity';

export interface AuditRecord {
  practiceId: string | null;
  actorUserId: string | null;
  actorRole: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: AuditOutcome;
  reason?: string | null;
  occurredAt?: Date;
  ip?: string | null;
  requestId?: string | null;
}

/** What a route declares it touches; the interceptor and the exception filter fill in the rest. */
export interface AuditSpec {
  action: string;
  resourceType: string;
  /** Route param holding the resource id, if any. */
  idParam?: string;
  /** Take the id from the response body's `id` (creations). */
  idFromResponse?: boolean;
}
