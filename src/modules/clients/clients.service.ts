import { Injectable, Logger } from '@nestjs/common';
import { safeErrorText } from '../../common/logging/safe-error';
import { DataSource } from 'typeorm';
import { isUuid } from '../../common/access/clinical-access.service';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { EnvSchema } from '../../config/env.schema';
import { AuditService } from '../audit/audit.service';
import { UserTokensService } from '../auth/user-tokens.service';
import { CareTeamsRepository } from '../care-teams/care-teams.repository';
import { MailService } from '../mail/mail.service';
import { portalInvitationEmail } from '../mail/templates';
import { PracticesRepository } from '../practices/practices.repository';
import { UsersRepository } from '../users/users.repository';
import { Client, ReminderPreferences } from './client.entity';
import { ClientView, ClientsRepository } from './clients.repository';
import { ClientResponseDto } from './dto/client-response.dto';
import { CreateClientDto } from './dto/create-client.dto';
import { ListClientsQueryDto } from './dto/list-clients.dto';
import { ReminderPreferencesInputDto } from './dto/reminder-preferences.dto';
import { UpdateClientDto } from './dto/update-client.dto';
import { searchNameOf, searchPattern } from './search-name';

/** Applies the keys that were sent; omitted keys keep their value. */
export function mergePreferences(current: ReminderPreferences, patch: ReminderPreferencesInputDto | null | undefined): ReminderPreferences {
  return {
    channels: patch?.channels !== undefined ? patch.channels : (current.channels ?? null),
    quietHours: patch?.quietHours !== undefined ? (patch.quietHours ? { start: patch.quietHours.start, end: patch.quietHours.end } : null) : (current.quietHours ?? null),
  };
}

const NO_PREFERENCES: ReminderPreferences = { channels: null, quietHours: null };

/**
 * Client records for staff. What a principal may see is decided by ClinicalAccess in the same
 * SQL statement that reads the rows; anything else answers 404.
 */
@Injectable()
export class ClientsService {
  private readonly logger = new Logger(ClientsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clients: ClientsRepository,
    private readonly careTeams: CareTeamsRepository,
    private readonly users: UsersRepository,
    private readonly practices: PracticesRepository,
    private readonly tokens: UserTokensService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly config: EnvSchema,
  ) {}

  async list(p: Principal, q: ListClientsQueryDto): Promise<Page<ClientResponseDto>> {
    assertStaff(p);
    const limit = q.limit ?? 25;
    const after = decodeCursor(q.cursor);
    if (after && !isUuid(after.id)) throw new BadRequestError('invalid_cursor', 'cursor: is not a cursor this API issued');
    const rows = await this.clients.listVisible(p, {
      status: q.status,
      clinicianId: q.clinicianId,
      namePattern: q.q !== undefined ? searchPattern(q.q) : null,
      after,
      limit,
    });
    return toPage(rows, limit, (c) => ({ at: c.createdAt.toISOString(), id: c.id }), ClientResponseDto.from);
  }

  async get(p: Principal, id: string): Promise<ClientView> {
    assertStaff(p);
    const client = await this.clients.findVisible(p, id);
    if (!client) throw new NotFoundError('Client');
    return client;
  }

  /** A clinician who creates a client joins its care team in the same transaction. */
  async create(p: Principal, dto: CreateClientDto): Promise<ClientView> {
    assertStaff(p);
    const id = await this.dataSource.transaction(async (manager) => {
      const timezone = dto.timezone ?? (await this.practices.findById(p.practiceId, manager))?.timezone;
      if (!timezone) throw new NotFoundError('Practice');
      const clientId = await this.clients.insert(manager, {
        practiceId: p.practiceId,
        fullName: dto.fullName,
        preferredName: dto.preferredName ?? null,
        pronouns: dto.pronouns ?? null,
        dateOfBirth: dto.dateOfBirth ?? null,
        email: dto.email ?? null,
        phone: dto.phone ?? null,
        timezone,
        reminderPreferences: mergePreferences(NO_PREFERENCES, dto.reminderPreferences),
        searchName: searchNameOf(dto.fullName, dto.preferredName),
        createdBy: p.userId,
      });
      if (p.role === 'clinician') await this.careTeams.add(manager, p.practiceId, { kind: 'client', id: clientId }, p.userId, p.userId);
      return clientId;
    });
    return this.get(p, id);
  }

  /** Optimistic concurrency: the version sent must be the current one, or 409 and nothing changes. */
  async update(p: Principal, id: string, dto: UpdateClientDto): Promise<ClientView> {
    const current = await this.get(p, id);
    if (current.status === 'archived') throw new ConflictError('client_archived', 'This client is archived; unarchive it to edit');
    if (current.version !== dto.version) throw staleVersion();
    const changes: Partial<Client> = {};
    if (dto.fullName !== undefined) changes.fullName = dto.fullName;
    if (dto.preferredName !== undefined) changes.preferredName = dto.preferredName;
    if (dto.pronouns !== undefined) changes.pronouns = dto.pronouns;
    if (dto.dateOfBirth !== undefined) changes.dateOfBirth = dto.dateOfBirth;
    if (dto.email !== undefined) changes.email = dto.email;
    if (dto.phone !== undefined) changes.phone = dto.phone;
    if (dto.timezone !== undefined) changes.timezone = dto.timezone;
    if (dto.reminderPreferences !== undefined) changes.reminderPreferences = mergePreferences(current.reminderPreferences, dto.reminderPreferences);
    if (changes.fullName !== undefined || changes.preferredName !== undefined) {
      changes.searchName = searchNameOf(changes.fullName ?? current.fullName, changes.preferredName !== undefined ? changes.preferredName : current.preferredName);
    }
    if (Object.keys(changes).length === 0) return current;
    const saved = await this.dataSource.transaction((m) => this.clients.updateIfVersion(m, p.practiceId, id, dto.version, changes));
    if (!saved) throw staleVersion();
    return this.get(p, id);
  }

  /**
   * Archiving keeps everything (care team, couples, history) and only marks the record inactive;
   * a client in an active couple may be archived, and the couple is left as it is. Both
   * directions are idempotent.
   */
  async setArchived(p: Principal, id: string, archived: boolean): Promise<ClientView> {
    const current = await this.get(p, id);
    const target = archived ? 'archived' : 'active';
    if (current.status !== target) {
      await this.dataSource.transaction(async (m) => {
        const row = await this.clients.lockInPractice(m, p.practiceId, id);
        if (!row) throw new NotFoundError('Client');
        if (row.status !== target) {
          await this.clients.update(m, p.practiceId, id, { status: target, archivedAt: archived ? new Date() : null });
        }
      });
    }
    return this.get(p, id);
  }

  /**
   * Invites (or re-invites) the client to the portal: a user with role client, status invited,
   * linked through clients.portal_user_id, and a single-use expiring link by email. A re-invite
   * voids the previous link and follows a changed contact email.
   */
  async invite(p: Principal, id: string): Promise<ClientView> {
    await this.get(p, id);
    const { userId, email, token } = await this.dataSource.transaction(async (manager) => {
      const client = await this.clients.lockInPractice(manager, p.practiceId, id);
      if (!client) throw new NotFoundError('Client');
      if (client.status !== 'active') throw new ConflictError('client_archived', 'This client is archived; unarchive it to invite');
      if (!client.email) throw new ConflictError('email_required', 'email: the client has no email address; add one first');
      let user = client.portalUserId ? await this.users.findInPractice(p.practiceId, client.portalUserId, manager) : null;
      if (user && user.status === 'active') throw new ConflictError('portal_active', 'This client’s portal account is already active');
      if (user && user.status === 'deactivated') {
        throw new ConflictError('portal_deactivated', 'This client’s portal account is deactivated; reactivate it from the user accounts');
      }
      const takenBy = await this.users.findByEmailForSignIn(client.email, manager);
      if (takenBy && takenBy.id !== user?.id) {
        throw new ConflictError('email_taken', 'email: another account already uses this email address');
      }
      if (user) {
        if (user.email !== client.email) await this.users.update(manager, p.practiceId, user.id, { email: client.email });
      } else {
        user = await this.users.create(manager, {
          practiceId: p.practiceId,
          email: client.email,
          fullName: client.preferredName ?? client.fullName,
          role: 'client',
          status: 'invited',
        });
        await this.clients.update(manager, p.practiceId, id, { portalUserId: user.id });
      }
      const raw = await this.tokens.issue(manager, { id: user.id, practiceId: p.practiceId }, 'invitation', this.config.INVITATION_TTL_HOURS * 3_600_000, p.userId);
      return { userId: user.id, email: client.email, token: raw };
    });
    await this.sendInvitation(p, id, userId, email, token);
    return this.get(p, id);
  }

  private async sendInvitation(p: Principal, clientId: string, userId: string, email: string, token: string): Promise<void> {
    const practice = await this.practices.findById(p.practiceId);
    const message = portalInvitationEmail(this.config.APP_BASE_URL, token, practice?.name ?? 'your practice', this.config.INVITATION_TTL_HOURS);
    const event = { practiceId: p.practiceId, actorUserId: p.userId, actorRole: p.role, action: 'client.portal_invitation_sent', resourceType: 'client', resourceId: clientId };
    try {
      await this.mail.send({ to: email, ...message });
      this.audit.record({ ...event, outcome: 'allowed' });
    } catch (err) {
      // The invitation stands and can be re-sent; the failure is in the logs and the audit trail.
      this.logger.error({ err: safeErrorText(err), clientId, userId }, 'portal invitation email failed');
      this.audit.record({ ...event, outcome: 'denied', reason: 'mail_failed' });
    }
  }
}

/** Defence in depth behind @Roles: the access conditions are written for staff. */
function assertStaff(p: Principal): void {
  if (p.role !== 'admin' && p.role !== 'clinician') throw new ForbiddenError();
}

function staleVersion(): ConflictError {
  return new ConflictError('stale_version', 'version: this client was changed by someone else; reload and retry');
}
