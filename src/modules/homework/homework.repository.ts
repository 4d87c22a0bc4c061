import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CursorKey } from '../../common/pagination/cursor';
import { PracticeId } from '../../common/tenancy/request-context';
import type { PrivacyPolicy, RecoveryRole } from '../couples/couple.entity';
import type { HomeworkKind, HomeworkQuestion } from '../framework/homework-template.entity';
import { conjointWorkPausedSql } from '../safety-flags/conjoint-pause';
import type { PlanStatus, StepState } from '../treatment-plans/treatment-plan.entity';
import type { AnswerVisibility, AssignmentStatus, InstanceState, ReminderPolicy } from './homework.entity';

/** The plan an assignment is made under, with what the rules need. */
export interface PlanFacts {
  id: string;
  status: PlanStatus;
  coupleId: string | null;
  clientId: string | null;
  ownerId: string;
  privacyPolicy: PrivacyPolicy | null;
  conjointWorkPaused: boolean;
}

/** A person of the plan: a partner of its couple, or its client. */
export interface PlanPerson {
  clientId: string;
  name: string;
  role: RecoveryRole | null;
  timezone: string;
  status: 'active' | 'archived';
}

export interface AssignmentRow {
  id: string;
  practiceId: PracticeId;
  planId: string;
  stepKey: string;
  templateId: string | null;
  title: string;
  instructionsCiphertext: string | null;
  kind: HomeworkKind;
  questions: HomeworkQuestion[];
  roleOverride: boolean;
  dueAt: Date | null;
  rrule: string | null;
  dueTime: string | null;
  startsOn: string | null;
  endsOn: string | null;
  reminderPolicy: ReminderPolicy;
  visibility: AnswerVisibility;
  status: AssignmentStatus;
  materializedUntil: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  planCoupleId: string | null;
  planClientId: string | null;
  planOwnerId: string;
  planStatus: PlanStatus;
}

export interface AssigneeRow {
  assignmentId: string;
  clientId: string;
  name: string;
  role: RecoveryRole | null;
  timezone: string;
}

export interface InstanceRow {
  id: string;
  assignmentId: string;
  clientId: string;
  occurrenceKey: string;
  dueAt: Date;
  state: InstanceState;
  stateChangedAt: Date | null;
  stateChangedBy: string | null;
  excuseReason: string | null;
}

export interface SubmissionRow {
  id: string;
  instanceId: string;
  clientId: string;
  answersCiphertext: string;
  submittedAt: Date;
  late: boolean;
  supersededAt: Date | null;
  reviewCiphertext: string | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
}

/** An instance with its current submission (if any), as the lists read it. */
export interface InstanceWithSubmission extends InstanceRow {
  submission: SubmissionRow | null;
}

export interface NewAssignment {
  id: string;
  planId: string;
  stepKey: string;
  templateId: string | null;
  title: string;
  instructionsCiphertext: string | null;
  kind: HomeworkKind;
  questions: HomeworkQuestion[];
  roleOverride: boolean;
  dueAt: Date | null;
  rrule: string | null;
  dueTime: string | null;
  startsOn: string | null;
  endsOn: string | null;
  reminderPolicy: ReminderPolicy;
  visibility: AnswerVisibility;
  createdBy: string;
}

export interface NewInstance {
  clientId: string;
  occurrenceKey: string;
  dueAt: Date;
}

export interface AssignmentListFilter {
  planId?: string;
  clientId?: string;
  status?: AssignmentStatus;
  stepKey?: string;
  before: CursorKey | null;
  limit: number;
}

export interface VisibilityCondition {
  sql: string;
  params: unknown[];
}

const ASSIGNMENT_COLUMNS = `
  a.id, a.practice_id AS "practiceId", a.plan_id AS "planId", a.step_key AS "stepKey", a.template_id AS "templateId", a.title,
  a.instructions_ciphertext AS "instructionsCiphertext", a.kind, a.questions, a.role_override AS "roleOverride", a.due_at AS "dueAt",
  a.rrule, a.due_time AS "dueTime", to_char(a.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(a.ends_on, 'YYYY-MM-DD') AS "endsOn",
  a.reminder_policy AS "reminderPolicy", a.visibility, a.status, a.materialized_until AS "materializedUntil", a.created_by AS "createdBy",
  a.created_at AS "createdAt", a.updated_at AS "updatedAt", a.version,
  tp.couple_id AS "planCoupleId", tp.client_id AS "planClientId", tp.owner_id AS "planOwnerId", tp.status AS "planStatus"`;

const ASSIGNMENT_FROM = `FROM homework_assignments a JOIN treatment_plans tp ON tp.id = a.plan_id AND tp.practice_id = a.practice_id`;

const INSTANCE_COLUMNS = `i.id, i.assignment_id AS "assignmentId", i.client_id AS "clientId", i.occurrence_key AS "occurrenceKey", i.due_at AS "dueAt",
  i.state, i.state_changed_at AS "stateChangedAt", i.state_changed_by AS "stateChangedBy", i.excuse_reason AS "excuseReason"`;

const SUBMISSION_COLUMNS = `s.id, s.instance_id AS "instanceId", s.client_id AS "clientId", s.answers_ciphertext AS "answersCiphertext",
  s.submitted_at AS "submittedAt", s.late, s.superseded_at AS "supersededAt", s.review_ciphertext AS "reviewCiphertext",
  s.reviewed_by AS "reviewedBy", s.reviewed_at AS "reviewedAt"`;

/** The current submission of instance `i` as one JSON value (null when none), for list queries. */
const CURRENT_SUBMISSION_JSON = `(SELECT json_build_object(
    'id', s.id, 'instanceId', s.instance_id, 'clientId', s.client_id, 'answersCiphertext', s.answers_ciphertext,
    'submittedAt', s.submitted_at, 'late', s.late, 'supersededAt', s.superseded_at, 'reviewCiphertext', s.review_ciphertext,
    'reviewedBy', s.reviewed_by, 'reviewedAt', s.reviewed_at)
  FROM homework_submissions s WHERE s.instance_id = i.id AND s.practice_id = i.practice_id AND s.superseded_at IS NULL)`;

function withSubmission(r: InstanceRow & { submission: (Omit<SubmissionRow, 'submittedAt' | 'supersededAt' | 'reviewedAt'> & Record<string, unknown>) | null }): InstanceWithSubmission {
  const s = r.submission;
  return {
    ...r,
    submission: s
      ? {
          ...(s as unknown as SubmissionRow),
          submittedAt: new Date(s.submittedAt as string),
          supersededAt: s.supersededAt ? new Date(s.supersededAt as string) : null,
          reviewedAt: s.reviewedAt ? new Date(s.reviewedAt as string) : null,
        }
      : null,
  };
}

/**
 * Homework assignments, their assignees, instances and submissions. Tenant-owned: every method
 * takes the practice id (the worker's sweeps read it from each row and carry it on). Locks are
 * taken in one order everywhere — plan, then assignment, then instance — so concurrent changes
 * queue instead of deadlocking.
 */
@Injectable()
export class HomeworkRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  // Plans and people.

  /** The plan with its couple's privacy policy and pause; `FOR SHARE` when given a lock: its status cannot change under us. */
  async plan(practiceId: PracticeId, planId: string, manager?: EntityManager, lock = false): Promise<PlanFacts | null> {
    const rows: PlanFacts[] = await this.m(manager).query(
      `SELECT tp.id, tp.status, tp.couple_id AS "coupleId", tp.client_id AS "clientId", tp.owner_id AS "ownerId",
              c.privacy_policy AS "privacyPolicy",
              (tp.couple_id IS NOT NULL AND ${conjointWorkPausedSql('tp.couple_id', 'tp.practice_id')}) AS "conjointWorkPaused"
         FROM treatment_plans tp
         LEFT JOIN couples c ON c.id = tp.couple_id AND c.practice_id = tp.practice_id
        WHERE tp.practice_id = $1 AND tp.id = $2${lock ? ' FOR SHARE OF tp' : ''}`,
      [practiceId, planId],
    );
    return rows[0] ?? null;
  }

  async stepState(manager: EntityManager, practiceId: PracticeId, planId: string, stepKey: string): Promise<StepState | null> {
    const rows: Array<{ state: StepState }> = await manager.query(
      `SELECT state FROM plan_steps WHERE practice_id = $1 AND plan_id = $2 AND step_key = $3`,
      [practiceId, planId, stepKey],
    );
    return rows[0]?.state ?? null;
  }

  /**
   * The people homework under this plan may go to: the active partners of its couple with their
   * recovery roles, or its client (with their role in an active couple, if they are in one).
   */
  people(practiceId: PracticeId, plan: { coupleId: string | null; clientId: string | null }, manager?: EntityManager): Promise<PlanPerson[]> {
    return this.m(manager).query(
      `SELECT cl.id AS "clientId", COALESCE(cl.preferred_name, cl.full_name) AS name, cl.timezone, cl.status,
              COALESCE(m.recovery_role, am.recovery_role) AS role
         FROM clients cl
         LEFT JOIN couple_members m ON $2::uuid IS NOT NULL AND m.couple_id = $2::uuid AND m.client_id = cl.id AND m.practice_id = cl.practice_id
         LEFT JOIN LATERAL (
           SELECT x.recovery_role FROM couple_members x JOIN couples xc ON xc.id = x.couple_id AND xc.practice_id = x.practice_id
            WHERE $3::uuid IS NOT NULL AND x.client_id = cl.id AND x.practice_id = cl.practice_id AND x.active AND xc.status = 'active'
            LIMIT 1
         ) am ON true
        WHERE cl.practice_id = $1
          AND (($2::uuid IS NOT NULL AND m.active) OR ($3::uuid IS NOT NULL AND cl.id = $3::uuid))
        ORDER BY cl.id`,
      [practiceId, plan.coupleId, plan.clientId],
    );
  }

  // Assignments.

  async insertAssignment(manager: EntityManager, practiceId: PracticeId, a: NewAssignment): Promise<void> {
    await manager.query(
      `INSERT INTO homework_assignments (id, practice_id, plan_id, step_key, template_id, title, instructions_ciphertext, kind, questions,
                                          role_override, due_at, rrule, due_time, starts_on, ends_on, reminder_policy, visibility, status,
                                          created_by, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14, $15, $16::jsonb, $17, 'active', $18, 1)`,
      [
        a.id,
        practiceId,
        a.planId,
        a.stepKey,
        a.templateId,
        a.title,
        a.instructionsCiphertext,
        a.kind,
        JSON.stringify(a.questions),
        a.roleOverride,
        a.dueAt,
        a.rrule,
        a.dueTime,
        a.startsOn,
        a.endsOn,
        JSON.stringify(a.reminderPolicy),
        a.visibility,
        a.createdBy,
      ],
    );
  }

  async insertAssignees(manager: EntityManager, practiceId: PracticeId, assignmentId: string, clientIds: string[]): Promise<void> {
    await manager.query(
      `INSERT INTO homework_assignees (assignment_id, client_id, practice_id) SELECT $2, unnest($3::uuid[]), $1`,
      [practiceId, assignmentId, clientIds],
    );
  }

  async find(practiceId: PracticeId, id: string, manager?: EntityManager, lock = false): Promise<AssignmentRow | null> {
    const rows: AssignmentRow[] = await this.m(manager).query(
      `SELECT ${ASSIGNMENT_COLUMNS} ${ASSIGNMENT_FROM} WHERE a.practice_id = $1 AND a.id = $2${lock ? ' FOR UPDATE OF a' : ''}`,
      [practiceId, id],
    );
    return rows[0] ?? null;
  }

  /** Locks the assignment for a change (after the plan, if that is locked too). */
  lock(manager: EntityManager, practiceId: PracticeId, id: string): Promise<AssignmentRow | null> {
    return this.find(practiceId, id, manager, true);
  }

  /** Newest first; `visible` restricts to the plans whose subject the caller may read clinically. */
  list(practiceId: PracticeId, visible: VisibilityCondition, f: AssignmentListFilter): Promise<AssignmentRow[]> {
    const params = [...visible.params];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`a.practice_id = ${bind(practiceId)}`, `(${visible.sql})`];
    if (f.planId) where.push(`a.plan_id = ${bind(f.planId)}::uuid`);
    if (f.status) where.push(`a.status = ${bind(f.status)}::assignment_status`);
    if (f.stepKey) where.push(`a.step_key = ${bind(f.stepKey)}`);
    if (f.clientId) {
      where.push(`EXISTS (SELECT 1 FROM homework_assignees x WHERE x.assignment_id = a.id AND x.practice_id = a.practice_id AND x.client_id = ${bind(f.clientId)}::uuid)`);
    }
    if (f.before) where.push(`(a.created_at, a.id) < (${bind(f.before.at)}::timestamptz, ${bind(f.before.id)}::uuid)`);
    return this.dataSource.query(
      `SELECT ${ASSIGNMENT_COLUMNS} ${ASSIGNMENT_FROM} WHERE ${where.join(' AND ')}
        ORDER BY a.created_at DESC, a.id DESC LIMIT ${bind(f.limit + 1)}`,
      params,
    );
  }

  /** The assignees of these assignments, with name, role in the plan's couple and timezone, in one query. */
  assignees(practiceId: PracticeId, assignmentIds: string[], manager?: EntityManager): Promise<AssigneeRow[]> {
    if (assignmentIds.length === 0) return Promise.resolve([]);
    return this.m(manager).query(
      `SELECT x.assignment_id AS "assignmentId", x.client_id AS "clientId", COALESCE(cl.preferred_name, cl.full_name) AS name,
              cm.recovery_role AS role, cl.timezone
         FROM homework_assignees x
         JOIN homework_assignments a ON a.id = x.assignment_id AND a.practice_id = x.practice_id
         JOIN treatment_plans tp ON tp.id = a.plan_id AND tp.practice_id = a.practice_id
         JOIN clients cl ON cl.id = x.client_id AND cl.practice_id = x.practice_id
         LEFT JOIN couple_members cm ON cm.couple_id = tp.couple_id AND cm.client_id = x.client_id AND cm.practice_id = x.practice_id
        WHERE x.practice_id = $1 AND x.assignment_id = ANY($2::uuid[])
        ORDER BY x.assignment_id, cm.recovery_role NULLS LAST, x.client_id`,
      [practiceId, assignmentIds],
    );
  }

  /** Instances by state for each of these assignments, in one grouped query. */
  counts(practiceId: PracticeId, assignmentIds: string[]): Promise<Array<{ assignmentId: string; state: InstanceState; n: number }>> {
    if (assignmentIds.length === 0) return Promise.resolve([]);
    return this.dataSource.query(
      `SELECT assignment_id AS "assignmentId", state, count(*)::int AS n FROM homework_instances
        WHERE practice_id = $1 AND assignment_id = ANY($2::uuid[]) GROUP BY assignment_id, state`,
      [practiceId, assignmentIds],
    );
  }

  /** Applies the changes and bumps the version, only if it is still `version`; false when it was not. */
  async update(
    manager: EntityManager,
    practiceId: PracticeId,
    id: string,
    version: number,
    changes: Partial<{
      title: string;
      instructionsCiphertext: string | null;
      dueAt: Date;
      rrule: string;
      dueTime: string;
      startsOn: string;
      endsOn: string | null;
      reminderPolicy: ReminderPolicy;
      visibility: AnswerVisibility;
      status: AssignmentStatus;
      materializedUntil: Date | null;
    }>,
  ): Promise<boolean> {
    const columns: Record<string, [string, (v: unknown) => unknown]> = {
      title: ['title', (v) => v],
      instructionsCiphertext: ['instructions_ciphertext', (v) => v],
      dueAt: ['due_at', (v) => v],
      rrule: ['rrule', (v) => v],
      dueTime: ['due_time', (v) => v],
      startsOn: ['starts_on', (v) => v],
      endsOn: ['ends_on', (v) => v],
      reminderPolicy: ['reminder_policy', (v) => JSON.stringify(v)],
      visibility: ['visibility', (v) => v],
      status: ['status', (v) => v],
      materializedUntil: ['materialized_until', (v) => v],
    };
    const params: unknown[] = [practiceId, id, version];
    const sets = ['version = version + 1', 'updated_at = clock_timestamp()'];
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      const [column, encode] = columns[key];
      params.push(encode(value));
      sets.push(`${column} = $${params.length}`);
    }
    const res: [unknown[], number] = await manager.query(
      `UPDATE homework_assignments SET ${sets.join(', ')} WHERE practice_id = $1 AND id = $2 AND version = $3`,
      params,
    );
    return res[1] === 1;
  }

  /** The materializer's bookkeeping: how far occurrences exist, and whether the rule has ended. Not a user edit: no version bump. */
  async setMaterialized(manager: EntityManager, practiceId: PracticeId, id: string, until: Date | null, ended: boolean): Promise<void> {
    await manager.query(
      `UPDATE homework_assignments
          SET materialized_until = $3, status = CASE WHEN $4 AND status = 'active' THEN 'ended'::assignment_status ELSE status END
        WHERE practice_id = $1 AND id = $2`,
      [practiceId, id, until, ended],
    );
  }

  // Instances.

  /** Inserts occurrences not yet there (the unique occurrence key makes a repeat a no-op); returns those inserted. */
  async insertInstances(manager: EntityManager, practiceId: PracticeId, assignmentId: string, rows: NewInstance[]): Promise<InstanceRow[]> {
    if (rows.length === 0) return [];
    return manager.query(
      `INSERT INTO homework_instances AS i (practice_id, assignment_id, client_id, occurrence_key, due_at, state)
       SELECT $1, $2, x.client_id, x.occurrence_key, x.due_at, 'pending'
         FROM unnest($3::uuid[], $4::varchar[], $5::timestamptz[]) AS x(client_id, occurrence_key, due_at)
       ON CONFLICT (assignment_id, client_id, occurrence_key) DO NOTHING
       RETURNING ${INSTANCE_COLUMNS}`,
      [practiceId, assignmentId, rows.map((r) => r.clientId), rows.map((r) => r.occurrenceKey), rows.map((r) => r.dueAt.toISOString())],
    );
  }

  async lastDueAt(manager: EntityManager, practiceId: PracticeId, assignmentId: string): Promise<Date | null> {
    const rows: Array<{ last: Date | null }> = await manager.query(
      `SELECT max(due_at) AS last FROM homework_instances WHERE practice_id = $1 AND assignment_id = $2`,
      [practiceId, assignmentId],
    );
    return rows[0]?.last ?? null;
  }

  /** Every instance of the assignment, by due time, with its current submission. */
  async instancesOf(practiceId: PracticeId, assignmentId: string): Promise<InstanceWithSubmission[]> {
    const rows = await this.dataSource.query(
      `SELECT ${INSTANCE_COLUMNS}, ${CURRENT_SUBMISSION_JSON} AS submission FROM homework_instances i
        WHERE i.practice_id = $1 AND i.assignment_id = $2 ORDER BY i.due_at, i.client_id`,
      [practiceId, assignmentId],
    );
    return rows.map(withSubmission);
  }

  /** Pending instances of the assignment, optionally only those due after `after`. */
  pending(manager: EntityManager, practiceId: PracticeId, assignmentId: string, after?: Date): Promise<InstanceRow[]> {
    return manager.query(
      `SELECT ${INSTANCE_COLUMNS} FROM homework_instances i
        WHERE i.practice_id = $1 AND i.assignment_id = $2 AND i.state = 'pending' AND ($3::timestamptz IS NULL OR i.due_at > $3::timestamptz)
        ORDER BY i.due_at FOR UPDATE`,
      [practiceId, assignmentId, after ?? null],
    );
  }

  /**
   * Removes pending occurrences that were never answered (no submission ever): they were only a
   * forecast. Returns the ids removed; the others (with an earlier, superseded answer) stay.
   */
  async deleteUnanswered(manager: EntityManager, practiceId: PracticeId, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const [rows]: [Array<{ id: string }>, number] = await manager.query(
      `DELETE FROM homework_instances i WHERE i.practice_id = $1 AND i.id = ANY($2::uuid[]) AND i.state = 'pending'
          AND NOT EXISTS (SELECT 1 FROM homework_submissions s WHERE s.instance_id = i.id)
        RETURNING i.id`,
      [practiceId, ids],
    );
    return rows.map((r) => r.id);
  }

  async setInstanceState(
    manager: EntityManager,
    practiceId: PracticeId,
    ids: string[],
    state: InstanceState,
    by: string | null,
    excuseReason: string | null = null,
  ): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE homework_instances SET state = $3, state_changed_at = clock_timestamp(), state_changed_by = $4, excuse_reason = $5
        WHERE practice_id = $1 AND id = ANY($2::uuid[])`,
      [practiceId, ids, state, by, excuseReason],
    );
  }

  async setInstanceDue(manager: EntityManager, practiceId: PracticeId, id: string, dueAt: Date): Promise<void> {
    await manager.query(`UPDATE homework_instances SET due_at = $3 WHERE practice_id = $1 AND id = $2`, [practiceId, id, dueAt]);
  }

  /** One instance with its assignment; `lock` row-locks the instance (take the assignment's lock first when you need both). */
  async instance(
    practiceId: PracticeId,
    id: string,
    manager?: EntityManager,
    lock = false,
  ): Promise<(InstanceRow & { assignment: AssignmentRow }) | null> {
    const rows: InstanceRow[] = await this.m(manager).query(
      `SELECT ${INSTANCE_COLUMNS} FROM homework_instances i WHERE i.practice_id = $1 AND i.id = $2${lock ? ' FOR UPDATE' : ''}`,
      [practiceId, id],
    );
    if (!rows[0]) return null;
    const assignment = await this.find(practiceId, rows[0].assignmentId, manager);
    return assignment ? { ...rows[0], assignment } : null;
  }

  // Submissions.

  async insertSubmission(
    manager: EntityManager,
    practiceId: PracticeId,
    s: { id: string; instanceId: string; clientId: string; answersCiphertext: string; late: boolean },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO homework_submissions (id, practice_id, instance_id, client_id, answers_ciphertext, late, submitted_at)
       VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp())`,
      [s.id, practiceId, s.instanceId, s.clientId, s.answersCiphertext, s.late],
    );
  }

  /** Marks the instance's current submission superseded (kept); returns its id, if there was one. */
  async supersedeCurrent(manager: EntityManager, practiceId: PracticeId, instanceId: string): Promise<string | null> {
    const [rows]: [Array<{ id: string }>, number] = await manager.query(
      `UPDATE homework_submissions SET superseded_at = clock_timestamp()
        WHERE practice_id = $1 AND instance_id = $2 AND superseded_at IS NULL RETURNING id`,
      [practiceId, instanceId],
    );
    return rows[0]?.id ?? null;
  }

  async submissionsOf(practiceId: PracticeId, instanceId: string): Promise<SubmissionRow[]> {
    return this.dataSource.query(
      `SELECT ${SUBMISSION_COLUMNS} FROM homework_submissions s WHERE s.practice_id = $1 AND s.instance_id = $2
        ORDER BY s.superseded_at IS NULL DESC, s.submitted_at DESC`,
      [practiceId, instanceId],
    );
  }

  async submission(practiceId: PracticeId, id: string, manager?: EntityManager, lock = false): Promise<SubmissionRow | null> {
    const rows: SubmissionRow[] = await this.m(manager).query(
      `SELECT ${SUBMISSION_COLUMNS} FROM homework_submissions s WHERE s.practice_id = $1 AND s.id = $2${lock ? ' FOR UPDATE' : ''}`,
      [practiceId, id],
    );
    return rows[0] ?? null;
  }

  async review(manager: EntityManager, practiceId: PracticeId, id: string, reviewCiphertext: string, by: string): Promise<void> {
    await manager.query(
      `UPDATE homework_submissions SET review_ciphertext = $3, reviewed_by = $4, reviewed_at = clock_timestamp() WHERE practice_id = $1 AND id = $2`,
      [practiceId, id, reviewCiphertext, by],
    );
  }

  // Client portal.

  /**
   * The client's own instances: the pending ones of live assignments (active or ended, not
   * paused or cancelled) under active plans, due and overdue; and a page of the closed ones
   * (submitted, excused, missed), newest due first.
   */
  async mine(
    practiceId: PracticeId,
    clientId: string,
    done: { before: CursorKey | null; limit: number },
  ): Promise<{ open: Array<InstanceWithSubmission & { assignment: AssignmentRow }>; closed: Array<InstanceWithSubmission & { assignment: AssignmentRow }> }> {
    const live = `a.status IN ('active', 'ended') AND tp.status = 'active'`;
    const open = await this.dataSource.query(
      `SELECT ${INSTANCE_COLUMNS}, ${CURRENT_SUBMISSION_JSON} AS submission, row_to_json(ax) AS assignment
         FROM homework_instances i
         JOIN LATERAL (SELECT ${ASSIGNMENT_COLUMNS} ${ASSIGNMENT_FROM} WHERE a.id = i.assignment_id AND a.practice_id = i.practice_id) ax ON true
         JOIN homework_assignments a ON a.id = i.assignment_id AND a.practice_id = i.practice_id
         JOIN treatment_plans tp ON tp.id = a.plan_id AND tp.practice_id = a.practice_id
        WHERE i.practice_id = $1 AND i.client_id = $2 AND i.state = 'pending' AND ${live}
        ORDER BY i.due_at, i.id`,
      [practiceId, clientId],
    );
    const params: unknown[] = [practiceId, clientId];
    let cursor = '';
    if (done.before) {
      params.push(done.before.at, done.before.id);
      cursor = ` AND (i.due_at, i.id) < ($3::timestamptz, $4::uuid)`;
    }
    params.push(done.limit + 1);
    const closed = await this.dataSource.query(
      `SELECT ${INSTANCE_COLUMNS}, ${CURRENT_SUBMISSION_JSON} AS submission, row_to_json(ax) AS assignment
         FROM homework_instances i
         JOIN LATERAL (SELECT ${ASSIGNMENT_COLUMNS} ${ASSIGNMENT_FROM} WHERE a.id = i.assignment_id AND a.practice_id = i.practice_id) ax ON true
        WHERE i.practice_id = $1 AND i.client_id = $2 AND i.state <> 'pending'${cursor}
        ORDER BY i.due_at DESC, i.id DESC LIMIT $${params.length}`,
      params,
    );
    const map = (r: InstanceRow & { submission: never; assignment: Record<string, unknown> }) => ({
      ...withSubmission(r),
      assignment: reviveAssignment(r.assignment),
    });
    return { open: open.map(map), closed: closed.map(map) };
  }

  /**
   * The partner's current submissions to SHARED homework under the plans of the couple both
   * are active partners of — never a private one, never another couple's. `occurrence` narrows
   * to one occurrence of one assignment (the detail view).
   */
  async partnerShared(
    practiceId: PracticeId,
    clientId: string,
    opts: { assignmentId?: string; occurrenceKey?: string; limit: number },
  ): Promise<Array<SubmissionRow & { occurrenceKey: string; assignment: AssignmentRow }>> {
    const rows = await this.dataSource.query(
      `SELECT ${SUBMISSION_COLUMNS}, i.occurrence_key AS "occurrenceKey", row_to_json(ax) AS assignment
         FROM couple_members me
         JOIN couples c ON c.id = me.couple_id AND c.practice_id = me.practice_id AND c.status = 'active'
         JOIN couple_members partner ON partner.couple_id = me.couple_id AND partner.client_id <> me.client_id AND partner.active
         JOIN treatment_plans tp ON tp.couple_id = c.id AND tp.practice_id = c.practice_id
         JOIN homework_assignments a ON a.plan_id = tp.id AND a.practice_id = tp.practice_id AND a.visibility = 'shared'
         JOIN homework_instances i ON i.assignment_id = a.id AND i.practice_id = a.practice_id AND i.client_id = partner.client_id
         JOIN homework_submissions s ON s.instance_id = i.id AND s.practice_id = i.practice_id AND s.superseded_at IS NULL
                                     AND s.client_id = partner.client_id
         JOIN LATERAL (SELECT ${ASSIGNMENT_COLUMNS} ${ASSIGNMENT_FROM} WHERE a.id = i.assignment_id AND a.practice_id = i.practice_id) ax ON true
        WHERE me.practice_id = $1 AND me.client_id = $2 AND me.active
          AND ($3::uuid IS NULL OR a.id = $3::uuid) AND ($4::varchar IS NULL OR i.occurrence_key = $4::varchar)
        ORDER BY s.submitted_at DESC, s.id DESC LIMIT $5`,
      [practiceId, clientId, opts.assignmentId ?? null, opts.occurrenceKey ?? null, opts.limit],
    );
    return rows.map((r: SubmissionRow & { occurrenceKey: string; assignment: Record<string, unknown> }) => ({ ...r, assignment: reviveAssignment(r.assignment) }));
  }

  // The worker.

  /**
   * Active recurring assignments whose occurrences stop short of `horizonEnd`, under active plans
   * whose conjoint work (for a couple) is not paused.
   */
  dueForExtension(horizonEnd: Date, limit: number): Promise<Array<{ id: string; practiceId: PracticeId }>> {
    return this.dataSource.query(
      `SELECT a.id, a.practice_id AS "practiceId" FROM homework_assignments a
         JOIN treatment_plans tp ON tp.id = a.plan_id AND tp.practice_id = a.practice_id
        WHERE a.status = 'active' AND a.rrule IS NOT NULL AND (a.materialized_until IS NULL OR a.materialized_until < $1)
          AND tp.status = 'active' AND NOT (tp.couple_id IS NOT NULL AND ${conjointWorkPausedSql('tp.couple_id', 'tp.practice_id')})
        ORDER BY a.materialized_until NULLS FIRST, a.id LIMIT $2`,
      [horizonEnd, limit],
    );
  }

  /**
   * Pending instances due before `cutoff` of active assignments under active plans become
   * missed; returns them (with their practice) so their reminders can be cancelled. Rows another
   * transaction holds are skipped (SKIP LOCKED) and picked up by the next run.
   */
  async markMissed(manager: EntityManager, cutoff: Date, limit: number): Promise<Array<{ id: string; practiceId: PracticeId }>> {
    const [rows]: [Array<{ id: string; practiceId: PracticeId }>, number] = await manager.query(
      `WITH due AS (
         SELECT i.id FROM homework_instances i
           JOIN homework_assignments a ON a.id = i.assignment_id AND a.practice_id = i.practice_id
           JOIN treatment_plans tp ON tp.id = a.plan_id AND tp.practice_id = a.practice_id
          WHERE i.state = 'pending' AND i.due_at < $1 AND a.status IN ('active', 'ended') AND tp.status = 'active'
          ORDER BY i.due_at LIMIT $2 FOR UPDATE OF i SKIP LOCKED
       )
       UPDATE homework_instances i SET state = 'missed', state_changed_at = clock_timestamp(), state_changed_by = NULL
         FROM due WHERE i.id = due.id
       RETURNING i.id, i.practice_id AS "practiceId"`,
      [cutoff, limit],
    );
    return rows;
  }
}

/** row_to_json gives timestamps as strings: turn them back into Dates. */
function reviveAssignment(a: Record<string, unknown>): AssignmentRow {
  const date = (v: unknown) => (v ? new Date(v as string) : null);
  return {
    ...(a as unknown as AssignmentRow),
    dueAt: date(a.dueAt),
    materializedUntil: date(a.materializedUntil),
    createdAt: new Date(a.createdAt as string),
    updatedAt: new Date(a.updatedAt as string),
  };
}
