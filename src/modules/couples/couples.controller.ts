import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { CouplesService } from './couples.service';
import {
  CouplePageDto,
  CoupleResponseDto,
  CreateCoupleDto,
  DissolveCoupleDto,
  ListCouplesQueryDto,
  UpdateCoupleDto,
} from './dto/couple.dto';

/**
 * Couples are records (who, roles, privacy policy, status): admins see all of the practice's,
 * clinicians those on whose care team they are (or all, when the practice widens it).
 */
@ApiTags('couples')
@ApiBearerAuth()
@Roles('admin', 'clinician')
@Controller('v1/couples')
export class CouplesController {
  constructor(private readonly couples: CouplesService) {}

  @Get()
  @Audited({ action: 'couple.list', resourceType: 'couple' })
  @ApiOperation({ summary: 'Couples you can see, newest first; filter by status or a partner' })
  @ApiOkResponse({ type: CouplePageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListCouplesQueryDto): Promise<Page<CoupleResponseDto>> {
    return this.couples.list(p, q);
  }

  @Post()
  @Audited({ action: 'couple.create', resourceType: 'couple', idFromResponse: true })
  @ApiOperation({ summary: 'Form a couple of two active clients (a clinician who creates it joins its care team)' })
  @ApiCreatedResponse({ type: CoupleResponseDto })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateCoupleDto): Promise<CoupleResponseDto> {
    return this.couples.create(p, dto);
  }

  @Get(':id')
  @Audited({ action: 'couple.read', resourceType: 'couple', idParam: 'id' })
  @ApiOperation({ summary: 'One couple, its partners and whether conjoint work is paused' })
  @ApiOkResponse({ type: CoupleResponseDto })
  get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<CoupleResponseDto> {
    return this.couples.get(p, id);
  }

  @Patch(':id')
  @Audited({ action: 'couple.update', resourceType: 'couple', idParam: 'id' })
  @ApiOperation({ summary: 'Change the privacy policy, consent date or partner roles (send the version you read)' })
  @ApiOkResponse({ type: CoupleResponseDto })
  update(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: UpdateCoupleDto): Promise<CoupleResponseDto> {
    return this.couples.update(p, id, dto);
  }

  @Post(':id/dissolve')
  @HttpCode(200)
  @Audited({ action: 'couple.dissolve', resourceType: 'couple', idParam: 'id' })
  @ApiOperation({ summary: 'Dissolve the couple: its partners may join another couple; its history is kept' })
  @ApiOkResponse({ type: CoupleResponseDto })
  dissolve(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: DissolveCoupleDto): Promise<CoupleResponseDto> {
    return this.couples.dissolve(p, id, dto);
  }
}
