import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import {
  AssignmentLifecycleDto,
  CreateHomeworkDto,
  ExcuseInstanceDto,
  HomeworkDetailDto,
  HomeworkPageDto,
  HomeworkResponseDto,
  InstanceDetailDto,
  ListHomeworkQueryDto,
  ReviewSubmissionDto,
  SubmissionDto,
  UpdateHomeworkDto,
} from './dto/homework.dto';
import { HomeworkService } from './homework.service';

/**
 * Homework for the care team. Reading is clinical content: the care team (an admin only when on
 * it: 403 otherwise). Giving and changing homework is a clinician of the plan's act: admins and
 * portal accounts are refused by the route (403).
 */
@ApiTags('homework')
@ApiBearerAuth()
@Controller('v1/homework')
export class HomeworkController {
  constructor(private readonly homework: HomeworkService) {}

  @Post()
  @Roles('clinician')
  @Audited({ action: 'homework.create', resourceType: 'homework_assignment', idFromResponse: true })
  @ApiOperation({
    summary:
      'Assign a template or ad-hoc homework under an active step of an active plan, to its client or partners (role rule; roleOverride), one-off (dueAt) or recurring (RRULE in each assignee’s timezone); instances for the rolling horizon and their reminders are planned at once',
  })
  @ApiCreatedResponse({ type: HomeworkDetailDto })
  @ApiUnprocessableEntityResponse({ description: 'plan_not_active, conjoint_work_paused, step_not_active, audience_mismatch, privacy_policy_no_secrets, visibility_needs_couple_plan' })
  @ApiConflictResponse({ description: 'template_archived, client_archived' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateHomeworkDto): Promise<HomeworkDetailDto> {
    return this.homework.create(p, dto);
  }

  @Get()
  @Roles('admin', 'clinician')
  @Audited({ action: 'homework.list', resourceType: 'homework_assignment' })
  @ApiOperation({ summary: 'Homework of the cases whose clinical content you may read, newest first (filters: planId, clientId, status, stepKey)' })
  @ApiOkResponse({ type: HomeworkPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListHomeworkQueryDto): Promise<Page<HomeworkResponseDto>> {
    return this.homework.list(p, q);
  }

  @Get('instances/:id')
  @Roles('admin', 'clinician')
  @Audited({ action: 'homework.instance_read', resourceType: 'homework_instance', idParam: 'id' })
  @ApiOperation({ summary: 'One instance with its current submission and the earlier ones a reopening superseded' })
  @ApiOkResponse({ type: InstanceDetailDto })
  getInstance(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<InstanceDetailDto> {
    return this.homework.getInstance(p, id);
  }

  @Post('instances/:id/excuse')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'homework.instance_excuse', resourceType: 'homework_instance', idParam: 'id' })
  @ApiOperation({ summary: 'Excuse a pending or missed instance, with a reason; its reminders are cancelled' })
  @ApiOkResponse({ type: InstanceDetailDto })
  @ApiConflictResponse({ description: 'instance_submitted, instance_excused' })
  excuse(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: ExcuseInstanceDto): Promise<InstanceDetailDto> {
    return this.homework.excuse(p, id, dto);
  }

  @Post('instances/:id/reopen')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'homework.instance_reopen', resourceType: 'homework_instance', idParam: 'id' })
  @ApiOperation({ summary: 'Reopen a submitted, missed or excused instance: the current submission is kept but superseded, and the client may answer again' })
  @ApiOkResponse({ type: InstanceDetailDto })
  @ApiConflictResponse({ description: 'instance_pending, assignment_cancelled' })
  reopen(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<InstanceDetailDto> {
    return this.homework.reopen(p, id);
  }

  @Post('submissions/:id/review')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'homework.submission_review', resourceType: 'homework_submission', idParam: 'id' })
  @ApiOperation({ summary: 'Your comment to the client on a submission (encrypted; shown to its author only; a new one replaces the last)' })
  @ApiOkResponse({ type: SubmissionDto })
  review(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: ReviewSubmissionDto): Promise<SubmissionDto> {
    return this.homework.review(p, id, dto);
  }

  @Get(':id')
  @Roles('admin', 'clinician')
  @Audited({ action: 'homework.read', resourceType: 'homework_assignment', idParam: 'id' })
  @ApiOperation({ summary: 'One homework assignment with its instances and their current answers' })
  @ApiOkResponse({ type: HomeworkDetailDto })
  get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<HomeworkDetailDto> {
    return this.homework.get(p, id);
  }

  @Patch(':id')
  @Roles('clinician')
  @Audited({ action: 'homework.update', resourceType: 'homework_assignment', idParam: 'id' })
  @ApiOperation({ summary: 'Edit title, instructions, schedule, reminder policy or visibility (send the version you read); future pending instances and their reminders are re-planned' })
  @ApiOkResponse({ type: HomeworkDetailDto })
  @ApiConflictResponse({ description: 'version_conflict, assignment_cancelled, visibility_locked' })
  update(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: UpdateHomeworkDto): Promise<HomeworkDetailDto> {
    return this.homework.update(p, id, dto);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'homework.pause', resourceType: 'homework_assignment', idParam: 'id' })
  @ApiOperation({ summary: 'Pause: no more occurrences or reminders until resumed' })
  @ApiOkResponse({ type: HomeworkDetailDto })
  @ApiConflictResponse({ description: 'assignment_not_active, version_conflict' })
  pause(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: AssignmentLifecycleDto): Promise<HomeworkDetailDto> {
    return this.homework.pause(p, id, dto ?? {});
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'homework.resume', resourceType: 'homework_assignment', idParam: 'id' })
  @ApiOperation({ summary: 'Resume paused homework under an active plan: occurrences and reminders start again from now' })
  @ApiOkResponse({ type: HomeworkDetailDto })
  @ApiConflictResponse({ description: 'assignment_not_paused, due_at_passed, version_conflict' })
  @ApiUnprocessableEntityResponse({ description: 'plan_not_active, conjoint_work_paused' })
  resume(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: AssignmentLifecycleDto): Promise<HomeworkDetailDto> {
    return this.homework.resume(p, id, dto ?? {});
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'homework.cancel', resourceType: 'homework_assignment', idParam: 'id' })
  @ApiOperation({ summary: 'Cancel for good: pending instances are excused (future ones removed) and their reminders cancelled' })
  @ApiOkResponse({ type: HomeworkDetailDto })
  @ApiConflictResponse({ description: 'assignment_cancelled, version_conflict' })
  cancel(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: AssignmentLifecycleDto): Promise<HomeworkDetailDto> {
    return this.homework.cancel(p, id, dto ?? {});
  }
}
