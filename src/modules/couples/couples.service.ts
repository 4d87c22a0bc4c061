import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { BadRequestError, ConflictError, DomainError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/cursor';
import { PracticeId, Principal } from '../../common/tenancy/request-context';
import { pauseReasonOf } from '../safety-flags/conjoint-pause';
import { RecoveryRole } from './couple.entity';
import { isValidRolePair, ROLE_PAIR_RULE } from './couple-roles';
import { CoupleMemberRow, CoupleRow, CouplesRepository } from './couples.repository';
import {
  CoupleResponseDto,
  CreateCoupleDto,
  DissolveCoupleDto,
  ListCouplesQueryDto,
  UpdateCoupleDto,
} from './dto/couple.dto';

const ONE_ACTIVE_COUPLE_INDEX = 'couple_members_one_active_couple';

/** A partner the caller cannot see is, to them, a partner that does not exist. */
class PartnerNotFoundError extends DomainError {
  readonly status = 404;
  constructor(index: number) {
    const field = `partners[${index}].clientId`;
    super('not_found', `${field}: client not found`, { field });
  }
}

const inActiveCouple = (index: number) => {
  const field = `partners[${index}].clientId`;
  return new ConflictError('client_in_active_couple', `${field}: this client is already in an active couple; dissolve it first`, { field });
};

@Injectable()
export class CouplesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly couples: CouplesRepository,
    private readonly access: ClinicalAccess,
  ) {}

  /** A fixed number of queries whatever the page size: couples (pause included), then partners. */
  async list(p: Principal, q: ListCouplesQueryDto): Promise<Page<CoupleResponseDto>> {
    const limit = q.limit ?? 25;
    const params: unknown[] = [];
    const sql = await this.access.coupleListCondition(p, 'c', params);
    const rows = await this.couples.listVisible(p.practiceId, { sql, params }, {
      status: q.status,
      clientId: q.clientId,
      before: decodeCursor(q.cursor),
      limit,
    });
    const members = groupByCouple(await this.couples.membersOf(p.practiceId, rows.slice(0, limit).map((r) => r.id)));
    return toPage(rows, limit, (r) => ({ at: r.createdAt.toISOString(), id: r.id }), (r) => toDto(r, members.get(r.id) ?? []));
  }

  async get(p: Principal, id: string): Promise<CoupleResponseDto> {
    await this.access.assertCoupleRecord(p, id);
    return this.read(p.practiceId, id);
  }

  /**
   * Two distinct, active clients the caller can see, neither in an active couple. The partial
   * unique index settles races: of two creations sharing a client, one commits, the other is 409.
   * A clinician who creates a couple joins its care team; an admin does not (admins manage care
   * teams but must not gain clinical access as a side effect).
   */
  async create(p: Principal, dto: CreateCoupleDto): Promise<CoupleResponseDto> {
    const ids = dto.partners.map((x) => x.clientId);
    const visible = await this.access.visibleClientIds(p, ids);
    ids.forEach((id, i) => {
      if (!visible.has(id)) throw new PartnerNotFoundError(i);
    });

    const coupleId = await this.dataSource.transaction(async (m) => {
      const statuses = await this.couples.lockClientsShared(m, p.practiceId, ids);
      ids.forEach((id, i) => {
        const status = statuses.get(id);
        if (!status) throw new PartnerNotFoundError(i);
        if (status !== 'active') {
          const field = `partners[${i}].clientId`;
          throw new ConflictError('client_archived', `${field}: this client is archived; unarchive them first`, { field });
        }
      });
      const busy = await this.couples.clientsInActiveCouple(m, p.practiceId, ids);
      const taken = ids.findIndex((id) => busy.has(id));
      if (taken >= 0) throw inActiveCouple(taken);

      const id = await this.couples.insertCouple(m, p.practiceId, {
        privacyPolicy: dto.privacyPolicy,
        privacyConsentedOn: dto.privacyConsentedOn ?? null,
        createdBy: p.userId,
      });
      try {
        await this.couples.insertMembers(m, p.practiceId, id, dto.partners);
      } catch (err) {
        if (isUniqueViolation(err, ONE_ACTIVE_COUPLE_INDEX)) throw inActiveCouple(raceLoserIndex(err, ids));
        throw err;
      }
      if (p.role === 'clinician') await this.couples.addToCareTeam(m, p.practiceId, id, p.userId, p.userId);
      return id;
    });
    return this.read(p.practiceId, coupleId);
  }

  /** Privacy policy, consent date and partner roles; `version` must be the one the caller read. */
  async update(p: Principal, id: string, dto: UpdateCoupleDto): Promise<CoupleResponseDto> {
    await this.access.assertCoupleRecord(p, id);
    await this.dataSource.transaction(async (m) => {
      const current = await this.couples.lockForUpdate(m, p.practiceId, id);
      if (!current) throw new NotFoundError('Couple');
      if (current.status === 'dissolved') {
        throw new ConflictError('couple_dissolved', 'This couple is dissolved; its record is kept as history and does not change');
      }
      if (current.version !== dto.version) throw staleVersion(current.version);

      if (dto.partners) {
        const members = await this.couples.membersOf(p.practiceId, [id], m);
        const roles = new Map<string, RecoveryRole>(members.map((x) => [x.clientId, x.role]));
        dto.partners.forEach((x, i) => {
          if (!roles.has(x.clientId)) {
            const field = `partners[${i}].clientId`;
            throw new BadRequestError('not_a_partner', `${field}: is not a partner in this couple`, { field });
          }
          roles.set(x.clientId, x.role);
        });
        if (!isValidRolePair([...roles.values()])) {
          throw new BadRequestError('invalid_recovery_roles', `partners: ${ROLE_PAIR_RULE}`, { field: 'partners' });
        }
        for (const x of dto.partners) {
          const before = members.find((mm) => mm.clientId === x.clientId)!;
          if (before.role !== x.role) await this.couples.setMemberRole(m, p.practiceId, id, x.clientId, x.role);
        }
      }
      await this.couples.update(m, p.practiceId, id, {
        privacyPolicy: dto.privacyPolicy,
        privacyConsentedOn: dto.privacyConsentedOn,
      });
    });
    return this.read(p.practiceId, id);
  }

  /** Ends the couple; partners become free to join another couple; the record stays readable. */
  async dissolve(p: Principal, id: string, dto: DissolveCoupleDto): Promise<CoupleResponseDto> {
    await this.access.assertCoupleRecord(p, id);
    await this.dataSource.transaction(async (m) => {
      const current = await this.couples.lockForUpdate(m, p.practiceId, id);
      if (!current) throw new NotFoundError('Couple');
      if (current.status === 'dissolved') throw new ConflictError('already_dissolved', 'This couple is already dissolved');
      if (dto.version !== undefined && current.version !== dto.version) throw staleVersion(current.version);
      await this.couples.dissolve(m, p.practiceId, id, p.userId, dto.reason ?? null);
    });
    return this.read(p.practiceId, id);
  }

  private async read(practiceId: PracticeId, id: string): Promise<CoupleResponseDto> {
    const [row, members] = await Promise.all([
      this.couples.findInPractice(practiceId, id),
      this.couples.membersOf(practiceId, [id]),
    ]);
    if (!row) throw new NotFoundError('Couple');
    return toDto(row, members);
  }
}

function staleVersion(currentVersion: number): ConflictError {
  return new ConflictError('stale_version', 'version: the couple changed since you read it; reload it and apply your change again', {
    field: 'version',
    currentVersion,
  });
}

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const driver = (err as QueryFailedError & { driverError?: { code?: string; constraint?: string } }).driverError;
  return err instanceof QueryFailedError && driver?.code === '23505' && driver.constraint === constraint;
}

/** Which partner lost the race, from PostgreSQL's "Key (client_id)=(…) already exists." */
function raceLoserIndex(err: unknown, ids: string[]): number {
  const detail = String((err as { driverError?: { detail?: string } }).driverError?.detail ?? '');
  const i = ids.findIndex((id) => detail.includes(id));
  return i >= 0 ? i : 0;
}

function groupByCouple(rows: CoupleMemberRow[]): Map<string, CoupleMemberRow[]> {
  const out = new Map<string, CoupleMemberRow[]>();
  for (const r of rows) out.set(r.coupleId, [...(out.get(r.coupleId) ?? []), r]);
  return out;
}

function toDto(r: CoupleRow, members: CoupleMemberRow[]): CoupleResponseDto {
  return {
    id: r.id,
    status: r.status,
    partners: members.map((m) => ({
      clientId: m.clientId,
      fullName: m.fullName,
      preferredName: m.preferredName,
      role: m.role,
      active: m.active,
      clientStatus: m.clientStatus,
    })),
    privacyPolicy: r.privacyPolicy,
    privacyConsentedOn: r.privacyConsentedOn,
    conjointWorkPaused: r.conjointWorkPaused,
    conjointWorkPauseReason: pauseReasonOf(r.conjointWorkPaused),
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    dissolvedAt: r.dissolvedAt?.toISOString() ?? null,
    dissolvedBy: r.dissolvedBy,
    dissolutionReason: r.dissolutionReason,
    version: r.version,
  };
}
