import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { CheckInSchedulesService } from './check-in-schedules.service';
import { MyCheckInScheduleDto } from './dto/check-in-schedule.dto';

/** Client portal: when you will be asked to check in. Whose comes from the token. */
@ApiTags('portal')
@ApiBearerAuth()
@Roles('client')
@Controller('v1/me/check-in-schedule')
export class MeCheckInScheduleController {
  constructor(private readonly schedules: CheckInSchedulesService) {}

  @Get()
  @Audited({ action: 'me.check_in_schedule.read', resourceType: 'check_in_schedule' })
  @ApiOperation({ summary: 'Client portal: your check-in schedule and the next times you will be asked' })
  @ApiOkResponse({ type: MyCheckInScheduleDto })
  get(@CurrentPrincipal() p: Principal): Promise<MyCheckInScheduleDto> {
    return this.schedules.mine(p);
  }
}
