import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Public } from '../../common/auth/decorators';
import type { KintsugiRequest } from '../../common/http/request';
import { GrantScope, invalidGrant, OneTapGrant, OneTapGrants } from './one-tap-grants';
import { OneTapTokensRepository } from './one-tap-tokens.repository';

const GRANT_SCOPE = 'kintsugi:one-tap-grant-scope';

type GrantRequest = KintsugiRequest & { oneTapGrant?: OneTapGrant & { spent: boolean } };

/**
 * The only way into a one-tap route: no access token (the global guard lets it pass as public),
 * a grant of this route's scope instead. And the only way a grant gets anywhere: every other
 * route wants an access token, which a grant is not.
 */
export const RequiresGrant = (scope: GrantScope) => applyDecorators(Public(), SetMetadata(GRANT_SCOPE, scope), UseGuards(OneTapGrantGuard));

@Injectable()
export class OneTapGrantGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly grants: OneTapGrants,
    private readonly tokens: OneTapTokensRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.get<GrantScope | undefined>(GRANT_SCOPE, context.getHandler());
    const req = context.switchToHttp().getRequest<GrantRequest>();
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._-]{1,2000})$/.exec(header) : null;
    if (!scope || !bearer) throw invalidGrant();
    const grant = await this.grants.verify(bearer[1], scope);
    // The token row it came from: still redeemed for this client, whose practice and record are active.
    const row = await this.tokens.findRedeemed(grant.tokenId, grant.practiceId, grant.clientId);
    if (!row || row.subjectId !== grant.subjectId) throw invalidGrant();
    req.oneTapGrant = { ...grant, spent: row.grantUsedAt !== null };
    return true;
  }
}

export const CurrentGrant = createParamDecorator((_: unknown, ctx: ExecutionContext): OneTapGrant & { spent: boolean } => {
  const grant = ctx.switchToHttp().getRequest<GrantRequest>().oneTapGrant;
  if (!grant) throw new Error('CurrentGrant used on a route without RequiresGrant');
  return grant;
});
