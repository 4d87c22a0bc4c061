import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import {
  CreateHomeworkTemplateDto,
  HomeworkTemplateDto,
  HomeworkTemplatePageDto,
  ListHomeworkTemplatesQueryDto,
  UpdateHomeworkTemplateDto,
} from './dto/homework-template.dto';
import { HomeworkTemplatesService } from './homework-templates.service';

/** The homework library for staff: the framework’s starter templates and the practice’s own. */
@ApiTags('homework')
@ApiBearerAuth()
@Roles('admin', 'clinician')
@Controller('v1/homework-templates')
export class HomeworkTemplatesController {
  constructor(private readonly templates: HomeworkTemplatesService) {}

  @Get()
  @Audited({ action: 'homework_template.list', resourceType: 'homework_template' })
  @ApiOperation({ summary: 'The current framework’s starter library and your practice’s own templates, newest first (filters: stepKey, kind, audience, q, source)' })
  @ApiOkResponse({ type: HomeworkTemplatePageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListHomeworkTemplatesQueryDto): Promise<Page<HomeworkTemplateDto>> {
    return this.templates.list(p, q);
  }

  @Post()
  @Audited({ action: 'homework_template.create', resourceType: 'homework_template', idFromResponse: true })
  @ApiOperation({ summary: 'Add a practice template (questions: text, scale_0_10, choice, checklist)' })
  @ApiCreatedResponse({ type: HomeworkTemplateDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateHomeworkTemplateDto): Promise<HomeworkTemplateDto> {
    return this.templates.create(p, dto);
  }

  @Get(':id')
  @Audited({ action: 'homework_template.read', resourceType: 'homework_template', idParam: 'id' })
  @ApiOperation({ summary: 'One template (a library template of any framework version, or your practice’s own)' })
  @ApiOkResponse({ type: HomeworkTemplateDto })
  get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<HomeworkTemplateDto> {
    return this.templates.get(p, id);
  }

  @Patch(':id')
  @Audited({ action: 'homework_template.update', resourceType: 'homework_template', idParam: 'id' })
  @ApiOperation({ summary: 'Edit a practice template (homework already assigned keeps the wording it was given with)' })
  @ApiOkResponse({ type: HomeworkTemplateDto })
  @ApiForbiddenResponse({ description: 'library_template_read_only' })
  @ApiConflictResponse({ description: 'template_archived' })
  update(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: UpdateHomeworkTemplateDto): Promise<HomeworkTemplateDto> {
    return this.templates.update(p, id, dto);
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Audited({ action: 'homework_template.archive', resourceType: 'homework_template', idParam: 'id' })
  @ApiOperation({ summary: 'Archive a practice template: no new assignments from it; homework already given is unchanged' })
  @ApiOkResponse({ type: HomeworkTemplateDto })
  @ApiForbiddenResponse({ description: 'library_template_read_only' })
  @ApiConflictResponse({ description: 'template_archived' })
  archive(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<HomeworkTemplateDto> {
    return this.templates.archive(p, id);
  }
}
