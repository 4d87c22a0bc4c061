import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { PracticeId } from '../../common/tenancy/request-context';
import { CheckInMeasureKind } from '../framework/framework.entity';

export interface MeasureRow {
  id: string;
  key: string;
  label: string;
  kind: CheckInMeasureKind;
  options: string[] | null;
  active: boolean;
  position: number;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `id, key, label, kind, options, active, position, created_at AS "createdAt", updated_at AS "updatedAt"`;

/** practice_check_in_measures, always scoped to one practice. */
@Injectable()
export class CheckInMeasuresRepository {
  constructor(private readonly dataSource: DataSource) {}

  list(practiceId: PracticeId, opts: { activeOnly?: boolean } = {}, manager: EntityManager = this.dataSource.manager): Promise<MeasureRow[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM practice_check_in_measures
        WHERE practice_id = $1 ${opts.activeOnly ? 'AND active' : ''}
        ORDER BY position, key`,
      [practiceId],
    );
  }

  async find(practiceId: PracticeId, id: string, manager: EntityManager = this.dataSource.manager): Promise<MeasureRow | null> {
    const rows: MeasureRow[] = await manager.query(`SELECT ${COLUMNS} FROM practice_check_in_measures WHERE practice_id = $1 AND id = $2`, [practiceId, id]);
    return rows[0] ?? null;
  }

  /** Is this key one of the framework's default measures (of any version)? */
  async isFrameworkKey(key: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM framework_check_in_measures WHERE key = $1 LIMIT 1`, [key]);
    return rows.length > 0;
  }

  /** Inserts; null when the key is already taken in the practice. */
  async insert(
    practiceId: PracticeId,
    m: { key: string; label: string; kind: CheckInMeasureKind; options: string[] | null; active: boolean; position: number | null },
  ): Promise<MeasureRow | null> {
    const rows: MeasureRow[] = await this.dataSource.query(
      `INSERT INTO practice_check_in_measures (practice_id, key, label, kind, options, active, position)
       VALUES ($1, $2, $3, $4, $5, $6,
               COALESCE($7::smallint, (SELECT COALESCE(MAX(position) + 1, 0) FROM practice_check_in_measures WHERE practice_id = $1)))
       ON CONFLICT (practice_id, key) DO NOTHING
       RETURNING ${COLUMNS}`,
      [practiceId, m.key, m.label, m.kind, m.options, m.active, m.position],
    );
    return rows[0] ?? null;
  }

  async update(
    practiceId: PracticeId,
    id: string,
    patch: { label?: string; options?: string[]; active?: boolean; position?: number },
  ): Promise<MeasureRow | null> {
    // For an UPDATE, TypeORM's postgres driver answers [rows, affectedCount].
    const [rows]: [MeasureRow[], number] = await this.dataSource.query(
      `UPDATE practice_check_in_measures
          SET label = COALESCE($3, label), options = COALESCE($4, options), active = COALESCE($5, active),
              position = COALESCE($6::smallint, position), updated_at = now()
        WHERE practice_id = $1 AND id = $2
        RETURNING ${COLUMNS}`,
      [practiceId, id, patch.label ?? null, patch.options ?? null, patch.active ?? null, patch.position ?? null],
    );
    return rows[0] ?? null;
  }
}
