import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { UserRole } from '../../modules/users/user.entity';
import type { AuditSpec } from '../../modules/audit/audit.types';
import type { Principal } from '../tenancy/request-context';
import type { KintsugiRequest } from '../http/request';

export const IS_PUBLIC = 'kintsugi:public';
export const ROLES = 'kintsugi:roles';
export const ALLOW_DURING_TOTP_ENROLMENT = 'kintsugi:totp-enrolment';
export const AUDIT = 'kintsugi:audit';

/** No access token needed. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the route; everyone else authenticated gets 403. */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES, roles);

/** Reachable with a session that must first enrol TOTP (practice requires it). */
export const AllowDuringTotpEnrolment = () => SetMetadata(ALLOW_DURING_TOTP_ENROLMENT, true);

/** Declares what the route reads or writes, for the audit trail (allowed and denied). */
export const Audited = (spec: AuditSpec) => SetMetadata(AUDIT, spec);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const req = ctx.switchToHttp().getRequest<KintsugiRequest>();
  if (!req.principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return req.principal;
});
