import type { KintsugiRequest } from '../../common/http/request';
import { requestIdOf } from '../../common/http/request';
import type { AuditOutcome } from './audit-event.entity';
import type { AuditRecord } from './audit.types';

/** The audit event of a call to an audited route, allowed or denied, from the request alone. */
export function routeAuditRecord(
  req: KintsugiRequest,
  outcome: AuditOutcome,
  opts: { responseId?: string | null; reason?: string | null } = {},
): AuditRecord | null {
  const spec = req.auditSpec;
  if (!spec) return null;
  const params = (req.params ?? {}) as Record<string, string>;
  const fromParam = spec.idParam ? (params[spec.idParam] ?? null) : null;
  return {
    practiceId: req.principal?.practiceId ?? null,
    actorUserId: req.principal?.userId ?? null,
    actorRole: req.principal?.role ?? null,
    action: spec.action,
    resourceType: spec.resourceType,
    resourceId: (spec.idFromResponse && opts.responseId) || fromParam,
    outcome,
    reason: opts.reason ?? null,
    ip: req.ip ?? null,
    requestId: requestIdOf(req),
  };
}
