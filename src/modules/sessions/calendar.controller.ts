import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/decorators';
import { CalendarFeedService } from './calendar-feed.service';

/** The secret-URL feed calendar apps subscribe to; the token is the only credential. */
@ApiTags('calendar')
@Controller('v1/calendar')
export class CalendarController {
  constructor(private readonly feeds: CalendarFeedService) {}

  @Get(':token.ics')
  @Public()
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  @Header('Cache-Control', 'private, no-store')
  @Header('X-Robots-Tag', 'noindex')
  @ApiOperation({ summary: 'A clinician’s sessions as iCalendar (no client names unless the clinician opted in; never notes)' })
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'text/calendar' })
  feed(@Param('token') token: string): Promise<string> {
    return this.feeds.render(token);
  }
}
