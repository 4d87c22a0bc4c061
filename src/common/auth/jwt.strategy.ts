import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { DataSource } from 'typeorm';
import { EnvSchema } from '../../config/env.schema';
import { UnauthorizedError } from '../errors/domain-error';
import { asPracticeId, Principal } from '../tenancy/request-context';
import type { UserRole } from '../../modules/users/user.entity';

export const JWT_ISSUER = 'kintsugi';
export const JWT_AUDIENCE = 'kintsugi-api';

export interface AccessTokenClaims {
  sub: string;
  pid: string;
  sid: string;
  /** Set by the signer; a verified token without them is refused. */
  iat?: number;
  exp?: number;
}

interface PrincipalRow {
  user_id: string;
  practice_id: string;
  role: UserRole;
  totp_enrolment_only: boolean;
}

/**
 * Verifies the signature, then checks in one query that the session is live, the user active
 * and the practice not suspended, so deactivation, logout and password change bite at once.
 * The role comes from the database, not the token, so a role change applies immediately.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly maxLifetimeSeconds: number;

  constructor(
    config: EnvSchema,
    private readonly dataSource: DataSource,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.JWT_SECRET,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
    this.maxLifetimeSeconds = config.ACCESS_TOKEN_TTL_SECONDS;
  }

  async validate(claims: AccessTokenClaims): Promise<Principal> {
    // jsonwebtoken checks `exp` only when present: a token without one, or living longer than
    // we ever issue, was not made by us.
    if (typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.exp - claims.iat > this.maxLifetimeSeconds) {
      throw new UnauthorizedError('Session is no longer valid', 'session_invalid');
    }
    const rows: PrincipalRow[] = await this.dataSource.query(
      // Enrolment is required by the practice's current rule, not the one in force at sign-in:
      // a session opened before the rule was switched on must not outlive it by refreshing.
      `SELECT u.id AS user_id, u.practice_id, u.role,
              (u.role <> 'client' AND u.totp_enabled_at IS NULL
                AND COALESCE((p.settings->>'requireStaffTotp')::boolean, false)) AS totp_enrolment_only
         FROM auth_sessions s
         JOIN users u ON u.id = s.user_id
         JOIN practices p ON p.id = u.practice_id
        WHERE s.id = $1 AND u.id = $2 AND u.practice_id = $3
          AND s.revoked_at IS NULL AND s.expires_at > now()
          AND u.status = 'active' AND p.status = 'active'`,
      [claims.sid, claims.sub, claims.pid],
    );
    const row = rows[0];
    if (!row) throw new UnauthorizedError('Session is no longer valid', 'session_invalid');
    return {
      userId: row.user_id,
      practiceId: asPracticeId(row.practice_id),
      role: row.role,
      sessionId: claims.sid,
      totpEnrolmentOnly: row.totp_enrolment_only,
    };
  }
}
