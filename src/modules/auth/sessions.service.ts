import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { EnvSchema } from '../../config/env.schema';
import { AccessTokenClaims, JWT_AUDIENCE, JWT_ISSUER } from '../../common/auth/jwt.strategy';
import { newOpaqueToken, sha256Hex } from '../../common/security/tokens';
import { Practice } from '../practices/practice.entity';
import { User } from '../users/user.entity';
import { AuthSession } from './auth-session.entity';
import { RefreshToken } from './refresh-token.entity';

export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
  /** Present when the practice requires TOTP and this user has not enrolled yet. */
  totpEnrolmentRequired?: boolean;
}

export type RotateResult =
  | { kind: 'ok'; tokens: TokenPair; session: AuthSession }
  | { kind: 'reused'; session: AuthSession }
  | { kind: 'invalid' };

/** Sessions are refresh-token families; see AuthSession. */
@Injectable()
export class SessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly config: EnvSchema,
  ) {}

  async start(manager: EntityManager, user: User, opts: { ip: string | null; totpEnrolmentOnly: boolean }): Promise<TokenPair> {
    const expiresAt = new Date(Date.now() + this.config.REFRESH_TOKEN_TTL_DAYS * 86_400_000);
    const session = await manager.save(
      manager.create(AuthSession, {
        practiceId: user.practiceId,
        userId: user.id,
        expiresAt,
        ip: opts.ip,
        totpEnrolmentOnly: opts.totpEnrolmentOnly,
        revokedAt: null,
        revokedReason: null,
      }),
    );
    return this.issue(manager, session);
  }

  private async issue(manager: EntityManager, session: AuthSession): Promise<TokenPair> {
    const refreshToken = newOpaqueToken();
    await manager.insert(RefreshToken, {
      sessionId: session.id,
      tokenHash: sha256Hex(refreshToken),
      expiresAt: session.expiresAt,
      usedAt: null,
    });
    const claims: AccessTokenClaims = { sub: session.userId, pid: session.practiceId, sid: session.id };
    const accessToken = await this.jwt.signAsync(claims, {
      expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      algorithm: 'HS256',
    });
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn: this.config.ACCESS_TOKEN_TTL_SECONDS,
      refreshToken,
      refreshExpiresAt: session.expiresAt.toISOString(),
      ...(session.totpEnrolmentOnly ? { totpEnrolmentRequired: true } : {}),
    };
  }

  /**
   * Spends a refresh token and issues the next one in the same family. Presenting a token that
   * was already spent means it leaked: the whole family is revoked.
   */
  async rotate(presented: string): Promise<RotateResult> {
    return this.dataSource.transaction(async (manager) => {
      const token = await manager.findOne(RefreshToken, { where: { tokenHash: sha256Hex(presented) } });
      if (!token) return { kind: 'invalid' } as const;
      const session = await manager.findOne(AuthSession, { where: { id: token.sessionId }, lock: { mode: 'pessimistic_write' } });
      if (!session || session.revokedAt || session.expiresAt <= new Date() || token.expiresAt <= new Date()) {
        return { kind: 'invalid' } as const;
      }
      // Conditional spend: of two concurrent refreshes with the same token, only one wins.
      const spent = await manager.update(RefreshToken, { id: token.id, usedAt: IsNull() }, { usedAt: new Date() });
      if ((spent.affected ?? 0) === 0) {
        await this.revokeSession(manager, session.id, 'refresh_reuse');
        return { kind: 'reused', session } as const;
      }
      const user = await manager.findOne(User, { where: { id: session.userId } });
      if (!user || user.status !== 'active') return { kind: 'invalid' } as const;
      // Like sign-in: a suspended practice gets no fresh tokens.
      const practice = await manager.findOne(Practice, { where: { id: session.practiceId } });
      if (!practice || practice.status !== 'active') return { kind: 'invalid' } as const;
      // Keep the flag the pair reports in step with the practice's current rule (see JwtStrategy).
      const mustEnrol = user.role !== 'client' && practice.settings.requireStaffTotp && !user.totpEnabledAt;
      if (session.totpEnrolmentOnly !== mustEnrol) {
        session.totpEnrolmentOnly = mustEnrol;
        await manager.update(AuthSession, { id: session.id }, { totpEnrolmentOnly: mustEnrol });
      }
      return { kind: 'ok', tokens: await this.issue(manager, session), session } as const;
    });
  }

  async revokeSession(manager: EntityManager, sessionId: string, reason: string): Promise<void> {
    await manager.update(AuthSession, { id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
  }

  /** Ends every session of the user, or every one but `exceptSessionId`. */
  async revokeAllForUser(manager: EntityManager, userId: string, reason: string, exceptSessionId?: string): Promise<void> {
    const qb = manager
      .createQueryBuilder()
      .update(AuthSession)
      .set({ revokedAt: () => 'now()', revokedReason: reason })
      .where('user_id = :userId AND revoked_at IS NULL', { userId });
    if (exceptSessionId) qb.andWhere('id <> :sid', { sid: exceptSessionId });
    await qb.execute();
  }

  /** After enrolling TOTP, the restricted session becomes a full one. */
  async liftEnrolmentRestriction(manager: EntityManager, userId: string): Promise<void> {
    await manager.update(AuthSession, { userId, totpEnrolmentOnly: true }, { totpEnrolmentOnly: false });
  }
}
