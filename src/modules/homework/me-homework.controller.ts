import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { ListMyHomeworkQueryDto, MyHomeworkDetailDto, MyHomeworkDto, SubmitHomeworkDto } from './dto/homework.dto';
import { MyHomeworkService } from './my-homework.service';

/** Client portal: your own homework. Whose it is comes from the token, never from input. */
@ApiTags('portal')
@ApiBearerAuth()
@Roles('client')
@Controller('v1/me/homework')
export class MeHomeworkController {
  constructor(private readonly homework: MyHomeworkService) {}

  @Get()
  @Audited({ action: 'me.homework.list', resourceType: 'homework_instance' })
  @ApiOperation({ summary: 'Client portal: what is due, overdue and done (done paged with limit/cursor), and your partner’s answers to shared homework' })
  @ApiOkResponse({ type: MyHomeworkDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListMyHomeworkQueryDto): Promise<MyHomeworkDto> {
    return this.homework.overview(p, q);
  }

  @Get(':instanceId')
  @Audited({ action: 'me.homework.read', resourceType: 'homework_instance', idParam: 'instanceId' })
  @ApiOperation({ summary: 'Client portal: one of your homework instances, its questions and your answer (and your partner’s, when shared)' })
  @ApiOkResponse({ type: MyHomeworkDetailDto })
  get(@CurrentPrincipal() p: Principal, @UuidParam('instanceId') id: string): Promise<MyHomeworkDetailDto> {
    return this.homework.detail(p, id);
  }

  @Post(':instanceId/submission')
  @Audited({ action: 'me.homework.submit', resourceType: 'homework_instance', idParam: 'instanceId' })
  @ApiOperation({ summary: 'Client portal: answer one homework instance (once; marked late after its due time)' })
  @ApiCreatedResponse({ type: MyHomeworkDetailDto })
  @ApiConflictResponse({ description: 'already_submitted, instance_excused, instance_missed, assignment_paused, assignment_cancelled, plan_not_active' })
  submit(@CurrentPrincipal() p: Principal, @UuidParam('instanceId') id: string, @Body() dto: SubmitHomeworkDto): Promise<MyHomeworkDetailDto> {
    return this.homework.submit(p, id, dto.answers);
  }
}
