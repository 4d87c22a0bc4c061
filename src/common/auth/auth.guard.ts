import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { ForbiddenError, UnauthorizedError } from '../errors/domain-error';
import type { KintsugiRequest } from '../http/request';
import type { Principal } from '../tenancy/request-context';
import type { UserRole } from '../../modules/users/user.entity';
import type { AuditSpec } from '../../modules/audit/audit.types';
import { ALLOW_DURING_TOTP_ENROLMENT, AUDIT, IS_PUBLIC, ROLES } from './decorators';

/**
 * The single global guard: authenticates (unless @Public), then applies @Roles and the TOTP
 * enrolment restriction. It first stashes the route's audit spec on the request so that
 * denials, including 401s, reach the audit trail through the exception filter.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const req = context.switchToHttp().getRequest<KintsugiRequest>();
    req.auditSpec = this.reflector.getAllAndOverride<AuditSpec | undefined>(AUDIT, targets);

    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    await super.canActivate(context);
    const principal = req.user as Principal;
    req.principal = principal;

    if (
      principal.totpEnrolmentOnly &&
      !this.reflector.getAllAndOverride<boolean>(ALLOW_DURING_TOTP_ENROLMENT, targets)
    ) {
      throw new ForbiddenError(
        'Your practice requires two-factor authentication: enrol TOTP first',
        'totp_enrolment_required',
      );
    }

    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(principal.role)) throw new ForbiddenError();
    return true;
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err instanceof UnauthorizedError) throw err;
    if (err || !user) throw new UnauthorizedError();
    return user;
  }
}
