import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { ConflictError, ForbiddenError, NotFoundError, RuleViolationError } from '../../common/errors/domain-error';
import { FieldProblem, RequestValidationException } from '../../common/errors/validation';
import { Principal } from '../../common/tenancy/request-context';
import { ObjectiveProgressService } from '../progress/objective-progress.service';
import {
  CreateGoalDto,
  GoalListDto,
  GoalResponseDto,
  MAX_GOALS_PER_PLAN,
  MAX_OBJECTIVES_PER_GOAL,
  normalizeParams,
  ObjectiveInputDto,
  ObjectiveResponseDto,
  UpdateGoalDto,
} from './dto/plan-goal.dto';
import { toGoalResponse } from './goal-mapping';
import { loadGoalsWithObjectives } from './goal-rows';
import { NewObjective, PlanAccessRow, PlanGoalsRepository } from './plan-goals.repository';

const planClosed = () => new RuleViolationError('plan_closed', 'A closed plan is read-only: its goals and objectives no longer change');

/**
 * Goals and their measurable objectives under a treatment plan. The care team of the plan's
 * subject reads them (an admin off the team is refused, 403; anyone else gets 404); only a
 * clinician of the plan — its owner, or a clinician on the subject's care team — changes them,
 * and never on a closed plan (422). Every change is written to the plan's history in the same
 * transaction. Objective progress is computed from check-ins on every read, never stored.
 */
@Injectable()
export class PlanGoalsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly goals: PlanGoalsRepository,
    private readonly access: ClinicalAccess,
    private readonly progress: ObjectiveProgressService,
  ) {}

  async list(p: Principal, planId: string): Promise<GoalListDto> {
    const plan = await this.planFor(p, planId, 'read');
    const rows = await loadGoalsWithObjectives(this.dataSource.manager, p.practiceId, plan.id);
    const { asOf, progress } = await this.progress.forGoals(this.dataSource.manager, p.practiceId, plan, rows);
    return { data: rows.map((g) => toGoalResponse(g, progress, asOf)), nextCursor: null, asOf };
  }

  async create(p: Principal, planId: string, dto: CreateGoalDto): Promise<GoalResponseDto> {
    const plan = await this.planFor(p, planId, 'write');
    const objectives = (dto.objectives ?? []).map((o, i) => this.objectiveOf(plan, o, `objectives.${i}.params`));
    const goalId = await this.dataSource.transaction(async (m) => {
      this.assertOpen(await this.goals.lockPlan(m, p.practiceId, plan.id));
      if (dto.stepKey && !(await this.goals.planHasStep(m, p.practiceId, plan.id, dto.stepKey))) {
        throw new RequestValidationException([{ field: 'stepKey', reasons: ['is not a step of this plan'] }]);
      }
      const stats = await this.goals.goalStats(m, p.practiceId, plan.id);
      if (stats.count >= MAX_GOALS_PER_PLAN) {
        throw new ConflictError('goal_limit', `A plan holds at most ${MAX_GOALS_PER_PLAN} goals; drop or reword one instead`);
      }
      const id = await this.goals.insertGoal(m, p.practiceId, { planId: plan.id, title: dto.title, stepKey: dto.stepKey ?? null, position: stats.nextPosition });
      await this.goals.insertObjectives(m, p.practiceId, id, objectives);
      await this.goals.insertEvent(m, p.practiceId, plan.id, {
        kind: 'goal_added',
        stepKey: dto.stepKey ?? null,
        fromState: null,
        toState: 'open',
        reason: objectives.length ? `${dto.title} (${objectives.length} objective${objectives.length === 1 ? '' : 's'})` : dto.title,
        actorId: p.userId,
      });
      return id;
    });
    return this.readGoal(p, plan, goalId);
  }

  async update(p: Principal, planId: string, goalId: string, dto: UpdateGoalDto): Promise<GoalResponseDto> {
    const plan = await this.planFor(p, planId, 'write');
    if (dto.title === undefined && dto.status === undefined) {
      throw new RequestValidationException([{ field: 'body', reasons: ['give a title or a status to change'] }]);
    }
    await this.dataSource.transaction(async (m) => {
      this.assertOpen(await this.goals.lockPlan(m, p.practiceId, plan.id));
      const goal = await this.goals.lockGoal(m, p.practiceId, plan.id, goalId);
      if (!goal) throw new NotFoundError('Goal');
      const title = dto.title ?? goal.title;
      const status = dto.status ?? goal.status;
      const renamed = title !== goal.title;
      if (!renamed && status === goal.status) return;
      await this.goals.updateGoal(m, p.practiceId, goal.id, { title, status });
      await this.goals.insertEvent(m, p.practiceId, plan.id, {
        kind: 'goal_updated',
        stepKey: goal.stepKey,
        fromState: goal.status,
        toState: status,
        reason: renamed ? `renamed: ${goal.title} → ${title}` : title,
        actorId: p.userId,
      });
    });
    return this.readGoal(p, plan, goalId);
  }

  async addObjective(p: Principal, planId: string, goalId: string, dto: ObjectiveInputDto): Promise<ObjectiveResponseDto> {
    const plan = await this.planFor(p, planId, 'write');
    const objective = this.objectiveOf(plan, dto, 'params');
    const objectiveId = await this.dataSource.transaction(async (m) => {
      this.assertOpen(await this.goals.lockPlan(m, p.practiceId, plan.id));
      const goal = await this.goals.lockGoal(m, p.practiceId, plan.id, goalId);
      if (!goal) throw new NotFoundError('Goal');
      if ((await this.goals.objectiveCount(m, p.practiceId, goal.id)) >= MAX_OBJECTIVES_PER_GOAL) {
        throw new ConflictError('objective_limit', `A goal holds at most ${MAX_OBJECTIVES_PER_GOAL} objectives`);
      }
      const [id] = await this.goals.insertObjectives(m, p.practiceId, goal.id, [objective]);
      await this.goals.touchGoal(m, p.practiceId, goal.id);
      await this.goals.insertEvent(m, p.practiceId, plan.id, {
        kind: 'goal_updated',
        stepKey: goal.stepKey,
        fromState: goal.status,
        toState: goal.status,
        reason: `${goal.title}: objective added — ${objective.description}`,
        actorId: p.userId,
      });
      return id;
    });
    const goal = await this.readGoal(p, plan, goalId);
    return goal.objectives.find((o) => o.id === objectiveId)!;
  }

  async removeObjective(p: Principal, planId: string, goalId: string, objectiveId: string): Promise<void> {
    const plan = await this.planFor(p, planId, 'write');
    await this.dataSource.transaction(async (m) => {
      this.assertOpen(await this.goals.lockPlan(m, p.practiceId, plan.id));
      const goal = await this.goals.lockGoal(m, p.practiceId, plan.id, goalId);
      if (!goal) throw new NotFoundError('Goal');
      const description = await this.goals.deleteObjective(m, p.practiceId, goal.id, objectiveId);
      if (description === null) throw new NotFoundError('Objective');
      await this.goals.touchGoal(m, p.practiceId, goal.id);
      await this.goals.insertEvent(m, p.practiceId, plan.id, {
        kind: 'goal_updated',
        stepKey: goal.stepKey,
        fromState: goal.status,
        toState: goal.status,
        reason: `${goal.title}: objective removed — ${description}`,
        actorId: p.userId,
      });
    });
  }

  /**
   * The plan, if the principal may read it (404 when not visible, 403 for an admin off the care
   * team) — and for writing, only if the principal is a clinician of the plan (403). Owning the
   * plan is no way around the care team: an owner who left it reads nothing here, exactly as
   * for the plan itself (TreatmentPlansService reads before it checks the owner).
   */
  private async planFor(p: Principal, planId: string, mode: 'read' | 'write'): Promise<PlanAccessRow> {
    const plan = await this.goals.findPlan(p.practiceId, planId, p.userId);
    if (!plan) throw new NotFoundError('Treatment plan');
    try {
      if (plan.coupleId) await this.access.assertCoupleClinical(p, plan.coupleId);
      else await this.access.assertClientClinical(p, plan.clientId!);
    } catch (err) {
      // The plan's id was asked for: say the plan is not found, not its subject.
      throw err instanceof NotFoundError ? new NotFoundError('Treatment plan') : err;
    }
    if (mode === 'write' && (p.role !== 'clinician' || !(plan.ownerId === p.userId || plan.onCareTeam))) {
      throw new ForbiddenError('Only a clinician of this plan (its owner or the care team) changes its goals', 'not_plan_clinician');
    }
    return plan;
  }

  private assertOpen(status: string | null): void {
    if (status === null) throw new NotFoundError('Treatment plan');
    if (status === 'closed') throw planClosed();
  }

  /** The objective as stored; `who` only means something on a couple's plan. */
  private objectiveOf(plan: PlanAccessRow, o: ObjectiveInputDto, paramsPath: string): NewObjective {
    const problems: FieldProblem[] = [];
    if (o.params.who && !plan.coupleId) problems.push({ field: `${paramsPath}.who`, reasons: ['applies only to a couple’s plan'] });
    if (problems.length) throw new RequestValidationException(problems);
    return { description: o.description, metric: o.metric, params: normalizeParams(o.metric, o.params) };
  }

  private async readGoal(p: Principal, plan: PlanAccessRow, goalId: string): Promise<GoalResponseDto> {
    const rows = await loadGoalsWithObjectives(this.dataSource.manager, p.practiceId, plan.id, goalId);
    if (!rows[0]) throw new NotFoundError('Goal');
    const { asOf, progress } = await this.progress.forGoals(this.dataSource.manager, p.practiceId, plan, rows);
    return toGoalResponse(rows[0], progress, asOf);
  }
}
