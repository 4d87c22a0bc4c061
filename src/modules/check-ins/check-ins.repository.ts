import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CursorKey } from '../../common/pagination/cursor';
import { PracticeId } from '../../common/tenancy/request-context';
import { RecoveryRole } from '../couples/couple.entity';
import { AgreementsKeptAnswer, ReadinessAnswer } from './check-in.entity';

/** A check-in as read for the API: the free text still sealed, names joined. */
export interface CheckInRow {
  id: string;
  clientId: string;
  clientName: string;
  coupleId: string | null;
  recoveryRole: RecoveryRole | null;
  submittedAt: Date;
  localDate: string;
  trust: number;
  safety: number;
  connection: number;
  mood: number;
  agreementsKept: AgreementsKeptAnswer | null;
  forgivenessReadiness: ReadinessAnswer | null;
  feelsUnsafe: boolean;
  freeTextCiphertext: string | null;
  extraAnswers: Record<string, unknown>;
  alertAcknowledgedAt: Date | null;
  alertAcknowledgedBy: string | null;
  alertAcknowledgedByName: string | null;
}

export interface NewCheckIn {
  id: string;
  clientId: string;
  coupleId: string | null;
  timezone: string;
  trust: number;
  safety: number;
  connection: number;
  mood: number;
  agreementsKept: AgreementsKeptAnswer | null;
  forgivenessReadiness: ReadinessAnswer | null;
  feelsUnsafe: boolean;
  freeTextCiphertext: string | null;
  /** Practice-measure answers as stored (text answers already encrypted). */
  extraAnswers: Record<string, unknown>;
}

/** Whose check-ins: one client's, or those made by the partners while in one couple. */
export type CheckInSubject = { clientId: string } | { coupleId: string };

export interface CheckInListFilter {
  /** Inclusive local dates "YYYY-MM-DD". */
  from?: string;
  to?: string;
  /** Keyset position: rows strictly older than this (newest first). */
  before: CursorKey | null;
  limit: number;
}

/** A SQL visibility condition from ClinicalAccess over clients aliased `cl`, with its parameters. */
export interface VisibilityCondition {
  sql: string;
  params: unknown[];
}

const SELECT_ROW = `
  SELECT ci.id, ci.client_id AS "clientId", COALESCE(cl.preferred_name, cl.full_name) AS "clientName",
         ci.couple_id AS "coupleId", m.recovery_role AS "recoveryRole", ci.submitted_at AS "submittedAt",
         to_char(ci.local_date, 'YYYY-MM-DD') AS "localDate", ci.trust, ci.safety, ci.connection, ci.mood,
         ci.agreements_kept AS "agreementsKept", ci.forgiveness_readiness AS "forgivenessReadiness",
         ci.feels_unsafe AS "feelsUnsafe", ci.free_text_ciphertext AS "freeTextCiphertext", ci.extra_answers AS "extraAnswers",
         ci.alert_acknowledged_at AS "alertAcknowledgedAt", ci.alert_acknowledged_by AS "alertAcknowledgedBy",
         au.full_name AS "alertAcknowledgedByName"
    FROM check_ins ci
    JOIN clients cl ON cl.id = ci.client_id AND cl.practice_id = ci.practice_id
    LEFT JOIN couple_members m ON m.couple_id = ci.couple_id AND m.client_id = ci.client_id
    LEFT JOIN users au ON au.id = ci.alert_acknowledged_by AND au.practice_id = ci.practice_id`;

/** Tenant-owned: every method takes the practice id. */
@Injectable()
export class CheckInsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** The client's timezone and the couple they are actively in right now (null: none). */
  async submissionContext(manager: EntityManager, practiceId: PracticeId, clientId: string): Promise<{ timezone: string; coupleId: string | null } | null> {
    const rows: Array<{ timezone: string; coupleId: string | null }> = await manager.query(
      `SELECT cl.timezone,
              (SELECT m.couple_id FROM couple_members m JOIN couples c ON c.id = m.couple_id AND c.practice_id = m.practice_id
                WHERE m.client_id = cl.id AND m.active AND c.status = 'active') AS "coupleId"
         FROM clients cl WHERE cl.practice_id = $1 AND cl.id = $2`,
      [practiceId, clientId],
    );
    return rows[0] ?? null;
  }

  /**
   * Is readiness for forgiveness being asked of this client: is the intimacy step active (or done)
   * on an open plan of the client's couple or of the client alone?
   */
  async readinessAsked(manager: EntityManager, practiceId: PracticeId, clientId: string, coupleId: string | null): Promise<boolean> {
    const rows: Array<{ asked: boolean }> = await manager.query(
      `SELECT EXISTS (
         SELECT 1 FROM treatment_plans tp
           JOIN plan_steps ps ON ps.plan_id = tp.id AND ps.step_key = 'intimacy' AND ps.state IN ('active', 'completed')
          WHERE tp.practice_id = $1 AND tp.status <> 'closed'
            AND (tp.client_id = $2 OR ($3::uuid IS NOT NULL AND tp.couple_id = $3::uuid))
       ) AS asked`,
      [practiceId, clientId, coupleId],
    );
    return rows[0]?.asked ?? false;
  }

  /** Inserts a check-in; its local date is the transaction's instant in the client's timezone. */
  async insert(manager: EntityManager, practiceId: PracticeId, c: NewCheckIn): Promise<void> {
    await manager.query(
      `INSERT INTO check_ins (id, practice_id, client_id, couple_id, submitted_at, local_date, trust, safety, connection, mood,
                              agreements_kept, forgiveness_readiness, feels_unsafe, free_text_ciphertext, extra_answers)
       VALUES ($1, $2, $3, $4, now(), (now() AT TIME ZONE $5)::date, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb)`,
      [
        c.id,
        practiceId,
        c.clientId,
        c.coupleId,
        c.timezone,
        c.trust,
        c.safety,
        c.connection,
        c.mood,
        c.agreementsKept,
        c.forgivenessReadiness,
        c.feelsUnsafe,
        c.freeTextCiphertext,
        JSON.stringify(c.extraAnswers),
      ],
    );
  }

  /**
   * Who is alerted when this client reports feeling unsafe: every active member of the client's
   * care team and of the care team of any couple the client is in (whoever reads the alert list);
   * when there is none, the practice's active admins, so that an alert always reaches someone.
   */
  async alertRecipients(manager: EntityManager, practiceId: PracticeId, clientId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await manager.query(
      `WITH team AS (
         SELECT DISTINCT u.id FROM care_team_members t
           JOIN users u ON u.id = t.clinician_id AND u.practice_id = t.practice_id AND u.status = 'active'
          WHERE t.practice_id = $1
            AND (t.client_id = $2 OR t.couple_id IN (SELECT m.couple_id FROM couple_members m WHERE m.practice_id = $1 AND m.client_id = $2)))
       SELECT id FROM team
       UNION ALL
       SELECT u.id FROM users u
        WHERE u.practice_id = $1 AND u.role = 'admin' AND u.status = 'active' AND NOT EXISTS (SELECT 1 FROM team)
       ORDER BY id`,
      [practiceId, clientId],
    );
    return rows.map((r) => r.id);
  }

  async findInPractice(practiceId: PracticeId, id: string, manager?: EntityManager): Promise<CheckInRow | null> {
    const rows: CheckInRow[] = await this.m(manager).query(`${SELECT_ROW} WHERE ci.practice_id = $1 AND ci.id = $2`, [practiceId, id]);
    return rows[0] ?? null;
  }

  /** Newest first, one query whatever the page size. */
  list(practiceId: PracticeId, subject: CheckInSubject, f: CheckInListFilter): Promise<CheckInRow[]> {
    const params: unknown[] = [practiceId];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = ['ci.practice_id = $1'];
    if ('clientId' in subject) where.push(`ci.client_id = ${bind(subject.clientId)}`);
    else where.push(`ci.couple_id = ${bind(subject.coupleId)}`);
    if (f.from) where.push(`ci.local_date >= ${bind(f.from)}::date`);
    if (f.to) where.push(`ci.local_date <= ${bind(f.to)}::date`);
    if (f.before) where.push(`(ci.submitted_at, ci.id) < (${bind(f.before.at)}::timestamptz, ${bind(f.before.id)}::uuid)`);
    return this.dataSource.query(
      `${SELECT_ROW} WHERE ${where.join(' AND ')} ORDER BY ci.submitted_at DESC, ci.id DESC LIMIT ${bind(f.limit + 1)}`,
      params,
    );
  }

  /** Unsafe reports no one has acknowledged, of the clients `visible` allows; newest first. */
  listOpenAlerts(
    practiceId: PracticeId,
    visible: VisibilityCondition,
    f: { clientId?: string; coupleId?: string; before: CursorKey | null; limit: number },
  ): Promise<CheckInRow[]> {
    const params = [...visible.params];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`ci.practice_id = ${bind(practiceId)}`, 'ci.feels_unsafe', 'ci.alert_acknowledged_at IS NULL', `(${visible.sql})`];
    if (f.clientId) where.push(`ci.client_id = ${bind(f.clientId)}`);
    if (f.coupleId) where.push(`ci.couple_id = ${bind(f.coupleId)}`);
    if (f.before) where.push(`(ci.submitted_at, ci.id) < (${bind(f.before.at)}::timestamptz, ${bind(f.before.id)}::uuid)`);
    return this.dataSource.query(
      `${SELECT_ROW} WHERE ${where.join(' AND ')} ORDER BY ci.submitted_at DESC, ci.id DESC LIMIT ${bind(f.limit + 1)}`,
      params,
    );
  }

  /** Marks an open unsafe report acknowledged; false when it is not open (already acknowledged). */
  async acknowledgeAlert(practiceId: PracticeId, id: string, by: string): Promise<boolean> {
    // For UPDATE, TypeORM's raw query answers [rows, affected row count].
    const [, affected]: [unknown[], number] = await this.dataSource.query(
      `UPDATE check_ins SET alert_acknowledged_at = now(), alert_acknowledged_by = $3
        WHERE practice_id = $1 AND id = $2 AND feels_unsafe AND alert_acknowledged_at IS NULL`,
      [practiceId, id, by],
    );
    return affected === 1;
  }
}
