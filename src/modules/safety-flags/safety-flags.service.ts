import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/cursor';
import { FieldEncryption } from '../../common/security/field-encryption';
import { Principal } from '../../common/tenancy/request-context';
import { pausesConjointWork } from './conjoint-pause';
import { ListSafetyFlagsQueryDto, RaiseSafetyFlagDto, ResolveSafetyFlagDto, SafetyFlagResponseDto } from './dto/safety-flag.dto';
import { SafetyFlagRow, SafetyFlagsRepository } from './safety-flags.repository';

/** Associated data binds each envelope to its flag and field, so ciphertexts cannot be swapped. */
const noteAad = (id: string) => `safety_flag:${id}`;
const resolutionAad = (id: string) => `safety_flag:${id}:resolution`;

/**
 * Safety flags are clinical content: every call first asks ClinicalAccess (404 when the client is
 * not visible, 403 for an admin who is not on the care team). Notes are encrypted before they
 * reach the database and are never logged or put into an error.
 */
@Injectable()
export class SafetyFlagsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly flags: SafetyFlagsRepository,
    private readonly access: ClinicalAccess,
    private readonly crypto: FieldEncryption,
  ) {}

  async list(p: Principal, clientId: string, q: ListSafetyFlagsQueryDto): Promise<Page<SafetyFlagResponseDto>> {
    await this.access.assertClientClinical(p, clientId);
    const limit = q.limit ?? 25;
    const rows = await this.flags.listForClient(p.practiceId, clientId, {
      status: q.status,
      kind: q.kind,
      before: decodeCursor(q.cursor),
      limit,
    });
    return toPage(rows, limit, (r) => ({ at: r.raisedAt.toISOString(), id: r.id }), (r) => this.toDto(r));
  }

  async raise(p: Principal, clientId: string, dto: RaiseSafetyFlagDto): Promise<SafetyFlagResponseDto> {
    await this.access.assertClientClinical(p, clientId);
    const id = randomUUID();
    await this.flags.insert(this.dataSource.manager, p.practiceId, {
      id,
      clientId,
      kind: dto.kind,
      severity: dto.severity,
      noteCiphertext: dto.note ? this.crypto.encrypt(dto.note, noteAad(id)) : null,
      raisedBy: p.userId,
    });
    return this.toDto((await this.flags.findForClient(p.practiceId, clientId, id))!);
  }

  async resolve(p: Principal, clientId: string, flagId: string, dto: ResolveSafetyFlagDto): Promise<SafetyFlagResponseDto> {
    await this.access.assertClientClinical(p, clientId);
    const ciphertext = dto.note ? this.crypto.encrypt(dto.note, resolutionAad(flagId)) : null;
    const row = await this.dataSource.transaction(async (m) => {
      const resolved = await this.flags.resolve(m, p.practiceId, clientId, flagId, p.userId, ciphertext);
      const current = await this.flags.findForClient(p.practiceId, clientId, flagId, m);
      if (!current) throw new NotFoundError('Safety flag');
      if (!resolved) throw new ConflictError('already_resolved', 'This safety flag is already resolved');
      return current;
    });
    return this.toDto(row);
  }

  private toDto(r: SafetyFlagRow): SafetyFlagResponseDto {
    return {
      id: r.id,
      clientId: r.clientId,
      kind: r.kind,
      severity: r.severity,
      status: r.status,
      note: r.noteCiphertext ? this.crypto.decrypt(r.noteCiphertext, noteAad(r.id)) : null,
      raisedBy: { id: r.raisedBy, fullName: r.raisedByName },
      raisedAt: r.raisedAt.toISOString(),
      resolvedBy: r.resolvedBy ? { id: r.resolvedBy, fullName: r.resolvedByName } : null,
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
      resolutionNote: r.resolutionNoteCiphertext ? this.crypto.decrypt(r.resolutionNoteCiphertext, resolutionAad(r.id)) : null,
      pausesConjointWork: pausesConjointWork(r),
    };
  }
}
