import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { AllowDuringTotpEnrolment, CurrentPrincipal, Public } from '../../common/auth/decorators';
import type { KintsugiRequest } from '../../common/http/request';
import { Principal } from '../../common/tenancy/request-context';
import { MeResponseDto } from '../users/dto/user.dto';
import { AuthService } from './auth.service';
import {
  AcceptInvitationDto,
  LoginDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RefreshDto,
  SignupDto,
  TokenPairDto,
} from './dto/auth.dto';
import { PasswordResetService } from './password-reset.service';
import { MeService } from './me.service';

class SignupResponseDto extends TokenPairDto {
  me!: MeResponseDto;
}

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly reset: PasswordResetService,
    private readonly me: MeService,
  ) {}

  @Public()
  @Post('signup')
  @ApiOperation({ summary: 'Create a practice and its first admin, and sign in' })
  @ApiCreatedResponse({ type: SignupResponseDto })
  @ApiTooManyRequestsResponse()
  async signup(@Body() dto: SignupDto, @Req() req: KintsugiRequest): Promise<SignupResponseDto> {
    const { tokens, user, practice } = await this.auth.signup(dto, req.ip);
    return { ...tokens, me: this.me.toDto(user, practice, false) };
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password (and a TOTP or recovery code when enrolled)' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts for this account or address; see Retry-After' })
  login(@Body() dto: LoginDto, @Req() req: KintsugiRequest): Promise<TokenPairDto> {
    return this.auth.login(dto, req.ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; reusing a spent one ends the session' })
  @ApiOkResponse({ type: TokenPairDto })
  refresh(@Body() dto: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @AllowDuringTotpEnrolment()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End this session: its access and refresh tokens stop working' })
  @ApiNoContentResponse()
  logout(@CurrentPrincipal() principal: Principal): Promise<void> {
    return this.auth.logout(principal);
  }

  @Public()
  @Post('invitations/accept')
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept an invitation: set a password and sign in' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiTooManyRequestsResponse()
  acceptInvitation(@Body() dto: AcceptInvitationDto, @Req() req: KintsugiRequest): Promise<TokenPairDto> {
    return this.auth.acceptInvitation(dto, req.ip);
  }

  @Public()
  @Post('password-reset/request')
  @HttpCode(202)
  @ApiOperation({ summary: 'Email a single-use reset link; answers the same whether or not the account exists' })
  @ApiAcceptedResponse()
  @ApiTooManyRequestsResponse()
  async requestReset(@Body() dto: PasswordResetRequestDto, @Req() req: KintsugiRequest): Promise<void> {
    await this.reset.request(dto.email, req.ip);
  }

  @Public()
  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a new password with the emailed token; ends every session of the account' })
  @ApiNoContentResponse()
  @ApiTooManyRequestsResponse()
  async confirmReset(@Body() dto: PasswordResetConfirmDto, @Req() req: KintsugiRequest): Promise<void> {
    await this.reset.confirm(dto.token, dto.password, req.ip);
  }
}
