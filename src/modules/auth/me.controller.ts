import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AllowDuringTotpEnrolment, Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Principal } from '../../common/tenancy/request-context';
import { MeResponseDto } from '../users/dto/user.dto';
import { AuthService } from './auth.service';
import { ChangePasswordDto, RecoveryCodesDto, TotpBeginDto, TotpCodeDto, TotpDisableDto, TotpEnrolmentDto } from './dto/auth.dto';
import { MeService } from './me.service';
import { TotpEnrolmentService } from './totp-enrolment.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('v1/me')
export class MeController {
  constructor(
    private readonly me: MeService,
    private readonly auth: AuthService,
    private readonly totp: TotpEnrolmentService,
  ) {}

  @Get()
  @AllowDuringTotpEnrolment()
  @Audited({ action: 'me.read', resourceType: 'user', idFromResponse: true })
  @ApiOperation({ summary: 'The signed-in user and their practice' })
  @ApiOkResponse({ type: MeResponseDto })
  get(@CurrentPrincipal() p: Principal): Promise<MeResponseDto> {
    return this.me.get(p);
  }

  @Post('password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your password; every other session ends' })
  @ApiNoContentResponse()
  changePassword(@CurrentPrincipal() p: Principal, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(p, dto);
  }

  @Post('totp')
  @Roles('admin', 'clinician')
  @AllowDuringTotpEnrolment()
  @ApiOperation({ summary: 'Start TOTP enrolment (password required): a new secret for an authenticator app' })
  @ApiCreatedResponse({ type: TotpEnrolmentDto })
  beginTotp(@CurrentPrincipal() p: Principal, @Body() dto: TotpBeginDto): Promise<TotpEnrolmentDto> {
    return this.totp.begin(p, dto);
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @Roles('admin', 'clinician')
  @AllowDuringTotpEnrolment()
  @ApiOperation({ summary: 'Confirm enrolment with a current code; returns recovery codes once' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  async confirmTotp(@CurrentPrincipal() p: Principal, @Body() dto: TotpCodeDto): Promise<RecoveryCodesDto> {
    return { recoveryCodes: await this.totp.confirm(p, dto.code) };
  }

  @Post('totp/recovery-codes')
  @HttpCode(200)
  @Roles('admin', 'clinician')
  @ApiOperation({ summary: 'Replace the recovery codes (needs a current code)' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  async regenerate(@CurrentPrincipal() p: Principal, @Body() dto: TotpCodeDto): Promise<RecoveryCodesDto> {
    return { recoveryCodes: await this.totp.regenerateRecoveryCodes(p, dto.code) };
  }

  @Post('totp/disable')
  @HttpCode(204)
  @Roles('admin', 'clinician')
  @ApiOperation({ summary: 'Turn TOTP off (password and a code or recovery code)' })
  @ApiNoContentResponse()
  disableTotp(@CurrentPrincipal() p: Principal, @Body() dto: TotpDisableDto): Promise<void> {
    return this.totp.disable(p, dto);
  }
}
