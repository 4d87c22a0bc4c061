import { Injectable, Logger } from '@nestjs/common';
import { safeErrorText } from '../../common/logging/safe-error';
import { DataSource } from 'typeorm';
import { EnvSchema } from '../../config/env.schema';
import { UnauthorizedError } from '../../common/errors/domain-error';
import { hashPassword } from '../../common/security/passwords';
import { asPracticeId } from '../../common/tenancy/request-context';
import { AttemptLimiter, LimitExceeded } from '../../common/throttling/attempt-limiter';
import { TooManyRequestsError } from '../../common/errors/domain-error';
import { AuditService } from '../audit/audit.service';
import { MailService } from '../mail/mail.service';
import { passwordResetEmail } from '../mail/templates';
import { UsersRepository } from '../users/users.repository';
import { SessionsService } from './sessions.service';
import { LOGIN_PER_ACCOUNT, RESET_REQUEST_PER_ACCOUNT, RESET_REQUEST_PER_IP, TOKEN_REDEEM_PER_IP } from './throttle-rules';
import { UserTokensService } from './user-tokens.service';

@Injectable()
export class PasswordResetService {
  private readonly logger = new Logger(PasswordResetService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly tokens: UserTokensService,
    private readonly sessions: SessionsService,
    private readonly limiter: AttemptLimiter,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly config: EnvSchema,
  ) {}

  /**
   * Always answers the same way whether or not the email has an account; the limit counts
   * per email, known or not, so a 429 reveals nothing either.
   */
  async request(email: string, ip: string): Promise<void> {
    const r = await this.limiter.reserve([[RESET_REQUEST_PER_IP, ip], [RESET_REQUEST_PER_ACCOUNT, email]]);
    if (r instanceof LimitExceeded) throw new TooManyRequestsError(r.retryAfterSeconds);
    const user = await this.users.findByEmailForSignIn(email);
    if (!user || user.status !== 'active') {
      this.audit.record({ practiceId: user?.practiceId ?? null, actorUserId: user?.id ?? null, actorRole: null, action: 'auth.password_reset_request', resourceType: 'user', resourceId: user?.id ?? null, outcome: 'denied', reason: user ? `user_${user.status}` : 'unknown_email' });
      return;
    }
    const ttl = this.config.PASSWORD_RESET_TTL_MINUTES;
    const raw = await this.dataSource.transaction((m) => this.tokens.issue(m, user, 'password_reset', ttl * 60_000, null));
    this.audit.record({ practiceId: user.practiceId, actorUserId: user.id, actorRole: user.role, action: 'auth.password_reset_request', resourceType: 'user', resourceId: user.id, outcome: 'allowed' });
    // Not awaited: a known email must not answer slower than an unknown one.
    this.mail
      .send({ to: user.email, ...passwordResetEmail(this.config.APP_BASE_URL, raw, ttl) })
      .catch((err: unknown) => this.logger.error({ err: safeErrorText(err), userId: user.id }, 'password reset email failed'));
  }

  /** Sets the new password and ends every session of the account. */
  async confirm(rawToken: string, password: string, ip: string): Promise<void> {
    const r = await this.limiter.reserve([[TOKEN_REDEEM_PER_IP, ip]]);
    if (r instanceof LimitExceeded) throw new TooManyRequestsError(r.retryAfterSeconds);
    const passwordHash = await hashPassword(password);
    const user = await this.dataSource.transaction(async (manager) => {
      const token = await this.tokens.spend(manager, rawToken, 'password_reset');
      if (!token) return null;
      const u = await this.users.lockInPractice(manager, asPracticeId(token.practiceId), token.userId);
      if (!u || u.status !== 'active') return null;
      await this.users.update(manager, asPracticeId(u.practiceId), u.id, { passwordHash, passwordChangedAt: new Date() });
      await this.sessions.revokeAllForUser(manager, u.id, 'password_reset');
      return u;
    });
    if (!user) {
      this.audit.record({ practiceId: null, actorUserId: null, actorRole: null, action: 'auth.password_reset', resourceType: 'user', resourceId: null, outcome: 'denied', reason: 'invalid_token' });
      throw new UnauthorizedError('This reset link is not valid or has expired', 'invalid_token');
    }
    await this.limiter.release(r);
    await this.limiter.clear(LOGIN_PER_ACCOUNT, user.email);
    this.audit.record({ practiceId: user.practiceId, actorUserId: user.id, actorRole: user.role, action: 'auth.password_reset', resourceType: 'user', resourceId: user.id, outcome: 'allowed' });
  }
}
