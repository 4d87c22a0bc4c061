import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { portalClientId } from '../../common/access/portal';
import { BadRequestError, NotFoundError } from '../../common/errors/domain-error';
import { decodeCursor, Page, toPage } from '../../common/pagination/cursor';
import { Principal } from '../../common/tenancy/request-context';
import { DeliveryLogDetailDto, DeliveryLogEntryDto, ListDeliveryLogQueryDto } from './dto/delivery-log.dto';
import { InboxItemDto, ListInboxQueryDto, ReadAllResultDto } from './dto/inbox.dto';
import { renderMessage } from './notification-messages';
import { InboxOwner, InboxRow, NotificationsRepository } from './notifications.repository';

/** An inbox item, its message rendered now from ids (the same words as the email, no greeting). */
function toInboxItem(r: InboxRow): InboxItemDto {
  const message = renderMessage(r.reason, {
    practiceName: r.practiceName,
    when: r.subjectAt ? { at: r.subjectAt, timezone: r.timezone } : null,
  });
  return {
    id: r.id,
    reason: r.reason,
    subject: { type: r.subjectType, id: r.subjectId },
    title: message.title,
    body: message.body,
    sentAt: r.deliveredAt.toISOString(),
    readAt: r.readAt?.toISOString() ?? null,
  };
}

@Injectable()
export class NotificationsService {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly dataSource: DataSource,
  ) {}

  /** A portal account reads its client's inbox; staff read their own. */
  private async ownerOf(p: Principal): Promise<InboxOwner> {
    if (p.role === 'client') return { kind: 'client', clientId: await portalClientId(this.dataSource, p) };
    return { kind: 'user', userId: p.userId };
  }

  async inbox(p: Principal, q: ListInboxQueryDto): Promise<Page<InboxItemDto>> {
    const limit = q.limit ?? 25;
    const before = decodeCursor(q.cursor);
    const rows = await this.notifications.inbox(p.practiceId, await this.ownerOf(p), { unread: q.unread === true, before, limit });
    return toPage(rows, limit, (r) => ({ at: r.deliveredAt.toISOString(), id: r.id }), toInboxItem);
  }

  async markRead(p: Principal, id: string): Promise<InboxItemDto> {
    const owner = await this.ownerOf(p);
    if (!(await this.notifications.markRead(p.practiceId, owner, id))) throw new NotFoundError('Notification');
    const [row] = await this.notifications.inbox(p.practiceId, owner, { unread: false, before: null, limit: 1, id });
    if (!row) throw new NotFoundError('Notification');
    return toInboxItem(row);
  }

  async markAllRead(p: Principal): Promise<ReadAllResultDto> {
    return { updated: await this.notifications.markAllRead(p.practiceId, await this.ownerOf(p)) };
  }

  async deliveryLog(p: Principal, q: ListDeliveryLogQueryDto): Promise<Page<DeliveryLogEntryDto>> {
    if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) {
      throw new BadRequestError('validation_failed', 'to: must be after from', { fields: [{ field: 'to', reasons: ['must be after from'] }] });
    }
    const limit = q.limit ?? 50;
    const rows = await this.notifications.deliveryLog(p.practiceId, { ...q, before: decodeCursor(q.cursor), limit });
    return toPage(rows, limit, (n) => ({ at: n.scheduledFor.toISOString(), id: n.id }), DeliveryLogEntryDto.from);
  }

  async logEntry(p: Principal, id: string): Promise<DeliveryLogDetailDto> {
    const found = await this.notifications.logEntry(p.practiceId, id);
    if (!found) throw new NotFoundError('Notification');
    return DeliveryLogDetailDto.detail(found.notification, found.delivery);
  }
}
