import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CursorKey } from '../../common/pagination/cursor';
import { PracticeId } from '../../common/tenancy/request-context';
import type { HomeworkAudience, HomeworkKind, HomeworkQuestion } from '../framework/homework-template.entity';

export interface TemplateRow {
  id: string;
  practiceId: string | null;
  libraryKey: string | null;
  frameworkVersion: number;
  stepKey: string;
  title: string;
  instructions: string;
  kind: HomeworkKind;
  audience: HomeworkAudience;
  defaultCadence: string;
  questions: HomeworkQuestion[];
  active: boolean;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TemplateFilter {
  stepKey?: string;
  kind?: HomeworkKind;
  audience?: HomeworkAudience;
  q?: string;
  source?: 'library' | 'practice';
  includeArchived: boolean;
  before: CursorKey | null;
  limit: number;
}

export interface TemplateFields {
  title: string;
  instructions: string;
  kind: HomeworkKind;
  audience: HomeworkAudience;
  stepKey: string;
  defaultCadence: string;
  questions: HomeworkQuestion[];
}

const COLUMNS = `t.id, t.practice_id AS "practiceId", t.library_key AS "libraryKey", t.framework_version AS "frameworkVersion",
  t.step_key AS "stepKey", t.title, t.instructions, t.kind, t.audience, t.default_cadence AS "defaultCadence", t.questions,
  t.active, t.created_by AS "createdBy", t.created_at AS "createdAt", t.updated_at AS "updatedAt"`;

/**
 * Homework templates: the framework's starter library (practice_id NULL; read by every practice,
 * changed by none) and each practice's own. Every method takes the practice id: a practice sees
 * the library and its own templates, never another practice's.
 */
@Injectable()
export class HomeworkTemplatesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** The current library and the practice's own, newest first (the library, loaded first, comes last). */
  list(practiceId: PracticeId, f: TemplateFilter): Promise<TemplateRow[]> {
    const params: unknown[] = [];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const library = `(t.practice_id IS NULL AND t.active AND t.framework_version = (SELECT version FROM framework_versions WHERE is_current))`;
    const own = () => `(t.practice_id = ${bind(practiceId)}${f.includeArchived ? '' : ' AND t.active'})`;
    const where = [f.source === 'library' ? library : f.source === 'practice' ? own() : `(${library} OR ${own()})`];
    if (f.stepKey) where.push(`t.step_key = ${bind(f.stepKey)}`);
    if (f.kind) where.push(`t.kind = ${bind(f.kind)}::homework_kind`);
    if (f.audience) where.push(`t.audience = ${bind(f.audience)}::homework_audience`);
    if (f.q) where.push(`t.title ILIKE ${bind(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)}`);
    if (f.before) where.push(`(t.created_at, t.id) < (${bind(f.before.at)}::timestamptz, ${bind(f.before.id)}::uuid)`);
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM homework_templates t WHERE ${where.join(' AND ')}
        ORDER BY t.created_at DESC, t.id DESC LIMIT ${bind(f.limit + 1)}`,
      params,
    );
  }

  /** A library template (any version: plans keep theirs) or one of the practice's own; null otherwise. */
  async find(practiceId: PracticeId, id: string, manager?: EntityManager, lock = false): Promise<TemplateRow | null> {
    const rows: TemplateRow[] = await this.m(manager).query(
      `SELECT ${COLUMNS} FROM homework_templates t
        WHERE t.id = $2 AND (t.practice_id IS NULL OR t.practice_id = $1)${lock ? ' FOR UPDATE' : ''}`,
      [practiceId, id],
    );
    return rows[0] ?? null;
  }

  async insert(practiceId: PracticeId, frameworkVersion: number, f: TemplateFields, createdBy: string): Promise<string> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO homework_templates (practice_id, framework_version, step_key, title, instructions, kind, audience, default_cadence, questions, active, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, true, $10) RETURNING id`,
      [practiceId, frameworkVersion, f.stepKey, f.title, f.instructions, f.kind, f.audience, f.defaultCadence, JSON.stringify(f.questions), createdBy],
    );
    return rows[0].id;
  }

  async update(manager: EntityManager, practiceId: PracticeId, id: string, f: TemplateFields): Promise<void> {
    await manager.query(
      `UPDATE homework_templates
          SET step_key = $3, title = $4, instructions = $5, kind = $6, audience = $7, default_cadence = $8, questions = $9::jsonb,
              updated_at = clock_timestamp()
        WHERE practice_id = $1 AND id = $2`,
      [practiceId, id, f.stepKey, f.title, f.instructions, f.kind, f.audience, f.defaultCadence, JSON.stringify(f.questions)],
    );
  }

  async archive(manager: EntityManager, practiceId: PracticeId, id: string): Promise<void> {
    await manager.query(`UPDATE homework_templates SET active = false, updated_at = clock_timestamp() WHERE practice_id = $1 AND id = $2`, [
      practiceId,
      id,
    ]);
  }
}
