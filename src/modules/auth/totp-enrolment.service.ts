import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError, ForbiddenError, TooManyRequestsError, UnauthorizedError } from '../../common/errors/domain-error';
import { AttemptLimiter, LimitExceeded } from '../../common/throttling/attempt-limiter';
import { LOGIN_PER_ACCOUNT } from './throttle-rules';
import { verifyPassword } from '../../common/security/passwords';
import { Principal } from '../../common/tenancy/request-context';
import { AuditService } from '../audit/audit.service';
import { PracticesRepository } from '../practices/practices.repository';
import { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { TotpBeginDto, TotpDisableDto } from './dto/auth.dto';
import { SessionsService } from './sessions.service';
import { TotpService } from './totp.service';

/** Enrol (pending secret) → confirm with a code (enabled, recovery codes) → disable. */
@Injectable()
export class TotpEnrolmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly practices: PracticesRepository,
    private readonly totp: TotpService,
    private readonly sessions: SessionsService,
    private readonly audit: AuditService,
    private readonly limiter: AttemptLimiter,
  ) {}

  /**
   * Every password or code checked here counts against the account's sign-in limit, so a stolen
   * access token cannot be used to guess codes or passwords faster than the login form allows.
   */
  private async throttled<T>(user: User, check: () => Promise<T | null>): Promise<T | null> {
    const reserved = await this.limiter.reserve([[LOGIN_PER_ACCOUNT, user.email]]);
    if (reserved instanceof LimitExceeded) throw new TooManyRequestsError(reserved.retryAfterSeconds);
    const result = await check();
    if (result !== null) await this.limiter.release(reserved);
    return result;
  }

  private async me(principal: Principal): Promise<User> {
    const user = await this.users.findInPractice(principal.practiceId, principal.userId);
    if (!user) throw new UnauthorizedError();
    if (user.role === 'client') throw new ForbiddenError('Two-factor sign-in is for staff accounts', 'staff_only');
    return user;
  }

  private record(principal: Principal, action: string, outcome: 'allowed' | 'denied', reason: string | null = null) {
    this.audit.record({ practiceId: principal.practiceId, actorUserId: principal.userId, actorRole: principal.role, action, resourceType: 'user', resourceId: principal.userId, outcome, reason });
  }

  /** Needs the password again: an access token alone must not bind someone else's authenticator. */
  async begin(principal: Principal, dto: TotpBeginDto): Promise<{ secret: string; otpauthUrl: string }> {
    const user = await this.me(principal);
    if (user.totpEnabledAt) throw new ConflictError('totp_already_enabled', 'Two-factor sign-in is already on; disable it first');
    const passwordOk = await this.throttled(user, async () => ((await verifyPassword(user.passwordHash, dto.password)) ? true : null));
    if (!passwordOk) {
      this.record(principal, 'auth.totp_enrol', 'denied', 'bad_credentials');
      throw new ForbiddenError('password: is incorrect', 'invalid_credentials');
    }
    const secret = this.totp.newSecret();
    await this.users.update(this.dataSource.manager, principal.practiceId, user.id, { totpSecret: this.totp.sealSecret(user.id, secret), totpLastStep: null });
    this.record(principal, 'auth.totp_enrol', 'allowed');
    return { secret, otpauthUrl: this.totp.otpauthUrl(user.email, secret) };
  }

  async confirm(principal: Principal, code: string): Promise<string[]> {
    const user = await this.me(principal);
    if (user.totpEnabledAt) throw new ConflictError('totp_already_enabled', 'Two-factor sign-in is already on');
    if (!user.totpSecret) throw new ConflictError('totp_not_started', 'Start enrolment first');
    const step = await this.throttled(user, async () => this.totp.acceptedStep(user, code));
    if (step === null) {
      this.record(principal, 'auth.totp_confirm', 'denied', 'bad_code');
      throw new ForbiddenError('code: does not match; check the device clock and try again', 'invalid_totp');
    }
    const codes = await this.dataSource.transaction(async (manager) => {
      await this.users.update(manager, principal.practiceId, user.id, { totpEnabledAt: new Date(), totpLastStep: String(step) });
      await this.sessions.liftEnrolmentRestriction(manager, user.id);
      return this.totp.replaceRecoveryCodes(manager, user.id);
    });
    this.record(principal, 'auth.totp_confirm', 'allowed');
    return codes;
  }

  async regenerateRecoveryCodes(principal: Principal, code: string): Promise<string[]> {
    const user = await this.me(principal);
    const step = user.totpEnabledAt ? await this.throttled(user, async () => this.totp.acceptedStep(user, code)) : null;
    if (step === null) throw new ForbiddenError('code: is not valid', 'invalid_totp');
    const codes = await this.dataSource.transaction(async (manager) => {
      if (!(await this.totp.claimStep(manager, user.id, step))) return null;
      return this.totp.replaceRecoveryCodes(manager, user.id);
    });
    if (!codes) throw new ForbiddenError('code: is not valid', 'invalid_totp');
    this.record(principal, 'auth.totp_recovery_codes', 'allowed');
    return codes;
  }

  /** Needs the password and a second factor; refused while the practice requires TOTP. */
  async disable(principal: Principal, dto: TotpDisableDto): Promise<void> {
    const user = await this.me(principal);
    if (!user.totpEnabledAt) throw new ConflictError('totp_not_enabled', 'Two-factor sign-in is not on');
    const practice = await this.practices.findById(principal.practiceId);
    if (practice?.settings.requireStaffTotp) {
      throw new ForbiddenError('Your practice requires two-factor sign-in for staff', 'totp_required_by_practice');
    }
    const proven = await this.throttled(user, async () => {
      // Only a proven password may spend a recovery code.
      if (!(await verifyPassword(user.passwordHash, dto.password))) return null;
      const factorOk = dto.code
        ? this.totp.acceptedStep(user, dto.code) !== null
        : dto.recoveryCode
          ? await this.totp.spendRecoveryCode(this.dataSource.manager, user.id, dto.recoveryCode)
          : false;
      return factorOk ? true : null;
    });
    if (!proven) {
      this.record(principal, 'auth.totp_disable', 'denied', 'bad_credentials');
      throw new ForbiddenError('password and a current code or recovery code are required', 'invalid_credentials');
    }
    await this.dataSource.transaction(async (manager) => {
      await this.users.update(manager, principal.practiceId, user.id, { totpSecret: null, totpEnabledAt: null, totpLastStep: null });
      await this.totp.clearRecoveryCodes(manager, user.id);
    });
    this.record(principal, 'auth.totp_disable', 'allowed');
  }
}
