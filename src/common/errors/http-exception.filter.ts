import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { QueryFailedError } from 'typeorm';
import { AuditService } from '../../modules/audit/audit.service';
import { routeAuditRecord } from '../../modules/audit/route-audit';
import { KintsugiRequest, requestIdOf } from '../http/request';
import { DomainError, TooManyRequestsError } from './domain-error';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  [extra: string]: unknown;
}

const AUDITED_DENIALS = new Set([401, 403, 404]);

/** Maps every error to the one JSON error shape; never echoes input values or internals. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  constructor(private readonly audit: AuditService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<KintsugiRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);

    if (exception instanceof TooManyRequestsError) {
      void reply.header('Retry-After', String(exception.retryAfterSeconds));
    }
    if (body.statusCode >= 500) {
      const err = exception as Error;
      this.logger.error({ err: { name: err?.name, message: err?.message, stack: err?.stack }, requestId: requestIdOf(req) }, 'unhandled error');
    }
    if (AUDITED_DENIALS.has(body.statusCode)) {
      const event = routeAuditRecord(req, 'denied', { reason: body.code ?? STATUS_CODES[body.statusCode] ?? null });
      if (event) this.audit.record(event);
    }
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.status,
        error: STATUS_CODES[exception.status] ?? 'Error',
        message: exception.message,
        code: exception.code,
        ...(exception.details ?? {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const base: ErrorBody = {
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Error',
        message: typeof res === 'string' ? res : exception.message,
      };
      if (typeof res === 'object' && res !== null) {
        const r = res as Record<string, unknown>;
        return { ...base, ...r, message: Array.isArray(r.message) ? r.message.join('; ') : String(r.message ?? base.message) };
      }
      return base;
    }
    if (exception instanceof QueryFailedError && (exception as { code?: string }).code === '23505') {
      return { statusCode: 409, error: 'Conflict', message: 'A conflicting record already exists', code: 'conflict' };
    }
    const fastifyStatus = (exception as { statusCode?: number })?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      return {
        statusCode: fastifyStatus,
        error: STATUS_CODES[fastifyStatus] ?? 'Error',
        message: fastifyStatus === 413 ? 'Request body is too large' : (exception as Error).message,
      };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: 'Something went wrong; it has been logged' };
  }
}
