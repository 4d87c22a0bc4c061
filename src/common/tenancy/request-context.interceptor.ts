import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { AuditService } from '../../modules/audit/audit.service';
import { routeAuditRecord } from '../../modules/audit/route-audit';
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
    const responseId = result && typeof result === 'object' && 'id' in result ? String((result as { id: unknown }).id) : null;
    const event = routeAuditRecord(req, 'allowed', { responseId });
    if (event) this.audit.record(event);
  }
}
