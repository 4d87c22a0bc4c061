import { Body, Controller, Delete, Get, HttpCode, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { CheckInSchedulesService } from './check-in-schedules.service';
import { CheckInScheduleResponseDto, PutCheckInScheduleDto } from './dto/check-in-schedule.dto';

/**
 * A client's check-in schedule: when they are asked to check in. Clinical level: the care team
 * (an admin off the team sees 403; a client the caller cannot see, 404).
 */
@ApiTags('check-ins')
@ApiBearerAuth()
@Roles('admin', 'clinician')
@Controller('v1/clients/:id/check-in-schedule')
export class CheckInSchedulesController {
  constructor(private readonly schedules: CheckInSchedulesService) {}

  @Get()
  @Audited({ action: 'check_in_schedule.read', resourceType: 'check_in_schedule', idFromResponse: true })
  @ApiOperation({ summary: 'The client’s check-in schedule, with its next occurrences (care team)' })
  @ApiOkResponse({ type: CheckInScheduleResponseDto })
  get(@CurrentPrincipal() p: Principal, @UuidParam('id') clientId: string): Promise<CheckInScheduleResponseDto> {
    return this.schedules.get(p, clientId);
  }

  @Put()
  @Audited({ action: 'check_in_schedule.put', resourceType: 'check_in_schedule', idFromResponse: true })
  @ApiOperation({ summary: 'Set the client’s check-in schedule (an RRULE at a local time); re-plans its reminders over the next 14 days' })
  @ApiOkResponse({ type: CheckInScheduleResponseDto, description: 'Replaced' })
  @ApiCreatedResponse({ type: CheckInScheduleResponseDto, description: 'Created' })
  @ApiConflictResponse({ description: 'version_conflict: stale version; client_archived' })
  async put(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') clientId: string,
    @Body() dto: PutCheckInScheduleDto,
    @Res({ passthrough: true }) res: FastifyReply,
  ): Promise<CheckInScheduleResponseDto> {
    const { created, schedule } = await this.schedules.put(p, clientId, dto);
    res.status(created ? 201 : 200);
    return schedule;
  }

  @Delete()
  @HttpCode(204)
  @Audited({ action: 'check_in_schedule.delete', resourceType: 'check_in_schedule', idParam: 'id' })
  @ApiOperation({ summary: 'Stop asking the client to check in: deletes the schedule and cancels its pending reminders' })
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() p: Principal, @UuidParam('id') clientId: string): Promise<void> {
    await this.schedules.remove(p, clientId);
  }
}
