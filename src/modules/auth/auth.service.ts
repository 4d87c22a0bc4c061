import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EnvSchema } from '../../config/env.schema';
import {
  ConflictError,
  ForbiddenError,
  TooManyRequestsError,
  UnauthorizedError,
} from '../../common/errors/domain-error';
import { hashPassword, verifyPassword } from '../../common/security/passwords';
import { asPracticeId, Principal } from '../../common/tenancy/request-context';
import { AttemptLimiter, LimitExceeded, Reservation } from '../../common/throttling/attempt-limiter';
import { AuditService } from '../audit/audit.service';
import { AuditRecord } from '../audit/audit.types';
import { DEFAULT_PRACTICE_SETTINGS, Practice } from '../practices/practice.entity';
import { PracticesRepository } from '../practices/practices.repository';
import { User } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { isUniqueViolation } from '../users/users.service';
import { AcceptInvitationDto, ChangePasswordDto, LoginDto, SignupDto } from './dto/auth.dto';
import { SessionsService, TokenPair } from './sessions.service';
import { LOGIN_PER_ACCOUNT, LOGIN_PER_IP, SIGNUP_PER_IP, TOKEN_REDEEM_PER_IP } from './throttle-rules';
import { TotpService } from './totp.service';
import { UserTokensService } from './user-tokens.service';

type Who = Pick<AuditRecord, 'practiceId' | 'actorUserId' | 'actorRole'>;
const nobody: Who = { practiceId: null, actorUserId: null, actorRole: null };
const whoIs = (u: User): Who => ({ practiceId: u.practiceId, actorUserId: u.id, actorRole: u.role });

@Injectable()
export class AuthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly practices: PracticesRepository,
    private readonly sessions: SessionsService,
    private readonly tokens: UserTokensService,
    private readonly totp: TotpService,
    private readonly limiter: AttemptLimiter,
    private readonly audit: AuditService,
    private readonly config: EnvSchema,
  ) {}

  private auditAuth(action: string, who: Who, outcome: 'allowed' | 'denied', reason: string | null = null, ip?: string | null) {
    this.audit.record({ ...who, action, resourceType: 'user', resourceId: who.actorUserId, outcome, reason, ip });
  }

  private async reserveOrThrow(
    entries: Parameters<AttemptLimiter['reserve']>[0],
    action: string,
    who: Who,
  ): Promise<Reservation[]> {
    const r = await this.limiter.reserve(entries);
    if (r instanceof LimitExceeded) {
      this.auditAuth(action, who, 'denied', 'throttled');
      throw new TooManyRequestsError(r.retryAfterSeconds);
    }
    return r;
  }

  async signup(dto: SignupDto, ip: string): Promise<{ tokens: TokenPair; user: User; practice: Practice }> {
    await this.reserveOrThrow([[SIGNUP_PER_IP, ip]], 'auth.signup', nobody);
    const passwordHash = await hashPassword(dto.password);
    const result = await this.dataSource.transaction(async (manager) => {
      if (await this.users.emailTaken(dto.email, manager)) {
        throw new ConflictError('email_taken', 'email: an account with this email already exists');
      }
      const practice = await this.practices.create(manager, {
        name: dto.practiceName,
        timezone: dto.timezone,
        settings: DEFAULT_PRACTICE_SETTINGS,
      });
      const user = await this.users.create(manager, {
        practiceId: practice.id,
        email: dto.email,
        fullName: dto.fullName,
        role: 'admin',
        status: 'active',
        passwordHash,
        passwordChangedAt: new Date(),
        lastLoginAt: new Date(),
      });
      const tokens = await this.sessions.start(manager, user, { ip, totpEnrolmentOnly: false });
      return { tokens, user, practice };
    }).catch((err: unknown) => {
      // A concurrent signup with the same email passed the check too; the unique index stopped it.
      if (isUniqueViolation(err, 'users_email_key')) {
        throw new ConflictError('email_taken', 'email: an account with this email already exists');
      }
      throw err;
    });
    this.audit.record({ ...whoIs(result.user), action: 'practice.create', resourceType: 'practice', resourceId: result.practice.id, outcome: 'allowed' });
    this.auditAuth('auth.signup', whoIs(result.user), 'allowed');
    return result;
  }

  async login(dto: LoginDto, ip: string): Promise<TokenPair> {
    const user = await this.users.findByEmailForSignIn(dto.email);
    const who = user ? whoIs(user) : nobody;
    const reserved = await this.reserveOrThrow([[LOGIN_PER_IP, ip], [LOGIN_PER_ACCOUNT, dto.email]], 'auth.login', who);

    const passwordOk = await verifyPassword(user?.passwordHash ?? null, dto.password);
    if (!user || !passwordOk || user.status !== 'active') {
      this.auditAuth('auth.login', who, 'denied', user && passwordOk ? `user_${user.status}` : 'bad_credentials');
      throw new UnauthorizedError('Email or password is incorrect', 'invalid_credentials');
    }
    const practice = await this.practices.findById(asPracticeId(user.practiceId));
    if (!practice || practice.status !== 'active') {
      await this.limiter.release(reserved);
      this.auditAuth('auth.login', who, 'denied', 'practice_suspended');
      throw new ForbiddenError('This practice is suspended', 'practice_suspended');
    }

    let totpStep: number | null = null;
    if (user.totpEnabledAt) {
      if (!dto.totpCode && !dto.recoveryCode) {
        // Right password, second factor still to come: not a failed attempt.
        await this.limiter.release(reserved);
        throw new UnauthorizedError('Enter the code from your authenticator app', 'totp_required');
      }
      const secondFactorOk = dto.totpCode
        ? (totpStep = this.totp.acceptedStep(user, dto.totpCode)) !== null
        : await this.totp.spendRecoveryCode(this.dataSource.manager, user.id, dto.recoveryCode!);
      if (!secondFactorOk) {
        this.auditAuth('auth.login', who, 'denied', 'bad_second_factor');
        throw new UnauthorizedError('The authentication code is not valid', 'invalid_totp');
      }
      if (dto.recoveryCode) this.auditAuth('auth.recovery_code_used', who, 'allowed');
    }

    const isStaff = user.role !== 'client';
    const mustEnrol = isStaff && practice.settings.requireStaffTotp && !user.totpEnabledAt;
    const tokens = await this.dataSource.transaction(async (manager) => {
      // The check above read the last used step before this transaction; a concurrent login
      // with the same code may have claimed it since.
      if (totpStep !== null && !(await this.totp.claimStep(manager, user.id, totpStep))) return null;
      await this.users.update(manager, asPracticeId(user.practiceId), user.id, { lastLoginAt: new Date() });
      return this.sessions.start(manager, user, { ip, totpEnrolmentOnly: mustEnrol });
    });
    if (!tokens) {
      this.auditAuth('auth.login', who, 'denied', 'totp_replayed');
      throw new UnauthorizedError('The authentication code is not valid', 'invalid_totp');
    }
    await this.limiter.release(reserved);
    await this.limiter.clear(LOGIN_PER_ACCOUNT, dto.email);
    this.auditAuth('auth.login', who, 'allowed');
    return tokens;
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const result = await this.sessions.rotate(refreshToken);
    if (result.kind === 'ok') return result.tokens;
    if (result.kind === 'reused') {
      this.audit.record({
        practiceId: result.session.practiceId,
        actorUserId: result.session.userId,
        actorRole: null,
        action: 'auth.refresh',
        resourceType: 'session',
        resourceId: result.session.id,
        outcome: 'denied',
        reason: 'refresh_reuse_family_revoked',
      });
    }
    throw new UnauthorizedError('Refresh token is not valid', 'invalid_refresh_token');
  }

  async logout(principal: Principal): Promise<void> {
    await this.sessions.revokeSession(this.dataSource.manager, principal.sessionId, 'logout');
    this.audit.record({ practiceId: principal.practiceId, actorUserId: principal.userId, actorRole: principal.role, action: 'auth.logout', resourceType: 'session', resourceId: principal.sessionId, outcome: 'allowed' });
  }

  async acceptInvitation(dto: AcceptInvitationDto, ip: string): Promise<TokenPair> {
    const reserved = await this.reserveOrThrow([[TOKEN_REDEEM_PER_IP, ip]], 'auth.invitation_accept', nobody);
    const passwordHash = await hashPassword(dto.password);
    const outcome = await this.dataSource.transaction(async (manager) => {
      const token = await this.tokens.spend(manager, dto.token, 'invitation');
      if (!token) return null;
      const user = await this.users.lockInPractice(manager, asPracticeId(token.practiceId), token.userId);
      if (!user || user.status !== 'invited') return null;
      const practice = await this.practices.findById(asPracticeId(user.practiceId), manager);
      const changes: Partial<User> = { passwordHash, status: 'active', passwordChangedAt: new Date(), lastLoginAt: new Date() };
      if (dto.fullName) changes.fullName = dto.fullName;
      await this.users.update(manager, asPracticeId(user.practiceId), user.id, changes);
      Object.assign(user, changes);
      const mustEnrol = user.role !== 'client' && !!practice?.settings.requireStaffTotp;
      return { user, tokens: await this.sessions.start(manager, user, { ip, totpEnrolmentOnly: mustEnrol }) };
    });
    if (!outcome) {
      this.auditAuth('auth.invitation_accept', nobody, 'denied', 'invalid_token');
      throw new UnauthorizedError('This invitation link is not valid or has expired', 'invalid_token');
    }
    await this.limiter.release(reserved);
    this.auditAuth('auth.invitation_accept', whoIs(outcome.user), 'allowed');
    return outcome.tokens;
  }

  /** Changing the password ends every other session of the user. */
  async changePassword(principal: Principal, dto: ChangePasswordDto): Promise<void> {
    const user = await this.users.findInPractice(principal.practiceId, principal.userId);
    if (!user) throw new UnauthorizedError();
    const reserved = await this.reserveOrThrow([[LOGIN_PER_ACCOUNT, user.email]], 'auth.password_change', whoIs(user));
    if (!(await verifyPassword(user.passwordHash, dto.currentPassword))) {
      this.auditAuth('auth.password_change', whoIs(user), 'denied', 'bad_credentials');
      throw new ForbiddenError('currentPassword: is incorrect', 'invalid_credentials');
    }
    await this.limiter.release(reserved);
    const passwordHash = await hashPassword(dto.newPassword);
    await this.dataSource.transaction(async (manager) => {
      await this.users.update(manager, principal.practiceId, user.id, { passwordHash, passwordChangedAt: new Date() });
      await this.sessions.revokeAllForUser(manager, user.id, 'password_changed', principal.sessionId);
    });
    this.auditAuth('auth.password_change', whoIs(user), 'allowed');
  }
}
