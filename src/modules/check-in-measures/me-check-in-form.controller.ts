import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { CheckInMeasuresService } from './check-in-measures.service';
import { CheckInFormDto } from './dto/check-in-measure.dto';

/** Client portal: the questions of your check-in today. */
@ApiTags('portal')
@ApiBearerAuth()
@Roles('client')
@Controller('v1/me/check-in-form')
export class MeCheckInFormController {
  constructor(private readonly measures: CheckInMeasuresService) {}

  @Get()
  @Audited({ action: 'me.check_in_form.read', resourceType: 'check_in_measure' })
  @ApiOperation({ summary: 'Client portal: what your check-in asks now — the framework’s measures (top-level fields) and your practice’s (extraAnswers keys)' })
  @ApiOkResponse({ type: CheckInFormDto })
  form(@CurrentPrincipal() p: Principal): Promise<CheckInFormDto> {
    return this.measures.form(p);
  }
}
