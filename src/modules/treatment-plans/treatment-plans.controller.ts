import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import {
  ClosePlanDto,
  CreateTreatmentPlanDto,
  ListTreatmentPlansQueryDto,
  MyPlansDto,
  PausePlanDto,
  PlanEventDto,
  PlanEventPageDto,
  PlanHistoryQueryDto,
  PlanTransitionDto,
  StepChangeDto,
  TreatmentPlanPageDto,
  TreatmentPlanResponseDto,
  TreatmentPlanSummaryDto,
  UpdateTreatmentPlanDto,
} from './dto/treatment-plan.dto';
import { AgreementsService } from '../agreements/agreements.service';
import { TreatmentPlansService } from './treatment-plans.service';

/**
 * Treatment plans are clinical content. Reading: the care team (an admin only on a case whose
 * care team they are on). Changing: a clinician of the plan — its owner or on its care team;
 * admins and client portal accounts are refused by the route (403).
 */
@ApiTags('treatment-plans')
@ApiBearerAuth()
@Controller('v1/treatment-plans')
export class TreatmentPlansController {
  constructor(private readonly plans: TreatmentPlansService) {}

  @Get()
  @Roles('admin', 'clinician')
  @Audited({ action: 'treatment_plan.list', resourceType: 'treatment_plan' })
  @ApiOperation({ summary: 'Plans of the cases whose clinical content you may read, newest first' })
  @ApiOkResponse({ type: TreatmentPlanPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListTreatmentPlansQueryDto): Promise<Page<TreatmentPlanSummaryDto>> {
    return this.plans.list(p, q);
  }

  @Post()
  @Roles('clinician')
  @Audited({ action: 'treatment_plan.create', resourceType: 'treatment_plan', idFromResponse: true })
  @ApiOperation({ summary: 'Start a draft plan for a couple or a client on the current framework version (one open plan each)' })
  @ApiCreatedResponse({ type: TreatmentPlanResponseDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateTreatmentPlanDto): Promise<TreatmentPlanResponseDto> {
    return this.plans.create(p, dto);
  }

  @Get(':id')
  @Roles('admin', 'clinician')
  @Audited({ action: 'treatment_plan.read', resourceType: 'treatment_plan', idParam: 'id' })
  @ApiOperation({ summary: 'One plan: steps with who/when, presenting concerns, and each partner’s latest forgiveness readiness' })
  @ApiOkResponse({ type: TreatmentPlanResponseDto })
  get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<TreatmentPlanResponseDto> {
    return this.plans.get(p, id);
  }

  @Get(':id/history')
  @Roles('admin', 'clinician')
  @Audited({ action: 'treatment_plan.history', resourceType: 'treatment_plan', idParam: 'id' })
  @ApiOperation({ summary: 'The plan’s history: every change with who, when and why' })
  @ApiOkResponse({ type: PlanEventPageDto })
  history(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Query() q: PlanHistoryQueryDto): Promise<Page<PlanEventDto>> {
    return this.plans.history(p, id, q);
  }

  @Patch(':id')
  @Roles('clinician')
  @Audited({ action: 'treatment_plan.update', resourceType: 'treatment_plan', idParam: 'id' })
  @ApiOperation({ summary: 'Change presenting concerns or the owner (send the version you read)' })
  @ApiOkResponse({ type: TreatmentPlanResponseDto })
  update(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: UpdateTreatmentPlanDto): Promise<TreatmentPlanResponseDto> {
    return this.plans.update(p, id, dto);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'treatment_plan.activate', resourceType: 'treatment_plan', idParam: 'id' })
  @ApiOperation({ summary: 'draft → active (refused while a couple’s conjoint work is paused)' })
  @ApiOkResponse({ type: TreatmentPlanResponseDto })
  activate(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: PlanTransitionDto): Promise<TreatmentPlanResponseDto> {
    return this.plans.transition(p, id, 'activate', { reason: dto.reason });
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'treatment_plan.pause', resourceType: 'treatment_plan', idParam: 'id' })
  @ApiOperation({ summary: 'active → paused, with a reason' })
  @ApiOkResponse({ type: TreatmentPlanResponseDto })
  pause(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: PausePlanDto): Promise<TreatmentPlanResponseDto> {
    return this.plans.transition(p, id, 'pause', { reason: dto.reason });
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'treatment_plan.resume', resourceType: 'treatment_plan', idParam: 'id' })
  @ApiOperation({ summary: 'paused → active (refused while a couple’s conjoint work is paused)' })
  @ApiOkResponse({ type: TreatmentPlanResponseDto })
  resume(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: PlanTransitionDto): Promise<TreatmentPlanResponseDto> {
    return this.plans.transition(p, id, 'resume', { reason: dto.reason });
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'treatment_plan.close', resourceType: 'treatment_plan', idParam: 'id' })
  @ApiOperation({ summary: 'Close with an outcome (reconciled, separated, discontinued, referred_out) and a summary' })
  @ApiOkResponse({ type: TreatmentPlanResponseDto })
  close(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: ClosePlanDto): Promise<TreatmentPlanResponseDto> {
    return this.plans.transition(p, id, 'close', { outcome: dto.outcome, summary: dto.summary });
  }

  @Post(':id/steps/:stepKey/activate')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'treatment_plan.step_activate', resourceType: 'treatment_plan', idParam: 'id' })
  @ApiOperation({ summary: 'Activate a step (after stabilization; forgiveness only on both partners’ readiness and your confirmation)' })
  @ApiOkResponse({ type: TreatmentPlanResponseDto })
  activateStep(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') id: string,
    @Param('stepKey') stepKey: string,
    @Body() dto: StepChangeDto,
  ): Promise<TreatmentPlanResponseDto> {
    return this.plans.changeStep(p, id, stepKey, 'activate', dto);
  }

  @Post(':id/steps/:stepKey/complete')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'treatment_plan.step_complete', resourceType: 'treatment_plan', idParam: 'id' })
  @ApiOperation({ summary: 'Complete an active step' })
  @ApiOkResponse({ type: TreatmentPlanResponseDto })
  completeStep(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') id: string,
    @Param('stepKey') stepKey: string,
    @Body() dto: StepChangeDto,
  ): Promise<TreatmentPlanResponseDto> {
    return this.plans.changeStep(p, id, stepKey, 'complete', dto);
  }

  @Post(':id/steps/:stepKey/waive')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'treatment_plan.step_waive', resourceType: 'treatment_plan', idParam: 'id' })
  @ApiOperation({ summary: 'Waive a step that is not started or active, with a reason' })
  @ApiOkResponse({ type: TreatmentPlanResponseDto })
  waiveStep(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') id: string,
    @Param('stepKey') stepKey: string,
    @Body() dto: StepChangeDto,
  ): Promise<TreatmentPlanResponseDto> {
    return this.plans.changeStep(p, id, stepKey, 'waive', dto);
  }

  @Post(':id/steps/:stepKey/reopen')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'treatment_plan.step_reopen', resourceType: 'treatment_plan', idParam: 'id' })
  @ApiOperation({ summary: 'Bring a completed or waived step back to active (the activation rules apply again)' })
  @ApiOkResponse({ type: TreatmentPlanResponseDto })
  reopenStep(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') id: string,
    @Param('stepKey') stepKey: string,
    @Body() dto: StepChangeDto,
  ): Promise<TreatmentPlanResponseDto> {
    return this.plans.changeStep(p, id, stepKey, 'reopen', dto);
  }
}

@ApiTags('me')
@ApiBearerAuth()
@Controller('v1/me')
export class MyPlanController {
  constructor(
    private readonly plans: TreatmentPlansService,
    private readonly agreements: AgreementsService,
  ) {}

  @Get('plan')
  @Roles('client')
  @Audited({ action: 'me.plan.read', resourceType: 'treatment_plan' })
  @ApiOperation({ summary: 'Client portal: your couple’s plan and your own plan in progress (status and steps), and the agreements you are party to' })
  @ApiOkResponse({ type: MyPlansDto })
  async myPlan(@CurrentPrincipal() p: Principal): Promise<MyPlansDto> {
    const [plans, agreements] = await Promise.all([this.plans.myPlans(p), this.agreements.listMine(p, { status: 'active', limit: 100 })]);
    return { ...plans, agreements: agreements.data };
  }
}
