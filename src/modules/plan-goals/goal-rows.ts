import type { EntityManager } from 'typeorm';
import type { PracticeId } from '../../common/tenancy/request-context';
import type { GoalStatus, ObjectiveMetric, ObjectiveParams } from '../treatment-plans/treatment-plan.entity';

export interface ObjectiveRow {
  id: string;
  goalId: string;
  description: string;
  metric: ObjectiveMetric;
  params: ObjectiveParams;
  createdAt: string;
}

export interface GoalRow {
  id: string;
  planId: string;
  title: string;
  stepKey: string | null;
  position: number;
  status: GoalStatus;
  createdAt: Date;
  updatedAt: Date;
  objectives: ObjectiveRow[];
}

/**
 * A plan's goals with their objectives, in one query whatever their number. Shared by the goals
 * endpoints and the progress report (a plain function, so neither module depends on the other).
 */
export function loadGoalsWithObjectives(m: EntityManager, practiceId: PracticeId, planId: string, goalId: string | null = null): Promise<GoalRow[]> {
  return m.query(
    `SELECT g.id, g.plan_id AS "planId", g.title, g.step_key AS "stepKey", g.position, g.status,
            g.created_at AS "createdAt", g.updated_at AS "updatedAt",
            COALESCE(json_agg(json_build_object('id', o.id, 'goalId', o.goal_id, 'description', o.description, 'metric', o.metric,
                                                'params', o.params, 'createdAt', o.created_at)
                              ORDER BY o.created_at, o.id) FILTER (WHERE o.id IS NOT NULL), '[]'::json) AS objectives
       FROM plan_goals g
       LEFT JOIN plan_objectives o ON o.goal_id = g.id AND o.practice_id = g.practice_id
      WHERE g.practice_id = $1 AND g.plan_id = $2 AND ($3::uuid IS NULL OR g.id = $3::uuid)
      GROUP BY g.id
      ORDER BY g.position, g.created_at, g.id`,
    [practiceId, planId, goalId],
  );
}
