import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CursorKey } from '../../common/pagination/cursor';
import { PracticeId } from '../../common/tenancy/request-context';
import { ClientStatus } from '../clients/client.entity';
import { conjointWorkPausedSql } from '../safety-flags/conjoint-pause';
import { CoupleStatus, DissolutionReason, PrivacyPolicy, RecoveryRole } from './couple.entity';

/** A couple as read for the API, with its conjoint-work pause computed in the same query. */
export interface CoupleRow {
  id: string;
  status: CoupleStatus;
  privacyPolicy: PrivacyPolicy;
  privacyConsentedOn: string | null;
  dissolvedAt: Date | null;
  dissolvedBy: string | null;
  dissolutionReason: DissolutionReason | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  conjointWorkPaused: boolean;
}

export interface CoupleMemberRow {
  coupleId: string;
  clientId: string;
  role: RecoveryRole;
  active: boolean;
  fullName: string;
  preferredName: string | null;
  clientStatus: ClientStatus;
}

export interface CoupleListFilter {
  status?: CoupleStatus;
  clientId?: string;
  /** Keyset position: rows strictly older than this (newest first). */
  before: CursorKey | null;
  limit: number;
}

/** A SQL visibility condition from ClinicalAccess, with the parameters it already bound. */
export interface VisibilityCondition {
  sql: string;
  params: unknown[];
}

const COUPLE_COLUMNS = `
  c.id, c.status, c.privacy_policy AS "privacyPolicy",
  to_char(c.privacy_consented_on, 'YYYY-MM-DD') AS "privacyConsentedOn",
  c.dissolved_at AS "dissolvedAt", c.dissolved_by AS "dissolvedBy", c.dissolution_reason AS "dissolutionReason",
  c.created_by AS "createdBy", c.created_at AS "createdAt", c.updated_at AS "updatedAt", c.version,
  ${conjointWorkPausedSql('c.id', 'c.practice_id')} AS "conjointWorkPaused"`;

/** Tenant-owned: every method takes the practice id. */
@Injectable()
export class CouplesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async findInPractice(practiceId: PracticeId, id: string, manager?: EntityManager): Promise<CoupleRow | null> {
    const rows: CoupleRow[] = await this.m(manager).query(
      `SELECT ${COUPLE_COLUMNS} FROM couples c WHERE c.practice_id = $1 AND c.id = $2`,
      [practiceId, id],
    );
    return rows[0] ?? null;
  }

  /** Newest first; `visible` restricts to the couples the caller may see. */
  listVisible(practiceId: PracticeId, visible: VisibilityCondition, f: CoupleListFilter): Promise<CoupleRow[]> {
    const params = [...visible.params];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`c.practice_id = ${bind(practiceId)}`, `(${visible.sql})`];
    if (f.status) where.push(`c.status = ${bind(f.status)}`);
    if (f.clientId) {
      where.push(`EXISTS (SELECT 1 FROM couple_members fm WHERE fm.couple_id = c.id AND fm.client_id = ${bind(f.clientId)}::uuid)`);
    }
    if (f.before) where.push(`(c.created_at, c.id) < (${bind(f.before.at)}::timestamptz, ${bind(f.before.id)}::uuid)`);
    return this.dataSource.query(
      `SELECT ${COUPLE_COLUMNS} FROM couples c WHERE ${where.join(' AND ')}
        ORDER BY c.created_at DESC, c.id DESC LIMIT ${bind(f.limit + 1)}`,
      params,
    );
  }

  /** The partners of these couples with their names, in one query, ordered by role. */
  membersOf(practiceId: PracticeId, coupleIds: string[], manager?: EntityManager): Promise<CoupleMemberRow[]> {
    if (coupleIds.length === 0) return Promise.resolve([]);
    return this.m(manager).query(
      `SELECT m.couple_id AS "coupleId", m.client_id AS "clientId", m.recovery_role AS role, m.active,
              cl.full_name AS "fullName", cl.preferred_name AS "preferredName", cl.status AS "clientStatus"
         FROM couple_members m
         JOIN clients cl ON cl.id = m.client_id AND cl.practice_id = m.practice_id
        WHERE m.practice_id = $1 AND m.couple_id = ANY($2::uuid[])
        ORDER BY m.couple_id, m.recovery_role, m.client_id`,
      [practiceId, coupleIds],
    );
  }

  /**
   * The would-be partners' statuses, share-locked so they cannot be archived under a couple being
   * created. Locked in id order so two creations never deadlock.
   */
  async lockClientsShared(manager: EntityManager, practiceId: PracticeId, clientIds: string[]): Promise<Map<string, ClientStatus>> {
    const rows: Array<{ id: string; status: ClientStatus }> = await manager.query(
      `SELECT id, status FROM clients WHERE practice_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR SHARE`,
      [practiceId, clientIds],
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  async clientsInActiveCouple(manager: EntityManager, practiceId: PracticeId, clientIds: string[]): Promise<Set<string>> {
    const rows: Array<{ clientId: string }> = await manager.query(
      `SELECT client_id AS "clientId" FROM couple_members WHERE practice_id = $1 AND client_id = ANY($2::uuid[]) AND active`,
      [practiceId, clientIds],
    );
    return new Set(rows.map((r) => r.clientId));
  }

  async insertCouple(
    manager: EntityManager,
    practiceId: PracticeId,
    data: { privacyPolicy: PrivacyPolicy; privacyConsentedOn: string | null; createdBy: string },
  ): Promise<string> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO couples (practice_id, status, privacy_policy, privacy_consented_on, created_by, version)
       VALUES ($1, 'active', $2, $3, $4, 1) RETURNING id`,
      [practiceId, data.privacyPolicy, data.privacyConsentedOn, data.createdBy],
    );
    return rows[0].id;
  }

  /**
   * The partial unique index couple_members_one_active_couple refuses a client already in an
   * active couple, also when two creations race. Rows go in client-id order so that two racing
   * creations take their index locks in the same order and cannot deadlock.
   */
  async insertMembers(
    manager: EntityManager,
    practiceId: PracticeId,
    coupleId: string,
    partners: Array<{ clientId: string; role: RecoveryRole }>,
  ): Promise<void> {
    const sorted = [...partners].sort((a, b) => (a.clientId < b.clientId ? -1 : a.clientId > b.clientId ? 1 : 0));
    const params: unknown[] = [coupleId, practiceId];
    const values = sorted.map((p) => {
      params.push(p.clientId, p.role);
      return `($1, $${params.length - 1}, $2, $${params.length}, true)`;
    });
    await manager.query(
      `INSERT INTO couple_members (couple_id, client_id, practice_id, recovery_role, active) VALUES ${values.join(', ')}`,
      params,
    );
  }

  async addToCareTeam(manager: EntityManager, practiceId: PracticeId, coupleId: string, clinicianId: string, addedBy: string): Promise<void> {
    await manager.query(
      `INSERT INTO care_team_members (practice_id, clinician_id, couple_id, added_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING`,
      [practiceId, clinicianId, coupleId, addedBy],
    );
  }

  /** Row-locks the couple for a read-modify-write inside a transaction. */
  async lockForUpdate(manager: EntityManager, practiceId: PracticeId, id: string): Promise<{ status: CoupleStatus; version: number } | null> {
    const rows: Array<{ status: CoupleStatus; version: number }> = await manager.query(
      `SELECT status, version FROM couples WHERE practice_id = $1 AND id = $2 FOR UPDATE`,
      [practiceId, id],
    );
    return rows[0] ?? null;
  }

  /** Applies the given changes (undefined = unchanged) and bumps the version. */
  async update(
    manager: EntityManager,
    practiceId: PracticeId,
    id: string,
    changes: { privacyPolicy?: PrivacyPolicy; privacyConsentedOn?: string | null },
  ): Promise<void> {
    const params: unknown[] = [practiceId, id];
    const sets = ['version = version + 1', 'updated_at = now()'];
    if (changes.privacyPolicy !== undefined) {
      params.push(changes.privacyPolicy);
      sets.push(`privacy_policy = $${params.length}`);
    }
    if (changes.privacyConsentedOn !== undefined) {
      params.push(changes.privacyConsentedOn);
      sets.push(`privacy_consented_on = $${params.length}::date`);
    }
    await manager.query(`UPDATE couples SET ${sets.join(', ')} WHERE practice_id = $1 AND id = $2`, params);
  }

  async setMemberRole(manager: EntityManager, practiceId: PracticeId, coupleId: string, clientId: string, role: RecoveryRole): Promise<void> {
    await manager.query(
      `UPDATE couple_members SET recovery_role = $4 WHERE practice_id = $1 AND couple_id = $2 AND client_id = $3`,
      [practiceId, coupleId, clientId, role],
    );
  }

  /** Ends the couple; the partners are free to join another couple, the history stays. */
  async dissolve(manager: EntityManager, practiceId: PracticeId, id: string, by: string, reason: DissolutionReason | null): Promise<void> {
    await manager.query(
      `UPDATE couples SET status = 'dissolved', dissolved_at = now(), dissolved_by = $3, dissolution_reason = $4,
              version = version + 1, updated_at = now()
        WHERE practice_id = $1 AND id = $2`,
      [practiceId, id, by, reason],
    );
    await manager.query(`UPDATE couple_members SET active = false WHERE practice_id = $1 AND couple_id = $2`, [practiceId, id]);
  }
}
