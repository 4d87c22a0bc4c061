import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CursorKey } from '../../common/pagination/cursor';
import { PracticeId } from '../../common/tenancy/request-context';
import type { ReadinessAnswer } from '../check-ins/check-in.entity';
import type { ClientStatus } from '../clients/client.entity';
import type { CoupleStatus, RecoveryRole } from '../couples/couple.entity';
import { conjointWorkPausedSql } from '../safety-flags/conjoint-pause';
import type { PlanEventKind, PlanOutcome, PlanStatus, StepState } from './treatment-plan.entity';

/** A plan as read for the API: ciphertexts still sealed, people's names joined, the pause computed. */
export interface PlanRow {
  id: string;
  coupleId: string | null;
  clientId: string | null;
  ownerId: string;
  ownerName: string | null;
  status: PlanStatus;
  frameworkVersion: number;
  presentingConcernsCiphertext: string | null;
  outcome: PlanOutcome | null;
  closingSummaryCiphertext: string | null;
  activatedAt: Date | null;
  closedAt: Date | null;
  closedBy: string | null;
  closedByName: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  conjointWorkPaused: boolean;
}

/** The plan as locked for a change: what the rules need, nothing more. */
export interface LockedPlan {
  id: string;
  coupleId: string | null;
  clientId: string | null;
  ownerId: string;
  status: PlanStatus;
  version: number;
}

export interface StepRow {
  planId: string;
  key: string;
  position: number;
  title: string | null;
  state: StepState;
  waivedReason: string | null;
  changedBy: string | null;
  changedByName: string | null;
  changedAt: Date | null;
  /** Why the step was last changed; only when asked for (care team reads). */
  lastReason: string | null;
}

export interface EventRow {
  id: string;
  kind: PlanEventKind;
  stepKey: string | null;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  actorId: string;
  actorName: string | null;
  occurredAt: Date;
}

export interface NewPlanEvent {
  planId: string;
  kind: PlanEventKind;
  stepKey?: string | null;
  fromState?: string | null;
  toState?: string | null;
  reason?: string | null;
  actorId: string;
}

/** One person whose forgiveness readiness counts, with their latest answer and their latest "ready". */
export interface ReadinessRow {
  clientId: string;
  fullName: string;
  preferredName: string | null;
  role: RecoveryRole | null;
  answer: ReadinessAnswer | null;
  answeredAt: Date | null;
  lastReadyAt: Date | null;
}

export interface PlanListFilter {
  status?: PlanStatus;
  coupleId?: string;
  clientId?: string;
  ownerId?: string;
  /** Keyset position: rows strictly older than this (newest first). */
  before: CursorKey | null;
  limit: number;
}

export interface HistoryFilter {
  order: 'asc' | 'desc';
  after: CursorKey | null;
  limit: number;
}

/** A SQL visibility condition from ClinicalAccess, with the parameters it already bound. */
export interface VisibilityCondition {
  sql: string;
  params: unknown[];
}

export interface PlanSubject {
  coupleId: string | null;
  clientId: string | null;
}

const PLAN_COLUMNS = `
  tp.id, tp.couple_id AS "coupleId", tp.client_id AS "clientId", tp.owner_id AS "ownerId", ou.full_name AS "ownerName",
  tp.status, tp.framework_version AS "frameworkVersion", tp.presenting_concerns_ciphertext AS "presentingConcernsCiphertext",
  tp.outcome, tp.closing_summary_ciphertext AS "closingSummaryCiphertext", tp.activated_at AS "activatedAt",
  tp.closed_at AS "closedAt", tp.closed_by AS "closedBy", cu.full_name AS "closedByName", tp.created_by AS "createdBy",
  tp.created_at AS "createdAt", tp.updated_at AS "updatedAt", tp.version,
  (tp.couple_id IS NOT NULL AND ${conjointWorkPausedSql('tp.couple_id', 'tp.practice_id')}) AS "conjointWorkPaused"`;

const PLAN_FROM = `
  FROM treatment_plans tp
  LEFT JOIN users ou ON ou.id = tp.owner_id AND ou.practice_id = tp.practice_id
  LEFT JOIN users cu ON cu.id = tp.closed_by AND cu.practice_id = tp.practice_id`;

/**
 * Tenant-owned: every method takes the practice id. Plan changes happen inside a transaction
 * that first row-locks the plan (lockForChange), so concurrent changes to one plan serialize and
 * the history's order is the order the changes were made in (times are taken after the lock).
 */
@Injectable()
export class TreatmentPlansRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  // Subjects and people.

  async coupleStatus(practiceId: PracticeId, coupleId: string, manager?: EntityManager): Promise<CoupleStatus | null> {
    const rows: Array<{ status: CoupleStatus }> = await this.m(manager).query(
      `SELECT status FROM couples WHERE practice_id = $1 AND id = $2`,
      [practiceId, coupleId],
    );
    return rows[0]?.status ?? null;
  }

  async clientStatus(practiceId: PracticeId, clientId: string, manager?: EntityManager): Promise<ClientStatus | null> {
    const rows: Array<{ status: ClientStatus }> = await this.m(manager).query(
      `SELECT status FROM clients WHERE practice_id = $1 AND id = $2`,
      [practiceId, clientId],
    );
    return rows[0]?.status ?? null;
  }

  /** Is the user an active clinician directly on the care team of the plan's subject (couple or client)? */
  async isClinicianOnCareTeam(practiceId: PracticeId, subject: PlanSubject, userId: string, manager?: EntityManager): Promise<boolean> {
    const rows: Array<{ ok: boolean }> = await this.m(manager).query(
      `SELECT EXISTS (
         SELECT 1 FROM care_team_members t JOIN users u ON u.id = t.clinician_id AND u.practice_id = t.practice_id
          WHERE t.practice_id = $1 AND t.clinician_id = $2 AND u.role = 'clinician' AND u.status = 'active'
            AND (($3::uuid IS NOT NULL AND t.couple_id = $3::uuid) OR ($4::uuid IS NOT NULL AND t.client_id = $4::uuid))
       ) AS ok`,
      [practiceId, userId, subject.coupleId, subject.clientId],
    );
    return rows[0]?.ok ?? false;
  }

  // Plans.

  async insertPlan(
    manager: EntityManager,
    practiceId: PracticeId,
    plan: {
      id: string;
      coupleId: string | null;
      clientId: string | null;
      ownerId: string;
      frameworkVersion: number;
      presentingConcernsCiphertext: string | null;
      createdBy: string;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO treatment_plans (id, practice_id, couple_id, client_id, owner_id, status, framework_version,
                                    presenting_concerns_ciphertext, created_by, version)
       VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, 1)`,
      [plan.id, practiceId, plan.coupleId, plan.clientId, plan.ownerId, plan.frameworkVersion, plan.presentingConcernsCiphertext, plan.createdBy],
    );
  }

  /** A not-started row for every step of the plan's framework version (framework_steps), at the framework's positions. */
  async insertSteps(manager: EntityManager, practiceId: PracticeId, planId: string, frameworkVersion: number): Promise<number> {
    const rows: Array<{ key: string }> = await manager.query(
      `INSERT INTO plan_steps (plan_id, step_key, practice_id, position, state)
       SELECT $1, fs.key, $2, fs.position, 'not_started' FROM framework_steps fs WHERE fs.version = $3
       RETURNING step_key AS key`,
      [planId, practiceId, frameworkVersion],
    );
    return rows.length;
  }

  async findPlan(practiceId: PracticeId, id: string, manager?: EntityManager): Promise<PlanRow | null> {
    const rows: PlanRow[] = await this.m(manager).query(`SELECT ${PLAN_COLUMNS} ${PLAN_FROM} WHERE tp.practice_id = $1 AND tp.id = $2`, [
      practiceId,
      id,
    ]);
    return rows[0] ?? null;
  }

  /** The plan's subject and status, without a lock (for the access checks before a change). */
  async findSubject(practiceId: PracticeId, id: string): Promise<(PlanSubject & { ownerId: string }) | null> {
    const rows: Array<PlanSubject & { ownerId: string }> = await this.dataSource.query(
      `SELECT couple_id AS "coupleId", client_id AS "clientId", owner_id AS "ownerId" FROM treatment_plans WHERE practice_id = $1 AND id = $2`,
      [practiceId, id],
    );
    return rows[0] ?? null;
  }

  /** Row-locks the plan (SELECT … FOR UPDATE): every change to a plan and its steps goes through here first. */
  async lockForChange(manager: EntityManager, practiceId: PracticeId, id: string): Promise<LockedPlan | null> {
    const rows: LockedPlan[] = await manager.query(
      `SELECT id, couple_id AS "coupleId", client_id AS "clientId", owner_id AS "ownerId", status, version
         FROM treatment_plans WHERE practice_id = $1 AND id = $2 FOR UPDATE`,
      [practiceId, id],
    );
    return rows[0] ?? null;
  }

  /** Newest first; `visible` restricts to the plans whose subject the caller may read clinically. */
  listVisible(practiceId: PracticeId, visible: VisibilityCondition, f: PlanListFilter): Promise<PlanRow[]> {
    const params = [...visible.params];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`tp.practice_id = ${bind(practiceId)}`, `(${visible.sql})`];
    if (f.status) where.push(`tp.status = ${bind(f.status)}`);
    if (f.coupleId) where.push(`tp.couple_id = ${bind(f.coupleId)}::uuid`);
    if (f.clientId) where.push(`tp.client_id = ${bind(f.clientId)}::uuid`);
    if (f.ownerId) where.push(`tp.owner_id = ${bind(f.ownerId)}::uuid`);
    if (f.before) where.push(`(tp.created_at, tp.id) < (${bind(f.before.at)}::timestamptz, ${bind(f.before.id)}::uuid)`);
    return this.dataSource.query(
      `SELECT ${PLAN_COLUMNS} ${PLAN_FROM} WHERE ${where.join(' AND ')}
        ORDER BY tp.created_at DESC, tp.id DESC LIMIT ${bind(f.limit + 1)}`,
      params,
    );
  }

  async setStatus(
    manager: EntityManager,
    practiceId: PracticeId,
    id: string,
    to: PlanStatus,
    close?: { outcome: PlanOutcome; summaryCiphertext: string; by: string },
  ): Promise<void> {
    await manager.query(
      `UPDATE treatment_plans
          SET status = $3::plan_status, version = version + 1, updated_at = clock_timestamp(),
              activated_at = CASE WHEN $3::plan_status = 'active' THEN COALESCE(activated_at, clock_timestamp()) ELSE activated_at END,
              outcome = COALESCE($4::plan_outcome, outcome), closing_summary_ciphertext = COALESCE($5, closing_summary_ciphertext),
              closed_at = CASE WHEN $3::plan_status = 'closed' THEN clock_timestamp() ELSE closed_at END,
              closed_by = COALESCE($6, closed_by)
        WHERE practice_id = $1 AND id = $2`,
      [practiceId, id, to, close?.outcome ?? null, close?.summaryCiphertext ?? null, close?.by ?? null],
    );
  }

  /** Applies the given changes (undefined = unchanged) and bumps the version. */
  async update(
    manager: EntityManager,
    practiceId: PracticeId,
    id: string,
    changes: { presentingConcernsCiphertext?: string | null; ownerId?: string },
  ): Promise<void> {
    const params: unknown[] = [practiceId, id];
    const sets = ['version = version + 1', 'updated_at = clock_timestamp()'];
    if (changes.presentingConcernsCiphertext !== undefined) {
      params.push(changes.presentingConcernsCiphertext);
      sets.push(`presenting_concerns_ciphertext = $${params.length}`);
    }
    if (changes.ownerId !== undefined) {
      params.push(changes.ownerId);
      sets.push(`owner_id = $${params.length}`);
    }
    await manager.query(`UPDATE treatment_plans SET ${sets.join(', ')} WHERE practice_id = $1 AND id = $2`, params);
  }

  // Steps.

  /**
   * The steps of these plans with their framework titles, in order, in one query; with
   * `withReasons`, also why each was last changed (from the plan's history), for the care team.
   */
  stepsOf(practiceId: PracticeId, planIds: string[], manager?: EntityManager, withReasons = false): Promise<StepRow[]> {
    if (planIds.length === 0) return Promise.resolve([]);
    const reason = withReasons
      ? `(SELECT e.reason FROM plan_events e
           WHERE e.practice_id = s.practice_id AND e.plan_id = s.plan_id AND e.step_key = s.step_key
           ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1)`
      : 'NULL';
    return this.m(manager).query(
      `SELECT s.plan_id AS "planId", s.step_key AS key, s.position, fs.title, s.state, s.waived_reason AS "waivedReason",
              s.changed_by AS "changedBy", u.full_name AS "changedByName", s.changed_at AS "changedAt", ${reason} AS "lastReason"
         FROM plan_steps s
         JOIN treatment_plans tp ON tp.id = s.plan_id AND tp.practice_id = s.practice_id
         LEFT JOIN framework_steps fs ON fs.version = tp.framework_version AND fs.key = s.step_key
         LEFT JOIN users u ON u.id = s.changed_by AND u.practice_id = s.practice_id
        WHERE s.practice_id = $1 AND s.plan_id = ANY($2::uuid[])
        ORDER BY s.plan_id, s.position`,
      [practiceId, planIds],
    );
  }

  async stepStates(manager: EntityManager, practiceId: PracticeId, planId: string): Promise<Map<string, StepState>> {
    const rows: Array<{ key: string; state: StepState }> = await manager.query(
      `SELECT step_key AS key, state FROM plan_steps WHERE practice_id = $1 AND plan_id = $2`,
      [practiceId, planId],
    );
    return new Map(rows.map((r) => [r.key, r.state]));
  }

  async setStepState(
    manager: EntityManager,
    practiceId: PracticeId,
    planId: string,
    stepKey: string,
    to: StepState,
    waivedReason: string | null,
    by: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE plan_steps SET state = $4, waived_reason = $5, changed_by = $6, changed_at = clock_timestamp()
        WHERE practice_id = $1 AND plan_id = $2 AND step_key = $3`,
      [practiceId, planId, stepKey, to, waivedReason, by],
    );
  }

  // History.

  /** Appends to the plan's history; the time is taken now (after the plan's lock), not at transaction start. */
  async appendEvent(manager: EntityManager, practiceId: PracticeId, e: NewPlanEvent): Promise<void> {
    await manager.query(
      `INSERT INTO plan_events (practice_id, plan_id, kind, step_key, from_state, to_state, reason, actor_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, clock_timestamp())`,
      [practiceId, e.planId, e.kind, e.stepKey ?? null, e.fromState ?? null, e.toState ?? null, e.reason ?? null, e.actorId],
    );
  }

  history(practiceId: PracticeId, planId: string, f: HistoryFilter): Promise<EventRow[]> {
    const params: unknown[] = [practiceId, planId];
    const where = ['e.practice_id = $1', 'e.plan_id = $2'];
    const cmp = f.order === 'asc' ? '>' : '<';
    if (f.after) {
      params.push(f.after.at, f.after.id);
      where.push(`(e.occurred_at, e.id) ${cmp} ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    params.push(f.limit + 1);
    const dir = f.order === 'asc' ? 'ASC' : 'DESC';
    return this.dataSource.query(
      `SELECT e.id::text AS id, e.kind, e.step_key AS "stepKey", e.from_state AS "fromState", e.to_state AS "toState",
              e.reason, e.actor_id AS "actorId", u.full_name AS "actorName", e.occurred_at AS "occurredAt"
         FROM plan_events e LEFT JOIN users u ON u.id = e.actor_id AND u.practice_id = e.practice_id
        WHERE ${where.join(' AND ')}
        ORDER BY e.occurred_at ${dir}, e.id ${dir} LIMIT $${params.length}`,
      params,
    );
  }

  // Forgiveness readiness (rule 3).

  /**
   * Whose readiness counts and what they last said: for a couple plan both partners, from the
   * check-ins they gave as this couple; for an individual plan the client, from any check-in.
   * The latest non-null answer decides (a newer "not yet" withdraws an earlier "ready").
   */
  readiness(practiceId: PracticeId, subject: PlanSubject, manager?: EntityManager): Promise<ReadinessRow[]> {
    return this.m(manager).query(
      `WITH people AS (
         SELECT m.client_id, m.recovery_role::text AS role FROM couple_members m
          WHERE $2::uuid IS NOT NULL AND m.practice_id = $1 AND m.couple_id = $2::uuid
         UNION ALL
         SELECT c.id, NULL FROM clients c WHERE $3::uuid IS NOT NULL AND c.practice_id = $1 AND c.id = $3::uuid
       )
       SELECT p.client_id AS "clientId", cl.full_name AS "fullName", cl.preferred_name AS "preferredName", p.role,
              latest.forgiveness_readiness AS answer, latest.submitted_at AS "answeredAt",
              (SELECT max(r.submitted_at) FROM check_ins r
                WHERE r.practice_id = $1 AND r.client_id = p.client_id AND r.forgiveness_readiness = 'ready'
                  AND ($2::uuid IS NULL OR r.couple_id = $2::uuid)) AS "lastReadyAt"
         FROM people p
         JOIN clients cl ON cl.id = p.client_id AND cl.practice_id = $1
         LEFT JOIN LATERAL (
           SELECT ci.forgiveness_readiness, ci.submitted_at FROM check_ins ci
            WHERE ci.practice_id = $1 AND ci.client_id = p.client_id AND ci.forgiveness_readiness IS NOT NULL
              AND ($2::uuid IS NULL OR ci.couple_id = $2::uuid)
            ORDER BY ci.submitted_at DESC, ci.id DESC LIMIT 1
         ) latest ON true
        ORDER BY p.role NULLS FIRST, p.client_id`,
      [practiceId, subject.coupleId, subject.clientId],
    );
  }

  // Client portal.

  /** The client's active couple, if any. */
  async activeCoupleOf(practiceId: PracticeId, clientId: string): Promise<string | null> {
    const rows: Array<{ coupleId: string }> = await this.dataSource.query(
      `SELECT m.couple_id AS "coupleId" FROM couple_members m JOIN couples c ON c.id = m.couple_id AND c.practice_id = m.practice_id
        WHERE m.practice_id = $1 AND m.client_id = $2 AND m.active AND c.status = 'active'`,
      [practiceId, clientId],
    );
    return rows[0]?.coupleId ?? null;
  }

  /** Plans in progress (active or paused) of the couple or the client; drafts and closed plans are not shown to clients. */
  plansForPortal(
    practiceId: PracticeId,
    coupleId: string | null,
    clientId: string,
  ): Promise<Array<{ id: string; coupleId: string | null; clientId: string | null; status: PlanStatus; frameworkVersion: number; activatedAt: Date | null }>> {
    return this.dataSource.query(
      `SELECT id, couple_id AS "coupleId", client_id AS "clientId", status, framework_version AS "frameworkVersion", activated_at AS "activatedAt"
         FROM treatment_plans
        WHERE practice_id = $1 AND status IN ('active', 'paused')
          AND ((couple_id IS NOT NULL AND couple_id = $2::uuid) OR client_id = $3)
        ORDER BY couple_id NULLS LAST, created_at`,
      [practiceId, coupleId, clientId],
    );
  }
}
