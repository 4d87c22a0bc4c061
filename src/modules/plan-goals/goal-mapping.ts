import { evaluateObjective, ObjectiveProgress } from '../progress/objective-progress';
import { GoalResponseDto, ObjectiveResponseDto } from './dto/plan-goal.dto';
import { GoalRow, ObjectiveRow } from './goal-rows';

const iso = (d: Date | string) => new Date(d).toISOString();

export function toObjectiveResponse(o: ObjectiveRow, progress: ObjectiveProgress): ObjectiveResponseDto {
  return { id: o.id, goalId: o.goalId, description: o.description, metric: o.metric, params: o.params, createdAt: iso(o.createdAt), progress };
}

export function toGoalResponse(g: GoalRow, progress: Map<string, ObjectiveProgress>, asOf: string): GoalResponseDto {
  return {
    id: g.id,
    planId: g.planId,
    title: g.title,
    stepKey: g.stepKey,
    position: g.position,
    status: g.status,
    createdAt: iso(g.createdAt),
    updatedAt: iso(g.updatedAt),
    objectives: g.objectives.map((o) =>
      toObjectiveResponse(o, progress.get(o.id) ?? evaluateObjective(o, { kind: 'client', partners: [], pooled: [] }, asOf)),
    ),
  };
}
