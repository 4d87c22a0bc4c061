import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHmac } from 'node:crypto';
import { UnauthorizedError } from '../../common/errors/domain-error';
import { JWT_ISSUER } from '../../common/auth/jwt.strategy';
import { EnvSchema } from '../../config/env.schema';
import { asPracticeId, PracticeId } from '../../common/tenancy/request-context';
import { ONE_TAP_GRANT_TTL_SECONDS } from './one-tap.policy';

/** What a grant lets its holder do: read and submit one check-in, or one homework instance. */
export const GRANT_SCOPES = ['check_in', 'homework'] as const;
export type GrantScope = (typeof GRANT_SCOPES)[number];

/** Not the API's audience: the bearer-token strategy refuses a grant outright. */
export const GRANT_AUDIENCE = 'kintsugi-one-tap';

interface GrantClaims {
  /** The one_tap_tokens row it was redeemed from. */
  sub: string;
  pid: string;
  cid: string;
  scope: GrantScope;
  /** The homework instance, or the check-in schedule. */
  subj: string;
}

export interface OneTapGrant {
  tokenId: string;
  practiceId: PracticeId;
  clientId: string;
  scope: GrantScope;
  subjectId: string;
}

/**
 * The short-lived grant a redeemed open_* link hands out. Signed with a key derived from
 * JWT_SECRET for this use only and with an audience of its own, so it is no access token: the API's
 * guard refuses it (wrong key, wrong audience) everywhere; only the one-tap routes, which check
 * its scope against the route's, accept it — and they also check its token row, so a grant
 * dies with its client or practice, and submits once.
 */
@Injectable()
export class OneTapGrants {
  private readonly secret: string;

  constructor(
    private readonly jwt: JwtService,
    config: EnvSchema,
  ) {
    this.secret = createHmac('sha256', config.JWT_SECRET).update('kintsugi one-tap grant v1').digest('base64url');
  }

  async sign(g: OneTapGrant): Promise<{ token: string; expiresAt: Date }> {
    const claims: GrantClaims = { sub: g.tokenId, pid: g.practiceId, cid: g.clientId, scope: g.scope, subj: g.subjectId };
    const token = await this.jwt.signAsync(claims, {
      secret: this.secret,
      algorithm: 'HS256',
      issuer: JWT_ISSUER,
      audience: GRANT_AUDIENCE,
      expiresIn: ONE_TAP_GRANT_TTL_SECONDS,
    });
    return { token, expiresAt: new Date(Date.now() + ONE_TAP_GRANT_TTL_SECONDS * 1000) };
  }

  /** The grant in a bearer token, or 401 — for a grant of another scope too. */
  async verify(token: string, scope: GrantScope): Promise<OneTapGrant> {
    let claims: GrantClaims;
    try {
      claims = await this.jwt.verifyAsync<GrantClaims>(token, {
        secret: this.secret,
        algorithms: ['HS256'],
        issuer: JWT_ISSUER,
        audience: GRANT_AUDIENCE,
      });
    } catch {
      throw invalidGrant();
    }
    if (claims.scope !== scope || typeof claims.sub !== 'string' || typeof claims.pid !== 'string' || typeof claims.cid !== 'string') {
      throw invalidGrant();
    }
    return { tokenId: claims.sub, practiceId: asPracticeId(claims.pid), clientId: claims.cid, scope: claims.scope, subjectId: claims.subj };
  }
}

export function invalidGrant(): UnauthorizedError {
  return new UnauthorizedError('This link has expired; open the latest one from your email', 'one_tap_grant_invalid');
}
