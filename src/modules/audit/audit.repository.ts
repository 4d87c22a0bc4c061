import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CursorKey } from '../../common/pagination/cursor';
import { PracticeId } from '../../common/tenancy/request-context';
import { AuditEvent } from './audit-event.entity';

export interface AuditFilter {
  actorId?: string;
  resourceType?: string;
  resourceId?: string;
  action?: string;
  outcome?: string;
  from?: string;
  to?: string;
  before: CursorKey | null;
  limit: number;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Newest first, keyset on (occurred_at, id). */
  list(practiceId: PracticeId, f: AuditFilter): Promise<AuditEvent[]> {
    const qb = this.dataSource.manager
      .createQueryBuilder(AuditEvent, 'e')
      .where('e.practice_id = :practiceId', { practiceId })
      .orderBy('e.occurred_at', 'DESC')
      .addOrderBy('e.id', 'DESC')
      .limit(f.limit + 1);
    if (f.actorId) qb.andWhere('e.actor_user_id = :actorId', { actorId: f.actorId });
    if (f.resourceType) qb.andWhere('e.resource_type = :rt', { rt: f.resourceType });
    if (f.resourceId) qb.andWhere('e.resource_id = :rid', { rid: f.resourceId });
    if (f.action) qb.andWhere('e.action = :action', { action: f.action });
    if (f.outcome) qb.andWhere('e.outcome = :outcome', { outcome: f.outcome });
    if (f.from) qb.andWhere('e.occurred_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('e.occurred_at < :to', { to: f.to });
    if (f.before) qb.andWhere('(e.occurred_at, e.id) < (:at, :id)', { at: f.before.at, id: f.before.id });
    return qb.getMany();
  }
}
