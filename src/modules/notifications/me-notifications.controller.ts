import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { InboxItemDto, InboxPageDto, ListInboxQueryDto, ReadAllResultDto } from './dto/inbox.dto';
import { NotificationsService } from './notifications.service';

/**
 * The in-app inbox of whoever is signed in: a portal client sees their own reminders, a staff
 * member their own alerts. Someone else's notification is 404.
 */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('v1/me/notifications')
export class MeNotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Audited({ action: 'me.notification.list', resourceType: 'notification' })
  @ApiOperation({ summary: 'Your in-app notifications, newest first (?unread=true for the unread ones)' })
  @ApiOkResponse({ type: InboxPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListInboxQueryDto): Promise<Page<InboxItemDto>> {
    return this.notifications.inbox(p, q);
  }

  @Post('read-all')
  @HttpCode(200)
  @Audited({ action: 'me.notification.read_all', resourceType: 'notification' })
  @ApiOperation({ summary: 'Mark all your in-app notifications read' })
  @ApiOkResponse({ type: ReadAllResultDto })
  readAll(@CurrentPrincipal() p: Principal): Promise<ReadAllResultDto> {
    return this.notifications.markAllRead(p);
  }

  @Post(':id/read')
  @HttpCode(200)
  @Audited({ action: 'me.notification.read', resourceType: 'notification', idParam: 'id' })
  @ApiOperation({ summary: 'Mark one of your in-app notifications read (the first read time stays)' })
  @ApiOkResponse({ type: InboxItemDto })
  @ApiNotFoundResponse({ description: 'Not one of your in-app notifications' })
  read(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<InboxItemDto> {
    return this.notifications.markRead(p, id);
  }
}
