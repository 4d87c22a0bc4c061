import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { portalClientId } from '../../common/access/portal';
import { ConflictError, NotFoundError } from '../../common/errors/domain-error';
import { RequestValidationException } from '../../common/errors/validation';
import { Principal } from '../../common/tenancy/request-context';
import { CheckInsRepository } from '../check-ins/check-ins.repository';
import { FrameworkService } from '../framework/framework.service';
import { CheckInMeasuresRepository, MeasureRow } from './check-in-measures.repository';
import { CheckInFormDto, CheckInMeasureDto, CreateCheckInMeasureDto, UpdateCheckInMeasureDto } from './dto/check-in-measure.dto';

const toDto = (r: MeasureRow): CheckInMeasureDto => ({
  id: r.id,
  key: r.key,
  label: r.label,
  kind: r.kind,
  options: r.options,
  active: r.active,
  position: r.position,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

/** A practice's own check-in measures (admins manage, staff read) and the portal's check-in form. */
@Injectable()
export class CheckInMeasuresService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly measures: CheckInMeasuresRepository,
    private readonly checkIns: CheckInsRepository,
    private readonly framework: FrameworkService,
  ) {}

  async list(p: Principal): Promise<{ data: CheckInMeasureDto[] }> {
    return { data: (await this.measures.list(p.practiceId)).map(toDto) };
  }

  async create(p: Principal, dto: CreateCheckInMeasureDto): Promise<CheckInMeasureDto> {
    if (dto.kind === 'choice' && !dto.options) {
      throw new RequestValidationException([{ field: 'options', reasons: ['is required for a choice measure'] }]);
    }
    if (dto.kind !== 'choice' && dto.options) {
      throw new RequestValidationException([{ field: 'options', reasons: ['is only for a choice measure'] }]);
    }
    if (await this.measures.isFrameworkKey(dto.key)) {
      throw new RequestValidationException([{ field: 'key', reasons: ['is a framework measure; choose another key'] }]);
    }
    const row = await this.measures.insert(p.practiceId, {
      key: dto.key,
      label: dto.label,
      kind: dto.kind,
      options: dto.options ?? null,
      active: dto.active ?? true,
      position: dto.position ?? null,
    });
    if (!row) throw new ConflictError('measure_key_taken', 'key: your practice already has a check-in measure with this key', { field: 'key' });
    return toDto(row);
  }

  async update(p: Principal, id: string, dto: UpdateCheckInMeasureDto): Promise<CheckInMeasureDto> {
    const current = await this.measures.find(p.practiceId, id);
    if (!current) throw new NotFoundError('Check-in measure');
    if (dto.options && current.kind !== 'choice') {
      throw new RequestValidationException([{ field: 'options', reasons: ['is only for a choice measure'] }]);
    }
    const row = await this.measures.update(p.practiceId, id, dto);
    if (!row) throw new NotFoundError('Check-in measure');
    return toDto(row);
  }

  /**
   * What to ask this client now: the current framework's default measures (readiness for
   * forgiveness only once the intimacy step is active or done on their plan, the same rule the
   * check-in submission applies) and then the practice's active measures.
   */
  async form(p: Principal): Promise<CheckInFormDto> {
    const clientId = await portalClientId(this.dataSource, p);
    const m = this.dataSource.manager;
    const context = await this.checkIns.submissionContext(m, p.practiceId, clientId);
    if (!context) throw new NotFoundError('Client');
    const [framework, practice] = await Promise.all([this.framework.current(), this.measures.list(p.practiceId, { activeOnly: true })]);
    const stepGated = framework.measures.some((d) => d.askedFromStep !== null);
    const readiness = stepGated && (await this.checkIns.readinessAsked(m, p.practiceId, clientId, context.coupleId));
    return {
      measures: [
        ...framework.measures
          .filter((d) => d.askedFromStep === null || readiness)
          .map((d) => ({ source: 'framework' as const, key: d.key, label: d.label, kind: d.kind, options: d.options, alerts: d.alerts })),
        ...practice.map((r) => ({ source: 'practice' as const, key: r.key, label: r.label, kind: r.kind, options: r.options, alerts: false })),
      ],
    };
  }
}
