import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { NotificationSubject } from '../notifications/notification.entity';
import type { ExistingRow, OutboxRow } from './planning';
import { returning } from './sql';

/** The PostgreSQL channel the outbox NOTIFYs (on commit) when it plans something due soon. */
export const REMINDER_WAKE_CHANNEL = 'kintsugi_reminders';

/** Advisory-lock class of replaceFor (the second key is hashtext of the subject). */
const REPLAN_LOCK_CLASS = 0x52454d; // "REM"

export interface InsertedRow {
  id: string;
  state: 'pending' | 'skipped';
  scheduledFor: Date;
}

/**
 * The outbox's writes. Every method runs in the caller's EntityManager (their transaction) and is
 * scoped by practice id. Released keys carry a '#': live keys never do.
 */
@Injectable()
export class OutboxRepository {
  /** One INSERT for any number of rows; an existing dedupe key makes its row a no-op. */
  async insert(manager: EntityManager, rows: OutboxRow[]): Promise<InsertedRow[]> {
    if (rows.length === 0) return [];
    const out: InsertedRow[] = [];
    // Array parameters: one statement per 5,000 rows keeps each message small.
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000);
      const inserted: Array<{ id: string; state: 'pending' | 'skipped'; scheduledFor: Date }> = await manager.query(
        `INSERT INTO notifications (practice_id, recipient_client_id, recipient_user_id, channel, reason, subject_type, subject_id,
                                    occurrence_key, dedupe_key, scheduled_for, planned_for, state, state_reason)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::notification_channel[], $5::notification_reason[],
                              $6::notification_subject[], $7::uuid[], $8::varchar[], $9::varchar[], $10::timestamptz[],
                              $11::timestamptz[], $12::notification_state[], $13::varchar[])
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id, state, scheduled_for AS "scheduledFor"`,
        [
          chunk.map((r) => r.practiceId),
          chunk.map((r) => r.recipientClientId),
          chunk.map((r) => r.recipientUserId),
          chunk.map((r) => r.channel),
          chunk.map((r) => r.reason),
          chunk.map((r) => r.subjectType),
          chunk.map((r) => r.subjectId),
          chunk.map((r) => r.occurrenceKey),
          chunk.map((r) => r.dedupeKey),
          chunk.map((r) => r.scheduledFor.toISOString()),
          chunk.map((r) => r.plannedFor.toISOString()),
          chunk.map((r) => r.state),
          chunk.map((r) => r.stateReason),
        ],
      );
      out.push(...inserted);
    }
    return out;
  }

  /** Serializes re-plans of one subject (two edits racing each other) until the transaction ends. */
  async lockSubject(manager: EntityManager, subjectType: NotificationSubject, subjectId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [REPLAN_LOCK_CLASS, `${subjectType}:${subjectId}`]);
  }

  /** The subject's rows under live keys, locked. */
  liveRowsOf(manager: EntityManager, practiceId: string, subjectType: NotificationSubject, subjectId: string): Promise<ExistingRow[]> {
    return manager.query(
      `SELECT id, dedupe_key AS "dedupeKey", state, state_reason AS "stateReason",
              scheduled_for AS "scheduledFor", planned_for AS "plannedFor"
         FROM notifications
        WHERE practice_id = $1 AND subject_type = $2 AND subject_id = $3 AND strpos(dedupe_key, '#') = 0
        ORDER BY id
          FOR UPDATE`,
      [practiceId, subjectType, subjectId],
    );
  }

  /** Pending rows → cancelled with a reason. `release` also frees their keys for a new plan. */
  async cancelPending(manager: EntityManager, practiceId: string, ids: string[], reason: string, release: boolean): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await returning(
      manager,
      `UPDATE notifications
          SET state = 'cancelled', state_reason = $3, updated_at = now(),
              dedupe_key = CASE WHEN $4::boolean THEN dedupe_key || '#' || id::text ELSE dedupe_key END
        WHERE practice_id = $1 AND id = ANY($2::uuid[]) AND state = 'pending'
        RETURNING id`,
      [practiceId, ids, reason, release],
    );
    return rows.length;
  }

  /** Frees the keys of finished rows (their state and history stay). */
  async release(manager: EntityManager, practiceId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await manager.query(
      `UPDATE notifications SET dedupe_key = dedupe_key || '#' || id::text, updated_at = now()
        WHERE practice_id = $1 AND id = ANY($2::uuid[]) AND strpos(dedupe_key, '#') = 0`,
      [practiceId, ids],
    );
  }

  /** Every pending reminder about these subjects → cancelled (keys kept: planning them again is a no-op). */
  async cancelForSubjects(manager: EntityManager, practiceId: string, subjectType: NotificationSubject, subjectIds: string[], reason: string): Promise<number> {
    if (subjectIds.length === 0) return 0;
    const rows = await returning(
      manager,
      `UPDATE notifications SET state = 'cancelled', state_reason = $4, updated_at = now()
        WHERE practice_id = $1 AND subject_type = $2 AND subject_id = ANY($3::uuid[]) AND state = 'pending'
        RETURNING id`,
      [practiceId, subjectType, subjectIds, reason],
    );
    return rows.length;
  }

  /** Wakes the sweepers when the transaction commits (PostgreSQL delivers NOTIFY on commit only). */
  async wakeSweepers(manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_notify($1, $2)', [REMINDER_WAKE_CHANNEL, '']);
  }
}
