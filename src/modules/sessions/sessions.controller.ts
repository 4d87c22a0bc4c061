import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import {
  BookSessionDto,
  ChangeSessionStatusDto,
  ListSessionsQueryDto,
  RescheduleSessionDto,
  SessionPageDto,
  SessionResponseDto,
} from './dto/session.dto';
import { SessionsService } from './sessions.service';

@ApiTags('sessions')
@ApiBearerAuth()
@Roles('admin', 'clinician')
@Controller('v1/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @Audited({ action: 'session.create', resourceType: 'session', idFromResponse: true })
  @ApiOperation({ summary: 'Book a session (a clinician never holds two overlapping sessions: 409 session_overlap)' })
  @ApiCreatedResponse({ type: SessionResponseDto })
  @ApiConflictResponse({ description: 'session_overlap, client_archived, couple_dissolved' })
  book(@CurrentPrincipal() p: Principal, @Body() dto: BookSessionDto): Promise<SessionResponseDto> {
    return this.sessions.book(p, dto);
  }

  @Get()
  @Audited({ action: 'session.list', resourceType: 'session' })
  @ApiOperation({ summary: 'Sessions you may see, by clinician, client, couple and date range, in start order' })
  @ApiOkResponse({ type: SessionPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListSessionsQueryDto): Promise<Page<SessionResponseDto>> {
    return this.sessions.list(p, q);
  }

  @Get(':id')
  @Audited({ action: 'session.read', resourceType: 'session', idParam: 'id' })
  @ApiOperation({ summary: 'One session' })
  @ApiOkResponse({ type: SessionResponseDto })
  get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<SessionResponseDto> {
    return this.sessions.get(p, id);
  }

  @Patch(':id')
  @Audited({ action: 'session.reschedule', resourceType: 'session', idParam: 'id' })
  @ApiOperation({ summary: 'Reschedule or move a scheduled session (version required; stale → 409)' })
  @ApiOkResponse({ type: SessionResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'session_not_scheduled' })
  reschedule(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: RescheduleSessionDto): Promise<SessionResponseDto> {
    return this.sessions.reschedule(p, id, dto);
  }

  @Post(':id/status')
  @HttpCode(200)
  @Audited({ action: 'session.status', resourceType: 'session', idParam: 'id' })
  @ApiOperation({ summary: 'Complete, cancel, late-cancel or mark a no-show (only from scheduled); cancelling frees the time' })
  @ApiOkResponse({ type: SessionResponseDto })
  @ApiUnprocessableEntityResponse({ description: 'invalid_status_transition, session_not_started' })
  changeStatus(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: ChangeSessionStatusDto): Promise<SessionResponseDto> {
    return this.sessions.changeStatus(p, id, dto);
  }
}
