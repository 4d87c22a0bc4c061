import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { PracticeResponseDto, UpdatePracticeDto } from './dto/practice.dto';
import { PracticesService } from './practices.service';

@ApiTags('practice')
@ApiBearerAuth()
@Controller('v1/practice')
export class PracticesController {
  constructor(private readonly practices: PracticesService) {}

  @Get()
  @Roles('admin', 'clinician')
  @Audited({ action: 'practice.read', resourceType: 'practice', idFromResponse: true })
  @ApiOperation({ summary: 'The signed-in user’s practice and its settings' })
  @ApiOkResponse({ type: PracticeResponseDto })
  async get(@CurrentPrincipal() principal: Principal): Promise<PracticeResponseDto> {
    return PracticeResponseDto.from(await this.practices.get(principal));
  }

  @Patch()
  @Roles('admin')
  @Audited({ action: 'practice.update', resourceType: 'practice', idFromResponse: true })
  @ApiOperation({ summary: 'Change the practice’s name, timezone or settings (admins)' })
  @ApiOkResponse({ type: PracticeResponseDto })
  async update(@CurrentPrincipal() principal: Principal, @Body() dto: UpdatePracticeDto): Promise<PracticeResponseDto> {
    return PracticeResponseDto.from(await this.practices.update(principal, dto));
  }
}
