import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { ClientPortalService } from './client-portal.service';
import { PortalClientDto, PortalPreferencesDto, UpdatePortalPreferencesDto } from './dto/portal.dto';

@ApiTags('portal')
@ApiBearerAuth()
@Roles('client')
@Controller('v1/me')
export class ClientPortalController {
  constructor(private readonly portal: ClientPortalService) {}

  @Get('client')
  @Audited({ action: 'portal.client.read', resourceType: 'client', idFromResponse: true })
  @ApiOperation({ summary: 'Client portal: your own record (name, timezone, reminder preferences)' })
  @ApiOkResponse({ type: PortalClientDto })
  async client(@CurrentPrincipal() p: Principal): Promise<PortalClientDto> {
    return PortalClientDto.from(await this.portal.me(p));
  }

  @Get('preferences')
  @Audited({ action: 'portal.preferences.read', resourceType: 'client' })
  @ApiOperation({ summary: 'Client portal: your reminder channels and quiet hours (null: the practice default)' })
  @ApiOkResponse({ type: PortalPreferencesDto })
  preferences(@CurrentPrincipal() p: Principal): Promise<PortalPreferencesDto> {
    return this.portal.preferences(p);
  }

  @Patch('preferences')
  @Audited({ action: 'portal.preferences.update', resourceType: 'client' })
  @ApiOperation({ summary: 'Client portal: change your reminder channels and quiet hours' })
  @ApiOkResponse({ type: PortalPreferencesDto })
  updatePreferences(@CurrentPrincipal() p: Principal, @Body() dto: UpdatePortalPreferencesDto): Promise<PortalPreferencesDto> {
    return this.portal.updatePreferences(p, dto);
  }
}
