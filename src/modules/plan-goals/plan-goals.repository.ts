import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { PracticeId } from '../../common/tenancy/request-context';
import type { GoalStatus, ObjectiveMetric, ObjectiveParams, PlanEventKind, PlanStatus } from '../treatment-plans/treatment-plan.entity';

/** A plan as the goals endpoints need it: its subject, its owner, and whether the caller is on its care team. */
export interface PlanAccessRow {
  id: string;
  status: PlanStatus;
  coupleId: string | null;
  clientId: string | null;
  ownerId: string;
  /** The caller is on the care team of the plan's subject (the couple's, or the client's own). */
  onCareTeam: boolean;
}

export interface GoalHead {
  id: string;
  title: string;
  stepKey: string | null;
  status: GoalStatus;
}

export interface NewObjective {
  description: string;
  metric: ObjectiveMetric;
  params: ObjectiveParams;
}

export interface NewPlanEvent {
  kind: Extract<PlanEventKind, 'goal_added' | 'goal_updated'>;
  stepKey: string | null;
  fromState: string | null;
  toState: string | null;
  reason: string;
  actorId: string;
}

/** At most `max` characters (code points, as varchar counts them). */
function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Tenant-owned: every method takes the practice id. Reads the plans module's tables with its own SQL. */
@Injectable()
export class PlanGoalsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findPlan(practiceId: PracticeId, planId: string, userId: string): Promise<PlanAccessRow | null> {
    const rows: PlanAccessRow[] = await this.dataSource.query(
      `SELECT p.id, p.status, p.couple_id AS "coupleId", p.client_id AS "clientId", p.owner_id AS "ownerId",
              EXISTS (SELECT 1 FROM care_team_members t
                       WHERE t.practice_id = p.practice_id AND t.clinician_id = $3
                         AND (t.couple_id = p.couple_id OR t.client_id = p.client_id)) AS "onCareTeam"
         FROM treatment_plans p
        WHERE p.practice_id = $1 AND p.id = $2`,
      [practiceId, planId, userId],
    );
    return rows[0] ?? null;
  }

  /**
   * Locks the plan against concurrent goal changes and closing, and answers its status (null
   * when gone). A close waits for this transaction, and this one sees a committed close.
   */
  async lockPlan(m: EntityManager, practiceId: PracticeId, planId: string): Promise<PlanStatus | null> {
    const rows: Array<{ status: PlanStatus }> = await m.query(
      `SELECT status FROM treatment_plans WHERE practice_id = $1 AND id = $2 FOR NO KEY UPDATE`,
      [practiceId, planId],
    );
    return rows[0]?.status ?? null;
  }

  async planHasStep(m: EntityManager, practiceId: PracticeId, planId: string, stepKey: string): Promise<boolean> {
    const rows: unknown[] = await m.query(`SELECT 1 FROM plan_steps WHERE practice_id = $1 AND plan_id = $2 AND step_key = $3`, [
      practiceId,
      planId,
      stepKey,
    ]);
    return rows.length > 0;
  }

  async goalStats(m: EntityManager, practiceId: PracticeId, planId: string): Promise<{ count: number; nextPosition: number }> {
    const rows: Array<{ count: number; nextPosition: number }> = await m.query(
      `SELECT count(*)::int AS count, (COALESCE(max(position), -1) + 1)::int AS "nextPosition"
         FROM plan_goals WHERE practice_id = $1 AND plan_id = $2`,
      [practiceId, planId],
    );
    return rows[0];
  }

  async insertGoal(m: EntityManager, practiceId: PracticeId, g: { planId: string; title: string; stepKey: string | null; position: number }): Promise<string> {
    const rows: Array<{ id: string }> = await m.query(
      `INSERT INTO plan_goals (practice_id, plan_id, title, step_key, position, status) VALUES ($1, $2, $3, $4, $5, 'open') RETURNING id`,
      [practiceId, g.planId, g.title, g.stepKey, g.position],
    );
    return rows[0].id;
  }

  /** All of a goal's new objectives in one statement. */
  async insertObjectives(m: EntityManager, practiceId: PracticeId, goalId: string, objectives: NewObjective[]): Promise<string[]> {
    if (objectives.length === 0) return [];
    const rows: Array<{ id: string }> = await m.query(
      `INSERT INTO plan_objectives (practice_id, goal_id, description, metric, params, created_at, updated_at)
       SELECT $1, $2, o.item->>'description', (o.item->>'metric')::objective_metric, o.item->'params',
              -- Distinct, ordered creation times (the column keeps milliseconds) keep the objectives in the order given.
              now() + (o.ord - 1) * interval '1 millisecond', now()
         FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS o(item, ord)
        ORDER BY o.ord
       RETURNING id`,
      [practiceId, goalId, JSON.stringify(objectives)],
    );
    return rows.map((r) => r.id);
  }

  /** Row-locks the goal for a read-modify-write. */
  async lockGoal(m: EntityManager, practiceId: PracticeId, planId: string, goalId: string): Promise<GoalHead | null> {
    const rows: GoalHead[] = await m.query(
      `SELECT id, title, step_key AS "stepKey", status FROM plan_goals WHERE practice_id = $1 AND plan_id = $2 AND id = $3 FOR UPDATE`,
      [practiceId, planId, goalId],
    );
    return rows[0] ?? null;
  }

  async updateGoal(m: EntityManager, practiceId: PracticeId, goalId: string, changes: { title: string; status: GoalStatus }): Promise<void> {
    await m.query(`UPDATE plan_goals SET title = $3, status = $4, updated_at = now() WHERE practice_id = $1 AND id = $2`, [
      practiceId,
      goalId,
      changes.title,
      changes.status,
    ]);
  }

  async touchGoal(m: EntityManager, practiceId: PracticeId, goalId: string): Promise<void> {
    await m.query(`UPDATE plan_goals SET updated_at = now() WHERE practice_id = $1 AND id = $2`, [practiceId, goalId]);
  }

  async objectiveCount(m: EntityManager, practiceId: PracticeId, goalId: string): Promise<number> {
    const rows: Array<{ n: number }> = await m.query(`SELECT count(*)::int AS n FROM plan_objectives WHERE practice_id = $1 AND goal_id = $2`, [
      practiceId,
      goalId,
    ]);
    return rows[0].n;
  }

  /** Deletes the objective; its description, or null when the goal has no such objective. */
  async deleteObjective(m: EntityManager, practiceId: PracticeId, goalId: string, objectiveId: string): Promise<string | null> {
    // For DELETE, TypeORM's raw query answers [rows, affected row count].
    const [rows]: [Array<{ description: string }>, number] = await m.query(
      `DELETE FROM plan_objectives WHERE practice_id = $1 AND goal_id = $2 AND id = $3 RETURNING description`,
      [practiceId, goalId, objectiveId],
    );
    return rows[0]?.description ?? null;
  }

  async insertEvent(m: EntityManager, practiceId: PracticeId, planId: string, e: NewPlanEvent): Promise<void> {
    await m.query(
      `INSERT INTO plan_events (practice_id, plan_id, kind, step_key, from_state, to_state, reason, actor_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [practiceId, planId, e.kind, e.stepKey, e.fromState, e.toState, clip(e.reason, 500), e.actorId],
    );
  }
}
