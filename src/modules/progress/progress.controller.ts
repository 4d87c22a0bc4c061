import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { ProgressQueryDto, ProgressResponseDto } from './dto/progress.dto';
import { ProgressService } from './progress.service';

const SUMMARY =
  'check-in trends per partner (?from&to, default the last 12 weeks; ?bucket=day|week), forgiveness readiness, the plan’s step timeline, ' +
  'objective progress, agreement adherence, milestones and warnings — care team only';

/** Progress reports: clinical content, read by the care team (an admin on the team too). */
@ApiTags('progress')
@ApiBearerAuth()
@Roles('admin', 'clinician')
@Controller('v1')
export class ProgressController {
  constructor(private readonly progress: ProgressService) {}

  @Get('couples/:id/progress')
  @Audited({ action: 'progress.read', resourceType: 'couple', idParam: 'id' })
  @ApiOperation({ summary: `A couple’s progress: ${SUMMARY}` })
  @ApiOkResponse({ type: ProgressResponseDto })
  couple(@CurrentPrincipal() p: Principal, @UuidParam('id') coupleId: string, @Query() q: ProgressQueryDto): Promise<ProgressResponseDto> {
    return this.progress.forCouple(p, coupleId, q);
  }

  @Get('clients/:id/progress')
  @Audited({ action: 'progress.read', resourceType: 'client', idParam: 'id' })
  @ApiOperation({ summary: `A client’s own progress: ${SUMMARY}` })
  @ApiOkResponse({ type: ProgressResponseDto })
  client(@CurrentPrincipal() p: Principal, @UuidParam('id') clientId: string, @Query() q: ProgressQueryDto): Promise<ProgressResponseDto> {
    return this.progress.forClient(p, clientId, q);
  }
}
