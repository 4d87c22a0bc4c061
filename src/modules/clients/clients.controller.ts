import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { ClientsService } from './clients.service';
import { ClientPageDto, ClientResponseDto } from './dto/client-response.dto';
import { CreateClientDto } from './dto/create-client.dto';
import { ListClientsQueryDto } from './dto/list-clients.dto';
import { UpdateClientDto } from './dto/update-client.dto';

@ApiTags('clients')
@ApiBearerAuth()
@Roles('admin', 'clinician')
@Controller('v1/clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Get()
  @Audited({ action: 'client.list', resourceType: 'client' })
  @ApiOperation({ summary: 'Clients you may see (admins: the practice; clinicians: their care teams), filterable and paginated' })
  @ApiOkResponse({ type: ClientPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListClientsQueryDto): Promise<Page<ClientResponseDto>> {
    return this.clients.list(p, q);
  }

  @Post()
  @Audited({ action: 'client.create', resourceType: 'client', idFromResponse: true })
  @ApiOperation({ summary: 'Create a client record; a clinician who creates it joins its care team' })
  @ApiCreatedResponse({ type: ClientResponseDto })
  async create(@CurrentPrincipal() p: Principal, @Body() dto: CreateClientDto): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clients.create(p, dto));
  }

  @Get(':id')
  @Audited({ action: 'client.read', resourceType: 'client', idParam: 'id' })
  @ApiOperation({ summary: 'One client record' })
  @ApiOkResponse({ type: ClientResponseDto })
  async get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clients.get(p, id));
  }

  @Patch(':id')
  @Audited({ action: 'client.update', resourceType: 'client', idParam: 'id' })
  @ApiOperation({ summary: 'Change a client’s details; send the version you read (stale: 409)' })
  @ApiOkResponse({ type: ClientResponseDto })
  async update(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: UpdateClientDto): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clients.update(p, id, dto));
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Audited({ action: 'client.archive', resourceType: 'client', idParam: 'id' })
  @ApiOperation({ summary: 'Archive a client (kept with its history; allowed while in an active couple)' })
  @ApiOkResponse({ type: ClientResponseDto })
  async archive(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clients.setArchived(p, id, true));
  }

  @Post(':id/unarchive')
  @HttpCode(200)
  @Audited({ action: 'client.unarchive', resourceType: 'client', idParam: 'id' })
  @ApiOperation({ summary: 'Make an archived client active again' })
  @ApiOkResponse({ type: ClientResponseDto })
  async unarchive(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clients.setArchived(p, id, false));
  }

  @Post(':id/invite')
  @HttpCode(200)
  @Audited({ action: 'client.portal_invite', resourceType: 'client', idParam: 'id' })
  @ApiOperation({ summary: 'Invite the client to the portal by email (single-use link); again to resend, voiding the previous link' })
  @ApiOkResponse({ type: ClientResponseDto })
  async invite(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<ClientResponseDto> {
    return ClientResponseDto.from(await this.clients.invite(p, id));
  }
}
