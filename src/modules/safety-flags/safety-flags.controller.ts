import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import {
  ListSafetyFlagsQueryDto,
  RaiseSafetyFlagDto,
  ResolveSafetyFlagDto,
  SafetyFlagPageDto,
  SafetyFlagResponseDto,
} from './dto/safety-flag.dto';
import { SafetyFlagsService } from './safety-flags.service';

/**
 * Safety flags of a client: clinical content, for the care team only. Reading is open to an admin
 * who is on the care team; raising and resolving are a clinician's acts.
 */
@ApiTags('safety-flags')
@ApiBearerAuth()
@Controller('v1/clients/:id/safety-flags')
export class SafetyFlagsController {
  constructor(private readonly flags: SafetyFlagsService) {}

  @Get()
  @Roles('admin', 'clinician')
  @Audited({ action: 'safety_flag.list', resourceType: 'client', idParam: 'id' })
  @ApiOperation({ summary: 'A client’s safety flags, newest first (care team only)' })
  @ApiOkResponse({ type: SafetyFlagPageDto })
  list(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') clientId: string,
    @Query() q: ListSafetyFlagsQueryDto,
  ): Promise<Page<SafetyFlagResponseDto>> {
    return this.flags.list(p, clientId, q);
  }

  @Post()
  @Roles('clinician')
  @Audited({ action: 'safety_flag.raise', resourceType: 'safety_flag', idFromResponse: true })
  @ApiOperation({ summary: 'Raise a safety flag; an active high-severity IPV flag pauses the couple’s conjoint work' })
  @ApiCreatedResponse({ type: SafetyFlagResponseDto })
  raise(@CurrentPrincipal() p: Principal, @UuidParam('id') clientId: string, @Body() dto: RaiseSafetyFlagDto): Promise<SafetyFlagResponseDto> {
    return this.flags.raise(p, clientId, dto);
  }

  @Post(':flagId/resolve')
  @HttpCode(200)
  @Roles('clinician')
  @Audited({ action: 'safety_flag.resolve', resourceType: 'safety_flag', idParam: 'flagId' })
  @ApiOperation({ summary: 'Resolve a safety flag (a resolved high IPV flag no longer pauses conjoint work)' })
  @ApiOkResponse({ type: SafetyFlagResponseDto })
  resolve(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') clientId: string,
    @UuidParam('flagId') flagId: string,
    @Body() dto: ResolveSafetyFlagDto,
  ): Promise<SafetyFlagResponseDto> {
    return this.flags.resolve(p, clientId, flagId, dto);
  }
}
