import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { CheckInMeasuresService } from './check-in-measures.service';
import { CheckInMeasureDto, CheckInMeasureListDto, CreateCheckInMeasureDto, UpdateCheckInMeasureDto } from './dto/check-in-measure.dto';

/** The practice's own check-in measures: admins manage them, clinicians and admins read them. */
@ApiTags('check-ins')
@ApiBearerAuth()
@Controller('v1/practice/check-in-measures')
export class CheckInMeasuresController {
  constructor(private readonly measures: CheckInMeasuresService) {}

  @Get()
  @Roles('admin', 'clinician')
  @Audited({ action: 'check_in_measure.list', resourceType: 'check_in_measure' })
  @ApiOperation({ summary: 'Your practice’s own check-in measures (active and inactive), in the order asked' })
  @ApiOkResponse({ type: CheckInMeasureListDto })
  list(@CurrentPrincipal() p: Principal): Promise<CheckInMeasureListDto> {
    return this.measures.list(p);
  }

  @Post()
  @Roles('admin')
  @Audited({ action: 'check_in_measure.create', resourceType: 'check_in_measure', idFromResponse: true })
  @ApiOperation({ summary: 'Add a check-in measure (scale_0_10, scale_1_5, choice, boolean, text); its key and kind are fixed once created' })
  @ApiCreatedResponse({ type: CheckInMeasureDto })
  @ApiConflictResponse({ description: 'measure_key_taken' })
  create(@CurrentPrincipal() p: Principal, @Body() dto: CreateCheckInMeasureDto): Promise<CheckInMeasureDto> {
    return this.measures.create(p, dto);
  }

  @Patch(':id')
  @Roles('admin')
  @Audited({ action: 'check_in_measure.update', resourceType: 'check_in_measure', idParam: 'id' })
  @ApiOperation({ summary: 'Edit a measure’s label, options (choice), active flag or position' })
  @ApiOkResponse({ type: CheckInMeasureDto })
  update(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string, @Body() dto: UpdateCheckInMeasureDto): Promise<CheckInMeasureDto> {
    return this.measures.update(p, id, dto);
  }
}
