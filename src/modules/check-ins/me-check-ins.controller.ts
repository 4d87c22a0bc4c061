import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { CheckInsService } from './check-ins.service';
import { ListMyCheckInsQueryDto, MyCheckInDto, MyCheckInPageDto, SubmitCheckInDto } from './dto/check-in.dto';

/** Client portal: your own check-ins. Whose they are comes from the token, never from input. */
@ApiTags('portal')
@ApiBearerAuth()
@Roles('client')
@Controller('v1/me/check-ins')
export class MeCheckInsController {
  constructor(private readonly checkIns: CheckInsService) {}

  @Post()
  @Audited({ action: 'me.check_in.submit', resourceType: 'check_in', idFromResponse: true })
  @ApiOperation({ summary: 'Client portal: check in (trust, safety, connection, mood, …); “I feel unsafe” alerts your care team' })
  @ApiCreatedResponse({ type: MyCheckInDto })
  @ApiUnprocessableEntityResponse({ description: 'readiness_not_asked_yet: forgiveness readiness is asked once the intimacy step is active' })
  submit(@CurrentPrincipal() p: Principal, @Body() dto: SubmitCheckInDto): Promise<MyCheckInDto> {
    return this.checkIns.submit(p, dto);
  }

  @Get()
  @Audited({ action: 'me.check_in.list', resourceType: 'check_in' })
  @ApiOperation({ summary: 'Client portal: your own check-ins, newest first' })
  @ApiOkResponse({ type: MyCheckInPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListMyCheckInsQueryDto): Promise<Page<MyCheckInDto>> {
    return this.checkIns.listMine(p, q);
  }
}
