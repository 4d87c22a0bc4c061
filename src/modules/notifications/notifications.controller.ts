import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles } from '../../common/auth/decorators';
import { Page } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { UuidParam } from '../users/users.controller';
import { DeliveryLogDetailDto, DeliveryLogEntryDto, DeliveryLogPageDto, ListDeliveryLogQueryDto } from './dto/delivery-log.dto';
import { NotificationsService } from './notifications.service';

/** The practice's delivery log (admins): what was planned, sent, skipped or failed — never what it said. */
@ApiTags('notifications')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Audited({ action: 'notification.list', resourceType: 'notification' })
  @ApiOperation({ summary: 'The practice’s delivery log, latest scheduled first (admins)' })
  @ApiOkResponse({ type: DeliveryLogPageDto })
  list(@CurrentPrincipal() p: Principal, @Query() q: ListDeliveryLogQueryDto): Promise<Page<DeliveryLogEntryDto>> {
    return this.notifications.deliveryLog(p, q);
  }

  @Get(':id')
  @Audited({ action: 'notification.read', resourceType: 'notification', idParam: 'id' })
  @ApiOperation({ summary: 'One notification of the delivery log with its delivery ledger (admins)' })
  @ApiOkResponse({ type: DeliveryLogDetailDto })
  @ApiNotFoundResponse()
  get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<DeliveryLogDetailDto> {
    return this.notifications.logEntry(p, id);
  }
}
