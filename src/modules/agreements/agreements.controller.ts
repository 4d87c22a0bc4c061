import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { AgreementsService } from './agreements.service';
import {
  AdherenceResponseDto,
  AgreementDetailDto,
  AgreementPageDto,
  AgreementResponseDto,
  CreateAgreementDto,
  EndAgreementDto,
  ListAgreementsQueryDto,
  ReviseAgreementDto,
} from './dto/agreement.dto';

/**
 * A couple's boundary and transparency agreements, for the couple's care team (an admin who is
 * not on it is refused the wording with 403; a couple the caller cannot see is 404).
 */
@ApiTags('agreements')
@ApiBearerAuth()
@Roles('admin', 'clinician')
@Controller('v1/agreements')
export class AgreementsController {
  constructor(private readonly agreements: AgreementsService) {}

  @Post()
  @Audited({ action: 'agreement.create', resourceType: 'agreement', idFromResponse: true })
  @ApiOperation({ summary: 'Write a couple’s agreement (revision 1); both partners then acknowledge it in their portal' })
  @ApiCreatedResponse({ type: AgreementDetailDto })
  @ApiConflictResponse({ description: 'couple_dissolved' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateAgreementDto): Promise<AgreementDetailDto> {
    return this.agreements.create(p, dto);
  }

  @Get()
  @Audited({ action: 'agreement.list', resourceType: 'agreement' })
  @ApiOperation({ summary: 'Agreements of the couples on your care teams, newest first, with the current wording' })
  @ApiOkResponse({ type: AgreementPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListAgreementsQueryDto): Promise<Page<AgreementResponseDto>> {
    return this.agreements.list(p, q);
  }

  @Get(':id')
  @Audited({ action: 'agreement.read', resourceType: 'agreement', idParam: 'id' })
  @ApiOperation({ summary: 'One agreement: current wording, each partner’s acknowledgement of it, every earlier revision' })
  @ApiOkResponse({ type: AgreementDetailDto })
  get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<AgreementDetailDto> {
    return this.agreements.get(p, id);
  }

  @Patch(':id')
  @Audited({ action: 'agreement.revise', resourceType: 'agreement', idParam: 'id' })
  @ApiOperation({ summary: 'Revise: new wording is a new revision (history kept) that both partners acknowledge again; needs the version you read' })
  @ApiOkResponse({ type: AgreementDetailDto })
  @ApiConflictResponse({ description: 'version_conflict, agreement_ended' })
  revise(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: ReviseAgreementDto): Promise<AgreementDetailDto> {
    return this.agreements.revise(p, id, dto);
  }

  @Post(':id/end')
  @HttpCode(200)
  @Audited({ action: 'agreement.end', resourceType: 'agreement', idParam: 'id' })
  @ApiOperation({ summary: 'End the agreement (kept as a record; it no longer changes)' })
  @ApiOkResponse({ type: AgreementDetailDto })
  @ApiConflictResponse({ description: 'agreement_ended, version_conflict' })
  end(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: EndAgreementDto): Promise<AgreementDetailDto> {
    return this.agreements.end(p, id, dto ?? {});
  }

  @Get(':id/adherence')
  @Audited({ action: 'agreement.adherence', resourceType: 'agreement', idParam: 'id' })
  @ApiOperation({ summary: '“Were our agreements kept?” from the couple’s check-ins since the current wording: yes/partly/no per partner and a kept rate' })
  @ApiOkResponse({ type: AdherenceResponseDto })
  adherence(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<AdherenceResponseDto> {
    return this.agreements.adherence(p, id);
  }
}
