import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { greetingNameOf } from './notification-messages';
import type { Notification } from './notification.entity';

/** What a sender needs to address and word one notification, read from its ids at send time. */
export interface DeliveryFacts {
  practiceName: string;
  /** Null when the recipient no longer exists in the practice. */
  recipient: {
    kind: 'client' | 'user';
    email: string | null;
    greetingName: string | null;
    timezone: string;
    active: boolean;
  } | null;
  /** The session's start or the reflection's due time, in the recipient's zone. */
  when: { at: Date; timezone: string } | null;
}

interface FactsRow {
  practice_name: string;
  practice_timezone: string;
  client_id: string | null;
  client_email: string | null;
  client_preferred_name: string | null;
  client_full_name: string | null;
  client_timezone: string | null;
  client_status: string | null;
  user_id: string | null;
  user_email: string | null;
  user_full_name: string | null;
  user_status: string | null;
  subject_at: Date | null;
}

/**
 * The SQL expression of a notification's subject time (session start, reflection due), for a
 * query that aliases notifications as `n` and joins `s` (clinical_sessions) and `h`
 * (homework_instances) with SUBJECT_TIME_JOINS.
 */
export const SUBJECT_TIME_JOINS = `
  LEFT JOIN clinical_sessions s ON n.subject_type = 'session' AND s.id = n.subject_id AND s.practice_id = n.practice_id
  LEFT JOIN homework_instances h ON n.subject_type = 'homework_instance' AND h.id = n.subject_id AND h.practice_id = n.practice_id`;
export const SUBJECT_TIME = `COALESCE(s.starts_at, h.due_at)`;

@Injectable()
export class NotificationFactsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One query, every join scoped to the notification's practice. */
  async forDelivery(n: Notification): Promise<DeliveryFacts | null> {
    const rows: FactsRow[] = await this.dataSource.query(
      `SELECT p.name AS practice_name, p.timezone AS practice_timezone,
              c.id AS client_id, c.email AS client_email, c.preferred_name AS client_preferred_name,
              c.full_name AS client_full_name, c.timezone AS client_timezone, c.status AS client_status,
              u.id AS user_id, u.email AS user_email, u.full_name AS user_full_name, u.status AS user_status,
              ${SUBJECT_TIME} AS subject_at
         FROM notifications n
         JOIN practices p ON p.id = n.practice_id
         LEFT JOIN clients c ON c.id = n.recipient_client_id AND c.practice_id = n.practice_id
         LEFT JOIN users u ON u.id = n.recipient_user_id AND u.practice_id = n.practice_id
         ${SUBJECT_TIME_JOINS}
        WHERE n.id = $1 AND n.practice_id = $2`,
      [n.id, n.practiceId],
    );
    const row = rows[0];
    if (!row) return null;
    const recipient: DeliveryFacts['recipient'] = row.client_id
      ? {
          kind: 'client',
          email: row.client_email,
          greetingName: greetingNameOf(row.client_preferred_name, row.client_full_name),
          timezone: row.client_timezone ?? row.practice_timezone,
          active: row.client_status === 'active',
        }
      : row.user_id
        ? {
            kind: 'user',
            email: row.user_email,
            greetingName: greetingNameOf(null, row.user_full_name),
            timezone: row.practice_timezone,
            active: row.user_status === 'active',
          }
        : null;
    return {
      practiceName: row.practice_name,
      recipient,
      when: row.subject_at ? { at: row.subject_at, timezone: recipient?.timezone ?? row.practice_timezone } : null,
    };
  }
}
