import { Body, Controller, Delete, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { CalendarFeedService } from './calendar-feed.service';
import {
  CalendarFeedCreatedDto,
  CalendarFeedRequestDto,
  CalendarFeedStatusDto,
  MySessionPageDto,
  MySessionResponseDto,
  MySessionsQueryDto,
} from './dto/session.dto';
import { SessionsService } from './sessions.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('v1/me')
export class MeSessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly feeds: CalendarFeedService,
  ) {}

  @Get('sessions')
  @Roles('client')
  @Audited({ action: 'me.session.list', resourceType: 'session' })
  @ApiOperation({ summary: 'Client portal: your own upcoming sessions' })
  @ApiOkResponse({ type: MySessionPageDto })
  mySessions(@CurrentPrincipal() p: Principal, @Query() q: MySessionsQueryDto): Promise<Page<MySessionResponseDto>> {
    return this.sessions.mySessions(p, q);
  }

  @Post('calendar-feed')
  @Roles('clinician')
  @Audited({ action: 'calendar_feed.rotate', resourceType: 'calendar_feed' })
  @ApiOperation({ summary: 'Create or rotate your secret iCalendar feed URL (shown once; the previous URL stops working)' })
  @ApiCreatedResponse({ type: CalendarFeedCreatedDto })
  async rotateFeed(@CurrentPrincipal() p: Principal, @Body() dto: CalendarFeedRequestDto, @Req() req: FastifyRequest): Promise<CalendarFeedCreatedDto> {
    const feed = await this.feeds.rotate(p, dto.includeClientNames ?? false);
    const path = `/v1/calendar/${feed.token}.ics`;
    return { url: `${req.protocol}://${req.host}${path}`, path, includeClientNames: feed.includeClientNames, createdAt: feed.issuedAt.toISOString() };
  }

  @Get('calendar-feed')
  @Roles('clinician')
  @ApiOperation({ summary: 'Whether you have a calendar feed (its URL is never shown again)' })
  @ApiOkResponse({ type: CalendarFeedStatusDto })
  feedStatus(@CurrentPrincipal() p: Principal): Promise<CalendarFeedStatusDto> {
    return this.feeds.status(p);
  }

  @Delete('calendar-feed')
  @HttpCode(204)
  @Roles('clinician')
  @Audited({ action: 'calendar_feed.revoke', resourceType: 'calendar_feed' })
  @ApiOperation({ summary: 'Revoke your calendar feed' })
  @ApiNoContentResponse()
  async revokeFeed(@CurrentPrincipal() p: Principal): Promise<void> {
    await this.feeds.revoke(p);
  }
}
