import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { PracticeId } from '../../common/tenancy/request-context';

/** A schedule with what planning it needs of its client. */
export interface ScheduleRow {
  id: string;
  practiceId: PracticeId;
  clientId: string;
  rrule: string;
  localTime: string;
  active: boolean;
  materializedUntil: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** The client's IANA zone, read fresh each time (a moved client is asked at their new local time). */
  timezone: string;
  clientStatus: 'active' | 'archived';
}

const SELECT_ROW = `
  SELECT s.id, s.practice_id AS "practiceId", s.client_id AS "clientId", s.rrule, s.local_time AS "localTime", s.active,
         s.materialized_until AS "materializedUntil", s.created_by AS "createdBy", s.created_at AS "createdAt",
         s.updated_at AS "updatedAt", s.version, c.timezone, c.status AS "clientStatus"
    FROM check_in_schedules s
    JOIN clients c ON c.id = s.client_id AND c.practice_id = s.practice_id`;

export interface ScheduleFields {
  rrule: string;
  localTime: string;
  active: boolean;
}

/** Tenant-owned: every method takes the practice id, except the cross-tenant due list of the job. */
@Injectable()
export class CheckInSchedulesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async findByClient(practiceId: PracticeId, clientId: string, manager?: EntityManager, lock = false): Promise<ScheduleRow | null> {
    const rows: ScheduleRow[] = await this.m(manager).query(
      `${SELECT_ROW} WHERE s.practice_id = $1 AND s.client_id = $2 ${lock ? 'FOR UPDATE OF s' : ''}`,
      [practiceId, clientId],
    );
    return rows[0] ?? null;
  }

  async findById(practiceId: PracticeId, id: string, manager?: EntityManager, lock = false): Promise<ScheduleRow | null> {
    const rows: ScheduleRow[] = await this.m(manager).query(
      `${SELECT_ROW} WHERE s.practice_id = $1 AND s.id = $2 ${lock ? 'FOR UPDATE OF s' : ''}`,
      [practiceId, id],
    );
    return rows[0] ?? null;
  }

  /** Creates the client's schedule unless one exists (a concurrent PUT may have made it): its id, or null. */
  async insertIfAbsent(manager: EntityManager, practiceId: PracticeId, clientId: string, f: ScheduleFields, by: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO check_in_schedules (practice_id, client_id, rrule, local_time, active, created_by, version)
       VALUES ($1, $2, $3, $4, $5, $6, 1)
       ON CONFLICT (client_id) DO NOTHING
       RETURNING id`,
      [practiceId, clientId, f.rrule, f.localTime, f.active, by],
    );
    return rows[0]?.id ?? null;
  }

  async update(manager: EntityManager, practiceId: PracticeId, id: string, f: ScheduleFields): Promise<void> {
    await manager.query(
      `UPDATE check_in_schedules SET rrule = $3, local_time = $4, active = $5, version = version + 1, updated_at = now()
        WHERE practice_id = $1 AND id = $2`,
      [practiceId, id, f.rrule, f.localTime, f.active],
    );
  }

  /** Bookkeeping of the planner: not an edit, so neither the version nor updated_at moves. */
  async setMaterializedUntil(manager: EntityManager, practiceId: PracticeId, id: string, until: Date | null): Promise<void> {
    await manager.query(`UPDATE check_in_schedules SET materialized_until = $3 WHERE practice_id = $1 AND id = $2`, [practiceId, id, until]);
  }

  async delete(manager: EntityManager, practiceId: PracticeId, id: string): Promise<void> {
    await manager.query(`DELETE FROM check_in_schedules WHERE practice_id = $1 AND id = $2`, [practiceId, id]);
  }

  /**
   * The job's work list, across practices (it runs for the service, not for a tenant): active
   * schedules of active clients of active practices whose planned window ends before `threshold`.
   * Ids only; each is then re-read and locked inside its practice.
   */
  async dueForExtension(threshold: Date, limit: number, after: string | null): Promise<Array<{ id: string; practiceId: PracticeId }>> {
    return this.dataSource.query(
      `SELECT s.id, s.practice_id AS "practiceId"
         FROM check_in_schedules s
         JOIN clients c ON c.id = s.client_id AND c.practice_id = s.practice_id
         JOIN practices p ON p.id = s.practice_id
        WHERE s.active AND c.status = 'active' AND p.status = 'active'
          AND (s.materialized_until IS NULL OR s.materialized_until < $1)
          AND ($3::uuid IS NULL OR s.id > $3::uuid)
        ORDER BY s.id
        LIMIT $2`,
      [threshold, limit, after],
    );
  }
}
