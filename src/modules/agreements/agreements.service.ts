import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { portalClientId } from '../../common/access/portal';
import { ConflictError, ForbiddenError, NotFoundError } from '../../common/errors/domain-error';
import { RequestValidationException } from '../../common/errors/validation';
import { decodeCursor, Page, toPage } from '../../common/pagination/cursor';
import { FieldEncryption } from '../../common/security/field-encryption';
import { Principal } from '../../common/tenancy/request-context';
import { AgreementWording, parseWording, revisedWording, serializeWording, wordingAad } from './agreement-wording';
import { AdherenceRow, AgreementRow, AgreementsRepository, PartnerAckRow } from './agreements.repository';
import {
  AcknowledgeAgreementDto,
  AdherenceCountsDto,
  AdherenceResponseDto,
  AgreementDetailDto,
  AgreementResponseDto,
  CreateAgreementDto,
  EndAgreementDto,
  ListAgreementsQueryDto,
  ListMyAgreementsQueryDto,
  MyAgreementDto,
  ReviseAgreementDto,
} from './dto/agreement.dto';

const cursorKey = (r: AgreementRow) => ({ at: r.createdAt.toISOString(), id: r.id });

const ended = () => new ConflictError('agreement_ended', 'This agreement has ended; it no longer changes');
const stale = () => new ConflictError('version_conflict', 'version: the agreement changed since you read it; reload and try again');
const fieldError = (field: string, reason: string) => new RequestValidationException([{ field, reasons: [reason] }]);

/**
 * A couple's boundary and transparency agreements. The wording (title and items) is clinical
 * content: each revision is one AES-GCM envelope bound to the agreement and revision number,
 * read only by the couple's care team and by the two partners through their own portal.
 * Acknowledgements belong to a revision, so a new wording needs new acknowledgements.
 */
@Injectable()
export class AgreementsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly agreements: AgreementsRepository,
    private readonly access: ClinicalAccess,
    private readonly crypto: FieldEncryption,
  ) {}

  // ── Care team ────────────────────────────────────────────────────────────────────────────

  async create(p: Principal, dto: CreateAgreementDto): Promise<AgreementDetailDto> {
    await this.access.assertCoupleClinical(p, dto.coupleId);
    const facts = await this.agreements.creationFacts(p.practiceId, dto.coupleId);
    if (!facts) throw new NotFoundError('Couple');
    if (facts.coupleStatus !== 'active') {
      throw new ConflictError('couple_dissolved', 'coupleId: this couple is dissolved; agreements are made with an active couple');
    }
    if (dto.reviewOn && dto.reviewOn < facts.today) throw fieldError('reviewOn', 'must be today or later');
    if (dto.planId && !(await this.agreements.isOpenPlanOfCouple(p.practiceId, dto.coupleId, dto.planId))) {
      throw fieldError('planId', 'must be an open treatment plan of this couple');
    }
    const id = randomUUID();
    await this.dataSource.transaction(async (m) => {
      await this.agreements.insertAgreement(m, p.practiceId, {
        id,
        coupleId: dto.coupleId,
        planId: dto.planId ?? facts.openPlanId,
        stepKey: dto.stepKey,
        kind: dto.kind,
        reviewOn: dto.reviewOn ?? null,
        createdBy: p.userId,
      });
      await this.agreements.insertRevision(m, p.practiceId, {
        agreementId: id,
        revision: 1,
        bodyCiphertext: this.seal(id, 1, { title: dto.title, items: dto.items }),
        changeNote: null,
        createdBy: p.userId,
      });
    });
    return this.detail(p, (await this.agreements.findInPractice(p.practiceId, id))!);
  }

  async list(p: Principal, q: ListAgreementsQueryDto): Promise<Page<AgreementResponseDto>> {
    const before = decodeCursor(q.cursor);
    if (q.coupleId) await this.access.assertCoupleClinical(p, q.coupleId);
    const params: unknown[] = [];
    const sql = await this.access.coupleListCondition(p, 'c', params, 'clinical');
    const limit = q.limit ?? 25;
    const rows = await this.agreements.list(p.practiceId, { sql, params }, { coupleId: q.coupleId, status: q.status, kind: q.kind, before, limit });
    const page = rows.slice(0, limit);
    const partners = await this.agreements.partnersWithAcknowledgements(p.practiceId, page.map((r) => r.id));
    return toPage(rows, limit, cursorKey, (r) => this.toResponse(r, partners));
  }

  async get(p: Principal, id: string): Promise<AgreementDetailDto> {
    return this.detail(p, await this.forCareTeam(p, id));
  }

  /**
   * A new wording becomes a new revision (the old ones are kept) that both partners must
   * acknowledge again; a new review date alone changes no wording and keeps the acknowledgements.
   */
  async revise(p: Principal, id: string, dto: ReviseAgreementDto): Promise<AgreementDetailDto> {
    await this.forCareTeam(p, id);
    const title = dto.title ?? undefined;
    const items = dto.items ?? undefined;
    if (title === undefined && items === undefined && dto.reviewOn === undefined) {
      throw fieldError('title', 'give at least one of title, items, reviewOn');
    }
    if (dto.reviewOn && dto.reviewOn < (await this.agreements.practiceToday(p.practiceId))) {
      throw fieldError('reviewOn', 'must be today or later');
    }
    await this.dataSource.transaction(async (m) => {
      const locked = await this.agreements.lock(m, p.practiceId, id, 'update');
      if (!locked) throw new NotFoundError('Agreement');
      if (locked.status === 'ended') throw ended();
      if (locked.version !== dto.version) throw stale();
      const { wording, changed } = revisedWording(this.open(id, locked.currentRevision, locked.bodyCiphertext), { title, items });
      if (!changed && dto.changeNote !== undefined) {
        throw fieldError('changeNote', 'describes a change of wording, but the title and items are unchanged');
      }
      let revision = locked.currentRevision;
      if (changed) {
        revision += 1;
        await this.agreements.insertRevision(m, p.practiceId, {
          agreementId: id,
          revision,
          bodyCiphertext: this.seal(id, revision, wording),
          changeNote: dto.changeNote ?? null,
          createdBy: p.userId,
        });
      }
      const reviewOn = dto.reviewOn === undefined ? locked.reviewOn : dto.reviewOn;
      if (!(await this.agreements.update(m, p.practiceId, id, dto.version, { currentRevision: revision, reviewOn }))) throw stale();
    });
    return this.detail(p, (await this.agreements.findInPractice(p.practiceId, id))!);
  }

  async end(p: Principal, id: string, dto: EndAgreementDto): Promise<AgreementDetailDto> {
    await this.forCareTeam(p, id);
    await this.dataSource.transaction(async (m) => {
      const locked = await this.agreements.lock(m, p.practiceId, id, 'update');
      if (!locked) throw new NotFoundError('Agreement');
      if (locked.status === 'ended') throw ended();
      if (dto.version !== undefined && dto.version !== locked.version) throw stale();
      await this.agreements.end(m, p.practiceId, id);
    });
    return this.detail(p, (await this.agreements.findInPractice(p.practiceId, id))!);
  }

  /** Agreements kept, from the couple's check-ins since the current wording, per partner and for both. */
  async adherence(p: Principal, id: string): Promise<AdherenceResponseDto> {
    await this.forCareTeam(p, id);
    const rows = await this.agreements.adherence(p.practiceId, id);
    const total = rows.find((r) => r.clientId === null);
    if (!total) throw new NotFoundError('Agreement');
    return {
      agreementId: id,
      revision: total.revision,
      since: total.since.toISOString(),
      until: total.until.toISOString(),
      partners: rows
        .filter((r) => r.clientId !== null)
        .map((r) => ({ clientId: r.clientId!, recoveryRole: r.recoveryRole!, ...counts(r) })),
      overall: counts(total),
    };
  }

  // ── Client portal ────────────────────────────────────────────────────────────────────────

  /** The agreements of the client's active couple: the wording and who of the two acknowledged it. */
  async listMine(p: Principal, q: ListMyAgreementsQueryDto): Promise<Page<MyAgreementDto>> {
    const clientId = await portalClientId(this.dataSource, p);
    const before = decodeCursor(q.cursor);
    const coupleId = await this.agreements.activeCoupleOf(p.practiceId, clientId);
    if (!coupleId) return { data: [], nextCursor: null };
    const limit = q.limit ?? 25;
    const rows = await this.agreements.listForCouple(p.practiceId, coupleId, { status: q.status, before, limit });
    const partners = await this.agreements.partnersWithAcknowledgements(p.practiceId, rows.slice(0, limit).map((r) => r.id));
    return toPage(rows, limit, cursorKey, (r) => this.toMine(r, clientId, partners));
  }

  /** Only the partner's own portal account acknowledges, for them alone, the current wording. */
  async acknowledge(p: Principal, id: string, dto: AcknowledgeAgreementDto): Promise<MyAgreementDto> {
    const clientId = await portalClientId(this.dataSource, p);
    const coupleId = await this.agreements.activeCoupleOf(p.practiceId, clientId);
    await this.dataSource.transaction(async (m) => {
      const locked = await this.agreements.lock(m, p.practiceId, id, 'share');
      if (!locked || locked.coupleId !== coupleId) throw new NotFoundError('Agreement');
      if (locked.status === 'ended') throw ended();
      if (dto.revision !== undefined && dto.revision !== locked.currentRevision) {
        throw new ConflictError('revision_changed', 'revision: the wording changed since you read it; read it again before acknowledging');
      }
      await this.agreements.acknowledge(m, p.practiceId, id, locked.currentRevision, clientId);
    });
    const row = (await this.agreements.findInPractice(p.practiceId, id))!;
    return this.toMine(row, clientId, await this.agreements.partnersWithAcknowledgements(p.practiceId, [id]));
  }

  // ── Helpers ──────────────────────────────────────────────────────────────────────────────

  /**
   * The agreement, if the caller may read its wording: its couple's care team. Not visible at
   * all → 404 (the same answer as for an id that does not exist); visible as a record but not
   * clinically (an admin off the care team) → 403.
   */
  private async forCareTeam(p: Principal, id: string): Promise<AgreementRow> {
    if (p.role === 'client') throw new ForbiddenError();
    const row = await this.agreements.findInPractice(p.practiceId, id);
    if (!row || !(await this.access.visibleCoupleIds(p, [row.coupleId], 'record')).has(row.coupleId)) throw new NotFoundError('Agreement');
    if (!(await this.access.visibleCoupleIds(p, [row.coupleId], 'clinical')).has(row.coupleId)) {
      throw new ForbiddenError('Only the care team reads clinical content', 'not_on_care_team');
    }
    return row;
  }

  private seal(id: string, revision: number, wording: AgreementWording): string {
    return this.crypto.encrypt(serializeWording(wording), wordingAad(id, revision));
  }

  private open(id: string, revision: number, envelope: string): AgreementWording {
    return parseWording(this.crypto.decrypt(envelope, wordingAad(id, revision)));
  }

  private async detail(p: Principal, row: AgreementRow): Promise<AgreementDetailDto> {
    const [partners, revisions, acks] = await Promise.all([
      this.agreements.partnersWithAcknowledgements(p.practiceId, [row.id]),
      this.agreements.revisions(p.practiceId, row.id),
      this.agreements.revisionAcknowledgements(p.practiceId, row.id),
    ]);
    return {
      ...this.toResponse(row, partners),
      revisions: revisions.map((r) => ({
        revision: r.revision,
        ...this.open(row.id, r.revision, r.bodyCiphertext),
        changeNote: r.changeNote,
        createdBy: { id: r.createdBy, fullName: r.createdByName },
        createdAt: r.createdAt.toISOString(),
        acknowledgements: acks
          .filter((a) => a.revision === r.revision)
          .map((a) => ({ clientId: a.clientId, acknowledgedAt: a.acknowledgedAt.toISOString() })),
      })),
    };
  }

  private toResponse(row: AgreementRow, partners: PartnerAckRow[]): AgreementResponseDto {
    const mine = partners.filter((x) => x.agreementId === row.id);
    const wording = this.open(row.id, row.currentRevision, row.bodyCiphertext);
    return {
      id: row.id,
      coupleId: row.coupleId,
      planId: row.planId,
      stepKey: row.stepKey,
      kind: row.kind,
      status: row.status,
      title: wording.title,
      items: wording.items,
      reviewOn: row.reviewOn,
      revision: row.currentRevision,
      revisedAt: row.revisedAt.toISOString(),
      acknowledgements: mine.map((x) => ({
        clientId: x.clientId,
        name: x.name,
        recoveryRole: x.recoveryRole,
        acknowledgedAt: x.acknowledgedAt?.toISOString() ?? null,
      })),
      acknowledgedByBoth: mine.length === 2 && mine.every((x) => x.acknowledgedAt !== null),
      createdBy: { id: row.createdBy, fullName: row.createdByName },
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      endedAt: row.endedAt?.toISOString() ?? null,
      version: row.version,
    };
  }

  private toMine(row: AgreementRow, clientId: string, partners: PartnerAckRow[]): MyAgreementDto {
    const mine = partners.filter((x) => x.agreementId === row.id);
    const wording = this.open(row.id, row.currentRevision, row.bodyCiphertext);
    return {
      id: row.id,
      kind: row.kind,
      stepKey: row.stepKey,
      status: row.status,
      title: wording.title,
      items: wording.items,
      reviewOn: row.reviewOn,
      revision: row.currentRevision,
      revisedAt: row.revisedAt.toISOString(),
      youAcknowledgedAt: mine.find((x) => x.clientId === clientId)?.acknowledgedAt?.toISOString() ?? null,
      partnerAcknowledgedAt: mine.find((x) => x.clientId !== clientId)?.acknowledgedAt?.toISOString() ?? null,
    };
  }
}

function counts(r: AdherenceRow): AdherenceCountsDto {
  return { yes: r.yes, partly: r.partly, no: r.no, answered: r.answered, checkIns: r.checkIns, keptRate: r.keptRate };
}
