import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError, ForbiddenError, UnauthorizedError } from '../../common/errors/domain-error';
import { verifyPassword } from '../../common/security/passwords';
import { Principal } from '../../common/tenancy/request-context';
import { AuditService } from '../audit/audit.service';
import { PracticesRepository } from '../practices/practices.repository';
import { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { TotpDisableDto } from './dto/auth.dto';
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
  ) {}

  private async me(principal: Principal): Promise<User> {
    const user = await this.users.findInPractice(principal.practiceId, principal.userId);
    if (!user) throw new UnauthorizedError();
    if (user.role === 'client') throw new ForbiddenError('Two-factor sign-in is for staff accounts', 'staff_only');
    return user;
  }

  private record(principal: Principal, action: string, outcome: 'allowed' | 'denied', reason: string | null = null) {
    this.audit.record({ practiceId: principal.practiceId, actorUserId: principal.userId, actorRole: principal.role, action, resourceType: 'user', resourceId: principal.userId, outcome, reason });
  }

  async begin(principal: Principal): Promise<{ secret: string; otpauthUrl: string }> {
    const user = await this.me(principal);
    if (user.totpEnabledAt) throw new ConflictError('totp_already_enabled', 'Two-factor sign-in is already on; disable it first');
    const secret = this.totp.newSecret();
    await this.users.update(this.dataSource.manager, principal.practiceId, user.id, { totpSecret: this.totp.sealSecret(user.id, secret), totpLastStep: null });
    this.record(principal, 'auth.totp_enrol', 'allowed');
    return { secret, otpauthUrl: this.totp.otpauthUrl(user.email, secret) };
  }

  async confirm(principal: Principal, code: string): Promise<string[]> {
    const user = await this.me(principal);
    if (user.totpEnabledAt) throw new ConflictError('totp_already_enabled', 'Two-factor sign-in is already on');
    if (!user.totpSecret) throw new ConflictError('totp_not_started', 'Start enrolment first');
    const step = this.totp.acceptedStep(user, code);
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
    const step = user.totpEnabledAt ? this.totp.acceptedStep(user, code) : null;
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
    const passwordOk = await verifyPassword(user.passwordHash, dto.password);
    // Only a proven password may spend a recovery code.
    const factorOk =
      passwordOk &&
      (dto.code
        ? this.totp.acceptedStep(user, dto.code) !== null
        : dto.recoveryCode
          ? await this.totp.spendRecoveryCode(this.dataSource.manager, user.id, dto.recoveryCode)
          : false);
    if (!passwordOk || !factorOk) {
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
