import { Body, Controller, Get, Header, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiGoneResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '../../common/auth/decorators';
import type { KintsugiRequest } from '../../common/http/request';
import { MyCheckInDto, SubmitCheckInDto } from '../check-ins/dto/check-in.dto';
import { OneTapCheckInFormDto, OneTapPreviewResponseDto, OneTapRedeemResponseDto, OneTapTokenDto } from './dto/one-tap.dto';
import { CurrentGrant, RequiresGrant } from './one-tap-grant.guard';
import type { OneTapGrant } from './one-tap-grants';
import { OneTapRedeemService } from './one-tap-redeem.service';

type Grant = OneTapGrant & { spent: boolean };

/**
 * One-tap links from reminder emails: no password, one use, an expiry, one thing. The link
 * (`/t/<token>`) opens a page of the front end that POSTs the token here, so that mail scanners
 * fetching the link spend nothing. Redeeming an open_* link gives a 30-minute grant for the
 * routes below of its scope and for nothing else; a confirm/cancel link acts at once.
 */
@ApiTags('one-tap')
@Controller('v1/one-tap')
export class OneTapController {
  constructor(private readonly oneTap: OneTapRedeemService) {}

  @Post('preview')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'What a link is for (and which session), without using it' })
  @ApiOkResponse({ type: OneTapPreviewResponseDto })
  @ApiNotFoundResponse({ description: 'No such link' })
  @ApiGoneResponse({ description: 'link_expired_or_used' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts from this address' })
  preview(@Body() dto: OneTapTokenDto, @Req() req: KintsugiRequest): Promise<OneTapPreviewResponseDto> {
    return this.oneTap.preview(dto.token, req.ip);
  }

  @Post('redeem')
  @Public()
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Use a link: a grant for one check-in or one homework instance, or confirm/cancel a session' })
  @ApiOkResponse({ type: OneTapRedeemResponseDto })
  @ApiNotFoundResponse({ description: 'No such link' })
  @ApiGoneResponse({ description: 'link_expired_or_used' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts from this address' })
  redeem(@Body() dto: OneTapTokenDto, @Req() req: KintsugiRequest): Promise<OneTapRedeemResponseDto> {
    return this.oneTap.redeem(dto.token, req.ip);
  }

  @Get('check-in')
  @RequiresGrant('check_in')
  @ApiBearerAuth()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'With a check-in grant: what the check-in form asks' })
  @ApiOkResponse({ type: OneTapCheckInFormDto })
  @ApiUnauthorizedResponse({ description: 'No grant, an expired one, or one of another scope' })
  @ApiGoneResponse({ description: 'already_submitted' })
  checkInForm(@CurrentGrant() g: Grant): Promise<OneTapCheckInFormDto> {
    return this.oneTap.checkInForm(g);
  }

  @Post('check-in')
  @RequiresGrant('check_in')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'With a check-in grant: check in, once (“I feel unsafe” alerts the care team at once)' })
  @ApiCreatedResponse({ type: MyCheckInDto })
  @ApiUnauthorizedResponse({ description: 'No grant, an expired one, or one of another scope' })
  @ApiGoneResponse({ description: 'already_submitted' })
  submitCheckIn(@CurrentGrant() g: Grant, @Body() dto: SubmitCheckInDto): Promise<MyCheckInDto> {
    return this.oneTap.submitCheckIn(g, dto);
  }

  @Get('homework')
  @RequiresGrant('homework')
  @ApiBearerAuth()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'With a homework grant: the one instance it opens, as the portal shows it' })
  @ApiOkResponse({ description: 'The instance (shape of GET /v1/me/homework items)' })
  @ApiUnauthorizedResponse({ description: 'No grant, an expired one, or one of another scope' })
  homework(@CurrentGrant() g: Grant): Promise<object> {
    return this.oneTap.homeworkView(g);
  }

  @Post('homework/submission')
  @RequiresGrant('homework')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'With a homework grant: submit that one instance, once (body of POST /v1/me/homework/:instanceId/submission)' })
  @ApiCreatedResponse({ description: 'The submission' })
  @ApiUnauthorizedResponse({ description: 'No grant, an expired one, or one of another scope' })
  @ApiGoneResponse({ description: 'already_submitted' })
  submitHomework(@CurrentGrant() g: Grant, @Body() body: unknown): Promise<object> {
    return this.oneTap.submitHomework(g, body);
  }
}
