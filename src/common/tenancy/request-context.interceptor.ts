import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { AuditService } from '../../modules/audit/audit.service';
import { KintsugiRequest, requestIdOf } from '../http/request';
import { RequestContextStore } from './request-context';

/**
 * Opens the request's context (tenant, actor, request id) for everything downstream, and writes
 * the audit event of an allowed call to an audited route once the handler has succeeded.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  constructor(private readonly audit: AuditService) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<KintsugiRequest>();
    const ctx = { requestId: requestIdOf(req), ip: req.ip ?? null, principal: req.principal };
    return new Observable((subscriber) =>
      RequestContextStore.run(ctx, () =>
        next
          .handle()
          .pipe(tap((result) => this.recordAllowed(req, result)))
          .subscribe(subscriber),
      ),
    );
  }

  private recordAllowed(req: KintsugiRequest, result: unknown): void {
    const spec = req.auditSpec;
    if (!spec) return;
    const params = (req.params ?? {}) as Record<string, string>;
    let resourceId: string | null = spec.idParam ? (params[spec.idParam] ?? null) : null;
    if (spec.idFromResponse && result && typeof result === 'object' && 'id' in result) {
      resourceId = String((result as { id: unknown }).id);
    }
    this.audit.record({
      practiceId: req.principal?.practiceId ?? null,
      actorUserId: req.principal?.userId ?? null,
      actorRole: req.principal?.role ?? null,
      action: spec.action,
      resourceType: spec.resourceType,
      resourceId,
      outcome: 'allowed',
      ip: req.ip ?? null,
      requestId: requestIdOf(req),
    });
  }
}
