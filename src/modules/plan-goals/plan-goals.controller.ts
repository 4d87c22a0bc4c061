import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { CreateGoalDto, GoalListDto, GoalResponseDto, ObjectiveInputDto, ObjectiveResponseDto, UpdateGoalDto } from './dto/plan-goal.dto';
import { PlanGoalsService } from './plan-goals.service';

/**
 * A treatment plan's goals and measurable objectives. Clinical content: the care team of the
 * plan's subject reads (an admin on the team too); a clinician of the plan writes. Admins are let
 * through the role gate so that another practice's admin meets the same 404 as anyone who may not
 * see the plan; the service then refuses them the write (403).
 */
@ApiTags('treatment-plans')
@ApiBearerAuth()
@Roles('admin', 'clinician')
@Controller('v1/treatment-plans/:id/goals')
export class PlanGoalsController {
  constructor(private readonly goals: PlanGoalsService) {}

  @Get()
  @Audited({ action: 'plan_goal.list', resourceType: 'treatment_plan', idParam: 'id' })
  @ApiOperation({ summary: 'The plan’s goals and objectives, each objective with its progress computed from check-ins' })
  @ApiOkResponse({ type: GoalListDto })
  list(@CurrentPrincipal() p: Principal, @UuidParam('id') planId: string): Promise<GoalListDto> {
    return this.goals.list(p, planId);
  }

  @Post()
  @Audited({ action: 'plan_goal.create', resourceType: 'plan_goal', idFromResponse: true })
  @ApiOperation({ summary: 'Add a goal with measurable objectives (a clinician of the plan; not on a closed plan: 422 plan_closed)' })
  @ApiCreatedResponse({ type: GoalResponseDto })
  create(@CurrentPrincipal() p: Principal, @UuidParam('id') planId: string, @Body() dto: CreateGoalDto): Promise<GoalResponseDto> {
    return this.goals.create(p, planId, dto);
  }

  @Patch(':goalId')
  @Audited({ action: 'plan_goal.update', resourceType: 'plan_goal', idParam: 'goalId' })
  @ApiOperation({ summary: 'Rename a goal or set its status (open, met, dropped)' })
  @ApiOkResponse({ type: GoalResponseDto })
  update(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') planId: string,
    @UuidParam('goalId') goalId: string,
    @Body() dto: UpdateGoalDto,
  ): Promise<GoalResponseDto> {
    return this.goals.update(p, planId, goalId, dto);
  }

  @Post(':goalId/objectives')
  @Audited({ action: 'plan_objective.create', resourceType: 'plan_objective', idFromResponse: true })
  @ApiOperation({ summary: 'Add a measurable objective to a goal' })
  @ApiCreatedResponse({ type: ObjectiveResponseDto })
  addObjective(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') planId: string,
    @UuidParam('goalId') goalId: string,
    @Body() dto: ObjectiveInputDto,
  ): Promise<ObjectiveResponseDto> {
    return this.goals.addObjective(p, planId, goalId, dto);
  }

  @Delete(':goalId/objectives/:objectiveId')
  @HttpCode(204)
  @Audited({ action: 'plan_objective.delete', resourceType: 'plan_objective', idParam: 'objectiveId' })
  @ApiOperation({ summary: 'Remove an objective from a goal' })
  @ApiNoContentResponse()
  async removeObjective(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') planId: string,
    @UuidParam('goalId') goalId: string,
    @UuidParam('objectiveId') objectiveId: string,
  ): Promise<void> {
    await this.goals.removeObjective(p, planId, goalId, objectiveId);
  }
}
