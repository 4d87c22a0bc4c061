import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CursorKey } from '../../common/pagination/cursor';
import { PracticeId } from '../../common/tenancy/request-context';
import { SUBJECT_TIME, SUBJECT_TIME_JOINS } from './notification-facts.repository';
import { Channel, Notification, NotificationDelivery, NotificationReason, NotificationState, NotificationSubject } from './notification.entity';

/** Whose inbox: a portal client's (by client id) or a staff member's (by user id). */
export type InboxOwner = { kind: 'client'; clientId: string } | { kind: 'user'; userId: string };

/** An in-app notification as the inbox shows it, with what its message is rendered from. */
export interface InboxRow {
  id: string;
  reason: NotificationReason;
  subjectType: NotificationSubject;
  subjectId: string;
  deliveredAt: Date;
  readAt: Date | null;
  practiceName: string;
  timezone: string;
  subjectAt: Date | null;
}

interface RawInboxRow {
  id: string;
  reason: NotificationReason;
  subject_type: NotificationSubject;
  subject_id: string;
  delivered_at: Date;
  read_at: Date | null;
  practice_name: string;
  timezone: string;
  subject_at: Date | null;
}

export interface DeliveryLogFilter {
  state?: NotificationState;
  channel?: Channel;
  reason?: NotificationReason;
  recipientClientId?: string;
  recipientUserId?: string;
  from?: string;
  to?: string;
  before: CursorKey | null;
  limit: number;
}

/** When an in-app notification reached the inbox: the order of the inbox (with the id for ties). */
const DELIVERED_AT = 'n.sent_at';

@Injectable()
export class NotificationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The owner condition of an inbox query; $1 is the practice, $2 the owner's id. */
  private static ownerCondition(owner: InboxOwner): string {
    return owner.kind === 'client' ? 'n.recipient_client_id = $2' : 'n.recipient_user_id = $2';
  }

  private static ownerId(owner: InboxOwner): string {
    return owner.kind === 'client' ? owner.clientId : owner.userId;
  }

  /**
   * One page of an inbox, newest first, with everything its messages are rendered from, in one
   * query: only delivered in-app rows of this owner in this practice.
   */
  async inbox(practiceId: PracticeId, owner: InboxOwner, f: { unread: boolean; before: CursorKey | null; limit: number; id?: string }): Promise<InboxRow[]> {
    const params: unknown[] = [practiceId, NotificationsRepository.ownerId(owner)];
    const where = [
      'n.practice_id = $1',
      NotificationsRepository.ownerCondition(owner),
      `n.channel = 'in_app'`,
      `n.state = 'sent'`,
      'n.sent_at IS NOT NULL',
    ];
    if (f.unread) where.push('n.read_at IS NULL');
    if (f.id) {
      params.push(f.id);
      where.push(`n.id = $${params.length}`);
    }
    if (f.before) {
      params.push(f.before.at, f.before.id);
      where.push(`(${DELIVERED_AT}, n.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(f.limit + 1);
    const rows: RawInboxRow[] = await this.dataSource.query(
      `SELECT n.id, n.reason, n.subject_type, n.subject_id, ${DELIVERED_AT} AS delivered_at, n.read_at,
              p.name AS practice_name, COALESCE(c.timezone, p.timezone) AS timezone, ${SUBJECT_TIME} AS subject_at
         FROM notifications n
         JOIN practices p ON p.id = n.practice_id
         LEFT JOIN clients c ON c.id = n.recipient_client_id AND c.practice_id = n.practice_id
         ${SUBJECT_TIME_JOINS}
        WHERE ${where.join(' AND ')}
        ORDER BY ${DELIVERED_AT} DESC, n.id DESC
        LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      reason: r.reason,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      deliveredAt: r.delivered_at,
      readAt: r.read_at,
      practiceName: r.practice_name,
      timezone: r.timezone,
      subjectAt: r.subject_at,
    }));
  }

  /** Marks one of the owner's in-app notifications read (the first read time stays); false when it is not theirs. */
  async markRead(practiceId: PracticeId, owner: InboxOwner, id: string): Promise<boolean> {
    // The postgres driver answers an UPDATE with [rows, affected].
    const [, affected]: [unknown[], number] = await this.dataSource.query(
      `UPDATE notifications n SET read_at = COALESCE(n.read_at, now()), updated_at = CASE WHEN n.read_at IS NULL THEN now() ELSE n.updated_at END
        WHERE n.practice_id = $1 AND ${NotificationsRepository.ownerCondition(owner)} AND n.id = $3
          AND n.channel = 'in_app' AND n.state = 'sent' AND n.sent_at IS NOT NULL`,
      [practiceId, NotificationsRepository.ownerId(owner), id],
    );
    return affected > 0;
  }

  /** Marks every unread in-app notification of the owner read; how many changed. */
  async markAllRead(practiceId: PracticeId, owner: InboxOwner): Promise<number> {
    const [, affected]: [unknown[], number] = await this.dataSource.query(
      `UPDATE notifications n SET read_at = now(), updated_at = now()
        WHERE n.practice_id = $1 AND ${NotificationsRepository.ownerCondition(owner)}
          AND n.channel = 'in_app' AND n.state = 'sent' AND n.sent_at IS NOT NULL AND n.read_at IS NULL`,
      [practiceId, NotificationsRepository.ownerId(owner)],
    );
    return affected;
  }

  /** The practice's delivery log, newest scheduled first, keyset on (scheduled_for, id). */
  deliveryLog(practiceId: PracticeId, f: DeliveryLogFilter): Promise<Notification[]> {
    const qb = this.dataSource.manager
      .createQueryBuilder(Notification, 'n')
      .where('n.practice_id = :practiceId', { practiceId })
      .orderBy('n.scheduled_for', 'DESC')
      .addOrderBy('n.id', 'DESC')
      .limit(f.limit + 1);
    if (f.state) qb.andWhere('n.state = :state', { state: f.state });
    if (f.channel) qb.andWhere('n.channel = :channel', { channel: f.channel });
    if (f.reason) qb.andWhere('n.reason = :reason', { reason: f.reason });
    if (f.recipientClientId) qb.andWhere('n.recipient_client_id = :clientId', { clientId: f.recipientClientId });
    if (f.recipientUserId) qb.andWhere('n.recipient_user_id = :userId', { userId: f.recipientUserId });
    if (f.from) qb.andWhere('n.scheduled_for >= :from', { from: f.from });
    if (f.to) qb.andWhere('n.scheduled_for < :to', { to: f.to });
    if (f.before) qb.andWhere('(n.scheduled_for, n.id) < (:at, :id)', { at: f.before.at, id: f.before.id });
    return qb.getMany();
  }

  /** One notification of the practice and its delivery-ledger row, if any. */
  async logEntry(practiceId: PracticeId, id: string): Promise<{ notification: Notification; delivery: NotificationDelivery | null } | null> {
    const notification = await this.dataSource.manager.findOneBy(Notification, { practiceId, id });
    if (!notification) return null;
    const delivery = await this.dataSource.manager.findOneBy(NotificationDelivery, { practiceId, notificationId: id });
    return { notification, delivery };
  }
}
