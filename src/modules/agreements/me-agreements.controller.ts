import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { AgreementsService } from './agreements.service';
import { AcknowledgeAgreementDto, ListMyAgreementsQueryDto, MyAgreementDto, MyAgreementPageDto } from './dto/agreement.dto';

/** Client portal: the agreements you are party to. Who you are comes from the token. */
@ApiTags('portal')
@ApiBearerAuth()
@Roles('client')
@Controller('v1/me/agreements')
export class MeAgreementsController {
  constructor(private readonly agreements: AgreementsService) {}

  @Get()
  @Audited({ action: 'me.agreement.list', resourceType: 'agreement' })
  @ApiOperation({ summary: 'Client portal: your couple’s agreements, and whether you and your partner acknowledged the current wording' })
  @ApiOkResponse({ type: MyAgreementPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListMyAgreementsQueryDto): Promise<Page<MyAgreementDto>> {
    return this.agreements.listMine(p, q);
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  @Audited({ action: 'me.agreement.acknowledge', resourceType: 'agreement', idParam: 'id' })
  @ApiOperation({ summary: 'Client portal: acknowledge the current wording, for yourself (repeating it changes nothing)' })
  @ApiOkResponse({ type: MyAgreementDto })
  @ApiConflictResponse({ description: 'agreement_ended, revision_changed' })
  acknowledge(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: AcknowledgeAgreementDto): Promise<MyAgreementDto> {
    return this.agreements.acknowledge(p, id, dto ?? {});
  }
}
