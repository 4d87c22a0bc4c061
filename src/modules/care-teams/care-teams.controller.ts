import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { CareTeamsService } from './care-teams.service';
import { AddCareTeamMemberDto, CareTeamDto, CareTeamMemberDto } from './dto/care-team.dto';

@ApiTags('care-teams')
@ApiBearerAuth()
@Roles('admin', 'clinician')
@Controller('v1')
export class CareTeamsController {
  constructor(private readonly teams: CareTeamsService) {}

  @Get('clients/:id/care-team')
  @Audited({ action: 'client.care_team.read', resourceType: 'client', idParam: 'id' })
  @ApiOperation({ summary: 'The clinicians on a client’s care team' })
  @ApiOkResponse({ type: CareTeamDto })
  async listForClient(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<CareTeamDto> {
    return { data: (await this.teams.list(p, { kind: 'client', id })).map(CareTeamMemberDto.from) };
  }

  @Post('clients/:id/care-team')
  @Audited({ action: 'client.care_team.add', resourceType: 'client', idParam: 'id' })
  @ApiOperation({ summary: 'Add an active clinician or admin of the practice to a client’s care team (admins, or a clinician on the team)' })
  @ApiCreatedResponse({ type: CareTeamMemberDto })
  async addToClient(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: AddCareTeamMemberDto): Promise<CareTeamMemberDto> {
    return CareTeamMemberDto.from(await this.teams.add(p, { kind: 'client', id }, dto.clinicianId));
  }

  @Delete('clients/:id/care-team/:clinicianId')
  @HttpCode(204)
  @Audited({ action: 'client.care_team.remove', resourceType: 'client', idParam: 'id' })
  @ApiOperation({ summary: 'Remove a clinician from a client’s care team (the last one: admins only)' })
  @ApiNoContentResponse()
  async removeFromClient(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @UuidParam('clinicianId') clinicianId: string): Promise<void> {
    await this.teams.remove(p, { kind: 'client', id }, clinicianId);
  }

  @Get('couples/:id/care-team')
  @Audited({ action: 'couple.care_team.read', resourceType: 'couple', idParam: 'id' })
  @ApiOperation({ summary: 'The clinicians on a couple’s care team' })
  @ApiOkResponse({ type: CareTeamDto })
  async listForCouple(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<CareTeamDto> {
    return { data: (await this.teams.list(p, { kind: 'couple', id })).map(CareTeamMemberDto.from) };
  }

  @Post('couples/:id/care-team')
  @Audited({ action: 'couple.care_team.add', resourceType: 'couple', idParam: 'id' })
  @ApiOperation({ summary: 'Add an active clinician or admin of the practice to a couple’s care team (admins, or a clinician on the team)' })
  @ApiCreatedResponse({ type: CareTeamMemberDto })
  async addToCouple(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: AddCareTeamMemberDto): Promise<CareTeamMemberDto> {
    return CareTeamMemberDto.from(await this.teams.add(p, { kind: 'couple', id }, dto.clinicianId));
  }

  @Delete('couples/:id/care-team/:clinicianId')
  @HttpCode(204)
  @Audited({ action: 'couple.care_team.remove', resourceType: 'couple', idParam: 'id' })
  @ApiOperation({ summary: 'Remove a clinician from a couple’s care team (the last one: admins only)' })
  @ApiNoContentResponse()
  async removeFromCouple(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @UuidParam('clinicianId') clinicianId: string): Promise<void> {
    await this.teams.remove(p, { kind: 'couple', id }, clinicianId);
  }
}
