import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CursorKey } from '../../common/pagination/cursor';
import { PracticeId } from '../../common/tenancy/request-context';
import { CoupleStatus, RecoveryRole } from '../couples/couple.entity';
import { AgreementKind, AgreementStatus } from './agreement.entity';

/** An agreement with its current revision's envelope still sealed. */
export interface AgreementRow {
  id: string;
  coupleId: string;
  planId: string | null;
  stepKey: string;
  kind: AgreementKind;
  status: AgreementStatus;
  reviewOn: string | null;
  currentRevision: number;
  endedAt: Date | null;
  createdBy: string;
  createdByName: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  bodyCiphertext: string;
  revisedAt: Date;
}

/** What a write locks and checks: the row's state and the current envelope. */
export interface LockedAgreement {
  id: string;
  coupleId: string;
  status: AgreementStatus;
  version: number;
  currentRevision: number;
  reviewOn: string | null;
  bodyCiphertext: string;
}

/** One partner of an agreement's couple and their acknowledgement of the current revision. */
export interface PartnerAckRow {
  agreementId: string;
  clientId: string;
  name: string;
  recoveryRole: RecoveryRole;
  acknowledgedAt: Date | null;
}

export interface RevisionRow {
  revision: number;
  bodyCiphertext: string;
  changeNote: string | null;
  createdBy: string;
  createdByName: string | null;
  createdAt: Date;
}

export interface RevisionAckRow {
  revision: number;
  clientId: string;
  acknowledgedAt: Date;
}

export interface AdherenceRow {
  /** Null on the row that totals both partners. */
  clientId: string | null;
  recoveryRole: RecoveryRole | null;
  yes: number;
  partly: number;
  no: number;
  answered: number;
  checkIns: number;
  keptRate: number | null;
  since: Date;
  until: Date;
  revision: number;
}

export interface AgreementListFilter {
  coupleId?: string;
  status?: AgreementStatus;
  kind?: AgreementKind;
  /** Keyset position: rows strictly older than this (newest first). */
  before: CursorKey | null;
  limit: number;
}

/** A SQL visibility condition from ClinicalAccess over couples aliased `c`, with its parameters. */
export interface VisibilityCondition {
  sql: string;
  params: unknown[];
}

export interface NewAgreement {
  id: string;
  coupleId: string;
  planId: string | null;
  stepKey: string;
  kind: AgreementKind;
  reviewOn: string | null;
  createdBy: string;
}

export interface NewRevision {
  agreementId: string;
  revision: number;
  bodyCiphertext: string;
  changeNote: string | null;
  createdBy: string;
}

const SELECT_ROW = `
  SELECT a.id, a.couple_id AS "coupleId", a.plan_id AS "planId", a.step_key AS "stepKey", a.kind, a.status,
         to_char(a.review_on, 'YYYY-MM-DD') AS "reviewOn", a.current_revision AS "currentRevision", a.ended_at AS "endedAt",
         a.created_by AS "createdBy", u.full_name AS "createdByName", a.created_at AS "createdAt", a.updated_at AS "updatedAt",
         a.version, r.body_ciphertext AS "bodyCiphertext", r.created_at AS "revisedAt"
    FROM agreements a
    JOIN agreement_revisions r ON r.agreement_id = a.id AND r.revision = a.current_revision
    LEFT JOIN users u ON u.id = a.created_by AND u.practice_id = a.practice_id`;

/** Tenant-owned: every method takes the practice id. */
@Injectable()
export class AgreementsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async findInPractice(practiceId: PracticeId, id: string, manager?: EntityManager): Promise<AgreementRow | null> {
    const rows: AgreementRow[] = await this.m(manager).query(`${SELECT_ROW} WHERE a.practice_id = $1 AND a.id = $2`, [practiceId, id]);
    return rows[0] ?? null;
  }

  /**
   * Locks the agreement for a change (`update`) or for an acknowledgement (`share`): a revision
   * and an acknowledgement of the wording it replaces cannot interleave. The row is locked alone
   * and the current envelope read after: a lock that waited re-reads the row, and a join in the
   * same statement would still see the revision it replaced (and drop the row).
   */
  async lock(manager: EntityManager, practiceId: PracticeId, id: string, mode: 'update' | 'share'): Promise<LockedAgreement | null> {
    const rows: Array<Omit<LockedAgreement, 'bodyCiphertext'>> = await manager.query(
      `SELECT id, couple_id AS "coupleId", status, version, current_revision AS "currentRevision", to_char(review_on, 'YYYY-MM-DD') AS "reviewOn"
         FROM agreements WHERE practice_id = $1 AND id = $2
          FOR ${mode === 'update' ? 'UPDATE' : 'SHARE'}`,
      [practiceId, id],
    );
    if (!rows[0]) return null;
    const [revision]: Array<{ bodyCiphertext: string }> = await manager.query(
      `SELECT body_ciphertext AS "bodyCiphertext" FROM agreement_revisions WHERE practice_id = $1 AND agreement_id = $2 AND revision = $3`,
      [practiceId, id, rows[0].currentRevision],
    );
    return { ...rows[0], bodyCiphertext: revision.bodyCiphertext };
  }

  /** Newest first; `visible` restricts to couples whose clinical content the caller reads. */
  list(practiceId: PracticeId, visible: VisibilityCondition, f: AgreementListFilter): Promise<AgreementRow[]> {
    const params = [...visible.params];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`a.practice_id = ${bind(practiceId)}`, `EXISTS (SELECT 1 FROM couples c WHERE c.id = a.couple_id AND ${visible.sql})`];
    if (f.coupleId) where.push(`a.couple_id = ${bind(f.coupleId)}`);
    if (f.status) where.push(`a.status = ${bind(f.status)}`);
    if (f.kind) where.push(`a.kind = ${bind(f.kind)}`);
    if (f.before) where.push(`(a.created_at, a.id) < (${bind(f.before.at)}::timestamptz, ${bind(f.before.id)}::uuid)`);
    return this.dataSource.query(
      `${SELECT_ROW} WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.id DESC LIMIT ${bind(f.limit + 1)}`,
      params,
    );
  }

  /** Both partners of each agreement's couple with their acknowledgement of its current wording — one query for a page. */
  async partnersWithAcknowledgements(practiceId: PracticeId, agreementIds: string[]): Promise<PartnerAckRow[]> {
    if (agreementIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT a.id AS "agreementId", m.client_id AS "clientId", COALESCE(cl.preferred_name, cl.full_name) AS name,
              m.recovery_role AS "recoveryRole", k.acknowledged_at AS "acknowledgedAt"
         FROM agreements a
         JOIN couple_members m ON m.couple_id = a.couple_id AND m.practice_id = a.practice_id
         JOIN clients cl ON cl.id = m.client_id AND cl.practice_id = a.practice_id
         LEFT JOIN agreement_acknowledgements k ON k.agreement_id = a.id AND k.revision = a.current_revision AND k.client_id = m.client_id
        WHERE a.practice_id = $1 AND a.id = ANY($2::uuid[])
        ORDER BY m.recovery_role, m.client_id`,
      [practiceId, agreementIds],
    );
  }

  revisions(practiceId: PracticeId, agreementId: string): Promise<RevisionRow[]> {
    return this.dataSource.query(
      `SELECT r.revision, r.body_ciphertext AS "bodyCiphertext", r.change_note AS "changeNote", r.created_by AS "createdBy",
              u.full_name AS "createdByName", r.created_at AS "createdAt"
         FROM agreement_revisions r LEFT JOIN users u ON u.id = r.created_by AND u.practice_id = r.practice_id
        WHERE r.practice_id = $1 AND r.agreement_id = $2
        ORDER BY r.revision DESC`,
      [practiceId, agreementId],
    );
  }

  revisionAcknowledgements(practiceId: PracticeId, agreementId: string): Promise<RevisionAckRow[]> {
    return this.dataSource.query(
      `SELECT revision, client_id AS "clientId", acknowledged_at AS "acknowledgedAt"
         FROM agreement_acknowledgements WHERE practice_id = $1 AND agreement_id = $2
        ORDER BY revision DESC, acknowledged_at`,
      [practiceId, agreementId],
    );
  }

  /** The couple's status, today's date where the practice is, and the couple's open plan (if any). */
  async creationFacts(practiceId: PracticeId, coupleId: string): Promise<{ coupleStatus: CoupleStatus; today: string; openPlanId: string | null } | null> {
    const rows: Array<{ coupleStatus: CoupleStatus; today: string; openPlanId: string | null }> = await this.dataSource.query(
      `SELECT c.status AS "coupleStatus", to_char((now() AT TIME ZONE p.timezone)::date, 'YYYY-MM-DD') AS today,
              (SELECT tp.id FROM treatment_plans tp WHERE tp.practice_id = c.practice_id AND tp.couple_id = c.id AND tp.status <> 'closed') AS "openPlanId"
         FROM couples c JOIN practices p ON p.id = c.practice_id
        WHERE c.practice_id = $1 AND c.id = $2`,
      [practiceId, coupleId],
    );
    return rows[0] ?? null;
  }

  async practiceToday(practiceId: PracticeId): Promise<string> {
    const rows: Array<{ today: string }> = await this.dataSource.query(
      `SELECT to_char((now() AT TIME ZONE timezone)::date, 'YYYY-MM-DD') AS today FROM practices WHERE id = $1`,
      [practiceId],
    );
    return rows[0].today;
  }

  /** Is this plan an open (not closed) plan of this couple? */
  async isOpenPlanOfCouple(practiceId: PracticeId, coupleId: string, planId: string): Promise<boolean> {
    const rows: Array<{ ok: boolean }> = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM treatment_plans WHERE practice_id = $1 AND couple_id = $2 AND id = $3 AND status <> 'closed') AS ok`,
      [practiceId, coupleId, planId],
    );
    return rows[0]?.ok ?? false;
  }

  async insertAgreement(manager: EntityManager, practiceId: PracticeId, a: NewAgreement): Promise<void> {
    await manager.query(
      `INSERT INTO agreements (id, practice_id, couple_id, plan_id, step_key, kind, status, review_on, current_revision, created_by, version)
       VALUES ($1, $2, $3, $4, $5, $6, 'active', $7, 1, $8, 1)`,
      [a.id, practiceId, a.coupleId, a.planId, a.stepKey, a.kind, a.reviewOn, a.createdBy],
    );
  }

  async insertRevision(manager: EntityManager, practiceId: PracticeId, r: NewRevision): Promise<void> {
    await manager.query(
      `INSERT INTO agreement_revisions (practice_id, agreement_id, revision, body_ciphertext, change_note, created_by)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [practiceId, r.agreementId, r.revision, r.bodyCiphertext, r.changeNote, r.createdBy],
    );
  }

  /** Applies a revision or a new review date to a locked agreement and bumps its version. */
  async update(manager: EntityManager, practiceId: PracticeId, id: string, version: number, changes: { currentRevision: number; reviewOn: string | null }): Promise<boolean> {
    const [, affected]: [unknown[], number] = await manager.query(
      `UPDATE agreements SET current_revision = $4, review_on = $5, version = version + 1, updated_at = now()
        WHERE practice_id = $1 AND id = $2 AND version = $3 AND status = 'active'`,
      [practiceId, id, version, changes.currentRevision, changes.reviewOn],
    );
    return affected === 1;
  }

  async end(manager: EntityManager, practiceId: PracticeId, id: string): Promise<boolean> {
    const [, affected]: [unknown[], number] = await manager.query(
      `UPDATE agreements SET status = 'ended', ended_at = now(), version = version + 1, updated_at = now()
        WHERE practice_id = $1 AND id = $2 AND status = 'active'`,
      [practiceId, id],
    );
    return affected === 1;
  }

  /** The couple a client is actively in now, if any. */
  async activeCoupleOf(practiceId: PracticeId, clientId: string): Promise<string | null> {
    const rows: Array<{ coupleId: string }> = await this.dataSource.query(
      `SELECT m.couple_id AS "coupleId" FROM couple_members m JOIN couples c ON c.id = m.couple_id AND c.practice_id = m.practice_id
        WHERE m.practice_id = $1 AND m.client_id = $2 AND m.active AND c.status = 'active'`,
      [practiceId, clientId],
    );
    return rows[0]?.coupleId ?? null;
  }

  /** A couple's agreements for its partners' portal, newest first. */
  listForCouple(practiceId: PracticeId, coupleId: string, f: { status?: AgreementStatus; before: CursorKey | null; limit: number }): Promise<AgreementRow[]> {
    const params: unknown[] = [practiceId, coupleId];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = ['a.practice_id = $1', 'a.couple_id = $2'];
    if (f.status) where.push(`a.status = ${bind(f.status)}`);
    if (f.before) where.push(`(a.created_at, a.id) < (${bind(f.before.at)}::timestamptz, ${bind(f.before.id)}::uuid)`);
    return this.dataSource.query(
      `${SELECT_ROW} WHERE ${where.join(' AND ')} ORDER BY a.created_at DESC, a.id DESC LIMIT ${bind(f.limit + 1)}`,
      params,
    );
  }

  /** Records the client's acknowledgement of a revision; false when it was already recorded. */
  async acknowledge(manager: EntityManager, practiceId: PracticeId, agreementId: string, revision: number, clientId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO agreement_acknowledgements (agreement_id, revision, client_id, practice_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING agreement_id`,
      [agreementId, revision, clientId, practiceId],
    );
    return rows.length === 1;
  }

  /**
   * Whether the couple's check-ins said their agreements were kept, since the current wording was
   * written (until the agreement ended): per partner and for both, counted in SQL.
   */
  adherence(practiceId: PracticeId, agreementId: string): Promise<AdherenceRow[]> {
    return this.dataSource.query(
      `WITH ag AS (
         SELECT a.id, a.practice_id, a.couple_id, a.current_revision, r.created_at AS since, COALESCE(a.ended_at, now()) AS until
           FROM agreements a JOIN agreement_revisions r ON r.agreement_id = a.id AND r.revision = a.current_revision
          WHERE a.practice_id = $1 AND a.id = $2
       )
       SELECT m.client_id AS "clientId", m.recovery_role AS "recoveryRole",
              count(ci.id) FILTER (WHERE ci.agreements_kept = 'yes')::int AS yes,
              count(ci.id) FILTER (WHERE ci.agreements_kept = 'partly')::int AS partly,
              count(ci.id) FILTER (WHERE ci.agreements_kept = 'no')::int AS "no",
              count(ci.agreements_kept)::int AS answered,
              count(ci.id)::int AS "checkIns",
              round(count(ci.id) FILTER (WHERE ci.agreements_kept = 'yes')::numeric / NULLIF(count(ci.agreements_kept), 0), 4)::float8 AS "keptRate",
              min(ag.since) AS since, min(ag.until) AS until, min(ag.current_revision) AS revision
         FROM ag
         JOIN couple_members m ON m.couple_id = ag.couple_id AND m.practice_id = ag.practice_id
         LEFT JOIN check_ins ci ON ci.practice_id = ag.practice_id AND ci.couple_id = ag.couple_id AND ci.client_id = m.client_id
               AND ci.submitted_at >= ag.since AND ci.submitted_at <= ag.until
        GROUP BY GROUPING SETS ((m.client_id, m.recovery_role), ())
        ORDER BY GROUPING(m.client_id, m.recovery_role), m.recovery_role, m.client_id`,
      [practiceId, agreementId],
    );
  }
}
