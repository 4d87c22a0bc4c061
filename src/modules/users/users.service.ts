import { Injectable, Logger } from '@nestjs/common';
import { safeErrorText } from '../../common/logging/safe-error';
import { DataSource } from 'typeorm';
import { EnvSchema } from '../../config/env.schema';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { AuditService } from '../audit/audit.service';
import { SessionsService } from '../auth/sessions.service';
import { UserTokensService } from '../auth/user-tokens.service';
import { MailService } from '../mail/mail.service';
import { invitationEmail } from '../mail/templates';
import { PracticesRepository } from '../practices/practices.repository';
import { InviteUserDto, ListUsersQueryDto, UpdateUserDto, UserResponseDto } from './dto/user.dto';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';

/** True when a write lost a race to a concurrent one on this unique index. */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const driverError = (err as { driverError?: { code?: string; constraint?: string } } | null)?.driverError;
  return driverError?.code === '23505' && driverError.constraint === constraint;
}

const emailTaken = () => new ConflictError('email_taken', 'email: an account with this email already exists');

@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly practices: PracticesRepository,
    private readonly tokens: UserTokensService,
    private readonly sessions: SessionsService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly config: EnvSchema,
  ) {}

  async list(principal: Principal, q: ListUsersQueryDto): Promise<Page<UserResponseDto>> {
    const limit = q.limit ?? 25;
    const rows = await this.users.listInPractice(principal.practiceId, {
      role: q.role,
      status: q.status,
      after: decodeCursor(q.cursor),
      limit,
    });
    return toPage(rows, limit, (u) => ({ at: u.createdAt.toISOString(), id: u.id }), UserResponseDto.from);
  }

  async get(principal: Principal, id: string): Promise<User> {
    const user = await this.users.findInPractice(principal.practiceId, id);
    if (!user) throw new NotFoundError('User');
    return user;
  }

  async invite(principal: Principal, dto: InviteUserDto): Promise<User> {
    const { user, token } = await this.dataSource.transaction(async (manager) => {
      if (await this.users.emailTaken(dto.email, manager)) throw emailTaken();
      const created = await this.users.create(manager, {
        practiceId: principal.practiceId,
        email: dto.email,
        fullName: dto.fullName ?? null,
        role: dto.role,
        status: 'invited',
      });
      const raw = await this.tokens.issue(manager, created, 'invitation', this.invitationTtlMs(), principal.userId);
      return { user: created, token: raw };
    }).catch((err: unknown) => {
      // The check above cannot see a concurrent invitation's uncommitted row; the index can.
      throw isUniqueViolation(err, 'users_email_key') ? emailTaken() : err;
    });
    await this.sendInvitation(principal, user, token);
    return user;
  }

  async resendInvitation(principal: Principal, id: string): Promise<void> {
    const user = await this.get(principal, id);
    if (user.status !== 'invited') {
      throw new ConflictError('not_invited', 'This user has already accepted or been deactivated');
    }
    const token = await this.dataSource.transaction((m) =>
      this.tokens.issue(m, user, 'invitation', this.invitationTtlMs(), principal.userId),
    );
    await this.sendInvitation(principal, user, token);
  }

  /**
   * Role and status changes lock the practice's active admins first, so concurrent demotions
   * or deactivations can never leave a practice without an admin.
   */
  async update(principal: Principal, id: string, dto: UpdateUserDto): Promise<User> {
    await this.dataSource.transaction(async (manager) => {
      const admins = dto.role || dto.status ? await this.users.lockActiveAdmins(manager, principal.practiceId) : [];
      const user = await this.users.lockInPractice(manager, principal.practiceId, id);
      if (!user) throw new NotFoundError('User');
      if (user.role === 'client' && dto.role) {
        throw new ConflictError('client_role_fixed', 'role: a client portal account cannot become staff');
      }
      const losesAdmin =
        user.role === 'admin' && user.status === 'active' && ((dto.role && dto.role !== 'admin') || dto.status === 'deactivated');
      if (losesAdmin && admins.length <= 1) {
        throw new ConflictError('last_admin', 'A practice must keep at least one active admin');
      }
      if (dto.status === 'active' && user.status === 'invited') {
        throw new ConflictError('invitation_pending', 'status: an invited user becomes active by accepting the invitation');
      }
      const changes: Partial<User> = {};
      if (dto.fullName !== undefined) changes.fullName = dto.fullName;
      if (dto.role) changes.role = dto.role;
      if (dto.status && dto.status !== user.status) {
        changes.status = dto.status;
        changes.deactivatedAt = dto.status === 'deactivated' ? new Date() : null;
      }
      if (Object.keys(changes).length > 0) await this.users.update(manager, principal.practiceId, id, changes);
      if (changes.status === 'deactivated') await this.sessions.revokeAllForUser(manager, id, 'deactivated');
    });
    return this.get(principal, id);
  }

  private invitationTtlMs(): number {
    return this.config.INVITATION_TTL_HOURS * 3_600_000;
  }

  private async sendInvitation(principal: Principal, user: User, token: string): Promise<void> {
    const practice = await this.practices.findById(principal.practiceId);
    const message = invitationEmail(this.config.APP_BASE_URL, token, practice?.name ?? 'your practice', this.config.INVITATION_TTL_HOURS);
    try {
      await this.mail.send({ to: user.email, ...message });
      this.audit.record({ practiceId: principal.practiceId, actorUserId: principal.userId, actorRole: principal.role, action: 'user.invitation_sent', resourceType: 'user', resourceId: user.id, outcome: 'allowed' });
    } catch (err) {
      // The invitation stands and can be re-sent; the admin sees the failure in the logs/audit.
      this.logger.error({ err: safeErrorText(err), userId: user.id }, 'invitation email failed');
      this.audit.record({ practiceId: principal.practiceId, actorUserId: principal.userId, actorRole: principal.role, action: 'user.invitation_sent', resourceType: 'user', resourceId: user.id, outcome: 'denied', reason: 'mail_failed' });
    }
  }
}
