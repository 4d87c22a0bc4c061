import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CheckInMeasureDefinition, FrameworkStepDefinition, FrameworkVersionSummary, LibraryTemplate } from './framework.types';

const VERSION_COLUMNS = `version, title, is_current AS "isCurrent", to_char(published_on, 'YYYY-MM-DD') AS "publishedOn"`;

/**
 * Reads the framework's reference data. Not tenant-owned: no practice id, and the starter
 * library only (practice_id IS NULL) — never a practice's own templates.
 */
@Injectable()
export class FrameworkRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async current(manager?: EntityManager): Promise<FrameworkVersionSummary | null> {
    const rows: FrameworkVersionSummary[] = await this.m(manager).query(
      `SELECT ${VERSION_COLUMNS} FROM framework_versions WHERE is_current`,
    );
    return rows[0] ?? null;
  }

  async version(version: number, manager?: EntityManager): Promise<FrameworkVersionSummary | null> {
    const rows: FrameworkVersionSummary[] = await this.m(manager).query(
      `SELECT ${VERSION_COLUMNS} FROM framework_versions WHERE version = $1`,
      [version],
    );
    return rows[0] ?? null;
  }

  /** Every published version, oldest first. */
  versions(manager?: EntityManager): Promise<FrameworkVersionSummary[]> {
    return this.m(manager).query(`SELECT ${VERSION_COLUMNS} FROM framework_versions ORDER BY version`);
  }

  steps(version: number, manager?: EntityManager): Promise<FrameworkStepDefinition[]> {
    return this.m(manager).query(
      `SELECT key, position, title, purpose, injured_focus AS "injuredFocus", involved_focus AS "involvedFocus",
              relationship_focus AS "relationshipFocus", signs_of_completion AS "signsOfCompletion"
         FROM framework_steps WHERE version = $1 ORDER BY position`,
      [version],
    );
  }

  async hasStep(version: number, key: string, manager?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await this.m(manager).query('SELECT 1 FROM framework_steps WHERE version = $1 AND key = $2', [version, key]);
    return rows.length > 0;
  }

  measures(version: number, manager?: EntityManager): Promise<CheckInMeasureDefinition[]> {
    return this.m(manager).query(
      `SELECT key, position, label, kind, options, asked_from_step AS "askedFromStep", alerts
         FROM framework_check_in_measures WHERE version = $1 ORDER BY position, key`,
      [version],
    );
  }

  /** The version's active starter-library templates, in step order, then by title. */
  library(version: number, manager?: EntityManager): Promise<LibraryTemplate[]> {
    return this.m(manager).query(
      `SELECT t.id, t.library_key AS "libraryKey", t.step_key AS "stepKey", t.title, t.instructions, t.kind, t.audience,
              t.default_cadence AS "defaultCadence", t.questions
         FROM homework_templates t
         LEFT JOIN framework_steps s ON s.version = t.framework_version AND s.key = t.step_key
        WHERE t.framework_version = $1 AND t.practice_id IS NULL AND t.active
        ORDER BY s.position NULLS LAST, t.library_key`,
      [version],
    );
  }
}
