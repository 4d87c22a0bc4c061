import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { CheckInsService } from './check-ins.service';
import { CheckInPageDto, CheckInResponseDto, ListAlertsQueryDto, ListCheckInsQueryDto } from './dto/check-in.dto';

/**
 * Check-ins for the care team: clinical content. An admin who is not on the care team is
 * refused (403); a client the caller cannot see at all is 404. Every call is in the audit trail.
 */
@ApiTags('check-ins')
@ApiBearerAuth()
@Controller('v1/check-ins')
export class CheckInsController {
  constructor(private readonly checkIns: CheckInsService) {}

  @Get()
  @Roles('admin', 'clinician')
  @Audited({ action: 'check_in.list', resourceType: 'check_in' })
  @ApiOperation({ summary: 'A client’s check-ins, or both partners’ in a couple, newest first, free text included (care team only)' })
  @ApiOkResponse({ type: CheckInPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListCheckInsQueryDto): Promise<Page<CheckInResponseDto>> {
    return this.checkIns.list(p, q);
  }

  @Get('alerts')
  @Roles('admin', 'clinician')
  @Audited({ action: 'check_in.alert_list', resourceType: 'check_in' })
  @ApiOperation({ summary: '“I feel unsafe” reports nobody on the care team has acknowledged yet, newest first' })
  @ApiOkResponse({ type: CheckInPageDto })
  alerts(@CurrentPrincipal() p: Principal, @Query() q: ListAlertsQueryDto): Promise<Page<CheckInResponseDto>> {
    return this.checkIns.openAlerts(p, q);
  }

  @Post(':id/acknowledge-alert')
  @HttpCode(200)
  @Roles('admin', 'clinician')
  @Audited({ action: 'check_in.alert_acknowledge', resourceType: 'check_in', idParam: 'id' })
  @ApiOperation({ summary: 'Acknowledge a client’s “I feel unsafe” report (a member of the client’s care team)' })
  @ApiOkResponse({ type: CheckInResponseDto })
  @ApiConflictResponse({ description: 'no_alert, alert_already_acknowledged' })
  acknowledge(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<CheckInResponseDto> {
    return this.checkIns.acknowledgeAlert(p, id);
  }
}
