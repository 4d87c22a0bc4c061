import { Injectable } from '@nestjs/common';
import type { Notification } from '../notifications/notification.entity';
import type { ChannelSender } from './reminder.contracts';

/**
 * A sender whose delivery IS a database write: the deliver processor calls no network and
 * completes the ledger and the row in the one transaction that holds the row's lock, so the
 * message appears in the inbox exactly once or not at all.
 */
export interface TransactionalChannelSender extends ChannelSender {
  readonly completesInTransaction: true;
}

export function isTransactional(sender: ChannelSender): sender is TransactionalChannelSender {
  return (sender as Partial<TransactionalChannelSender>).completesInTransaction === true;
}

/**
 * In-app: the message is the notification row itself becoming visible in the recipient's inbox
 * (state sent, sent_at set) — GET /v1/me/notifications lists sent in-app rows. Nothing leaves
 * the process; the row is rendered from ids when the inbox is read.
 */
@Injectable()
export class InAppSender implements TransactionalChannelSender {
  readonly channel = 'in_app' as const;
  readonly completesInTransaction = true as const;

  send(notification: Notification): Promise<{ providerId: string | null }> {
    if (notification.channel !== this.channel) throw new Error('InAppSender: not an in-app notification');
    return Promise.resolve({ providerId: null });
  }
}
