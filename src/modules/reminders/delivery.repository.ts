import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { conjointWorkPausedSql } from '../safety-flags/conjoint-pause';
import { Notification } from '../notifications/notification.entity';
import type { SubjectFacts } from './deliverability';
import { returning } from './sql';

export interface LedgerRow {
  claimedAt: Date;
  claimedBy: string;
  deliveredAt: Date | null;
  providerId: string | null;
}

/**
 * The deliver processor's reads and writes. Every method runs in the processor's transaction
 * and is scoped by the practice id the job carries (a job of one practice can never touch a row
 * of another).
 */
@Injectable()
export class DeliveryRepository {
  /** The row, locked until the transaction ends (cancel, replan and other deliveries wait). */
  lockRow(manager: EntityManager, id: string, practiceId: string): Promise<Notification | null> {
    return manager.getRepository(Notification).findOne({ where: { id, practiceId }, lock: { mode: 'pessimistic_write' } });
  }

  async subjectFacts(manager: EntityManager, n: Notification): Promise<SubjectFacts> {
    switch (n.subjectType) {
      case 'homework_instance': {
        const rows: Array<Omit<Extract<SubjectFacts, { type: 'homework_instance' }>, 'type'>> = await manager.query(
          `SELECT hi.state AS "instanceState", ha.status AS "assignmentStatus", tp.status AS "planStatus",
                  (tp.couple_id IS NOT NULL) AS "couplePlan",
                  (tp.couple_id IS NOT NULL AND ${conjointWorkPausedSql('tp.couple_id', 'tp.practice_id')}) AS "conjointPaused"
             FROM homework_instances hi
             JOIN homework_assignments ha ON ha.id = hi.assignment_id AND ha.practice_id = hi.practice_id
             JOIN treatment_plans tp ON tp.id = ha.plan_id AND tp.practice_id = ha.practice_id
            WHERE hi.id = $1 AND hi.practice_id = $2`,
          [n.subjectId, n.practiceId],
        );
        return rows[0] ? { type: 'homework_instance', ...rows[0] } : { type: 'missing' };
      }
      case 'session': {
        const rows: Array<Omit<Extract<SubjectFacts, { type: 'session' }>, 'type'>> = await manager.query(
          `SELECT s.status, s.starts_at AS "startsAt", (s.couple_id IS NOT NULL) AS "coupleSession",
                  (s.couple_id IS NOT NULL AND ${conjointWorkPausedSql('s.couple_id', 's.practice_id')}) AS "conjointPaused",
                  ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM session_participants sp
                                                WHERE sp.session_id = s.id AND sp.client_id = $3 AND sp.practice_id = s.practice_id)) AS "recipientTakesPart"
             FROM clinical_sessions s
            WHERE s.id = $1 AND s.practice_id = $2`,
          [n.subjectId, n.practiceId, n.recipientClientId],
        );
        return rows[0] ? { type: 'session', ...rows[0], startsAt: new Date(rows[0].startsAt) } : { type: 'missing' };
      }
      case 'check_in_schedule': {
        const rows: Array<{ active: boolean }> = await manager.query(
          'SELECT active FROM check_in_schedules WHERE id = $1 AND practice_id = $2',
          [n.subjectId, n.practiceId],
        );
        return rows[0] ? { type: 'check_in_schedule', active: rows[0].active } : { type: 'missing' };
      }
      case 'check_in': {
        const rows: unknown[] = await manager.query('SELECT 1 FROM check_ins WHERE id = $1 AND practice_id = $2', [n.subjectId, n.practiceId]);
        return rows.length ? { type: 'check_in' } : { type: 'missing' };
      }
    }
  }

  async markSkipped(manager: EntityManager, id: string, reason: string, at: Date): Promise<void> {
    await manager.query(`UPDATE notifications SET state = 'skipped', state_reason = $2, updated_at = $3 WHERE id = $1 AND state = 'pending'`, [
      id,
      reason,
      at,
    ]);
  }

  /** Ran early (it was moved later after being queued): forget the enqueue so the sweep queues it again. */
  async markNotQueued(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE notifications SET enqueued_at = NULL WHERE id = $1 AND state = 'pending'`, [id]);
  }

  /** Claims the send (INSERT … ON CONFLICT DO NOTHING); `deliveredAt` completes it at once (in-app). */
  async claim(manager: EntityManager, n: Notification, by: string, at: Date, deliveredAt: Date | null): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO notification_deliveries (notification_id, practice_id, channel, claimed_at, claimed_by, delivered_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (notification_id) DO NOTHING
       RETURNING notification_id`,
      [n.id, n.practiceId, n.channel, at, by, deliveredAt],
    );
    return rows.length === 1;
  }

  async ledgerOf(manager: EntityManager, id: string): Promise<LedgerRow | null> {
    const rows: LedgerRow[] = await manager.query(
      `SELECT claimed_at AS "claimedAt", claimed_by AS "claimedBy", delivered_at AS "deliveredAt", provider_id AS "providerId"
         FROM notification_deliveries WHERE notification_id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Takes over a claim whose lease ran out (its holder presumably crashed mid-send). */
  async takeOver(manager: EntityManager, id: string, previous: LedgerRow, by: string, at: Date): Promise<boolean> {
    const rows = await returning(
      manager,
      `UPDATE notification_deliveries SET claimed_at = $3, claimed_by = $4
        WHERE notification_id = $1 AND claimed_at = $2 AND delivered_at IS NULL
        RETURNING notification_id`,
      [id, previous.claimedAt, at, by],
    );
    return rows.length === 1;
  }

  /** The send happened: the first completion wins (a second, after a lease takeover, changes nothing). */
  async completeLedger(manager: EntityManager, id: string, at: Date, providerId: string | null): Promise<void> {
    await manager.query(
      `UPDATE notification_deliveries SET delivered_at = $2, provider_id = $3 WHERE notification_id = $1 AND delivered_at IS NULL`,
      [id, at, providerId],
    );
  }

  /**
   * The row is sent. From pending, or from cancelled when the cancel raced an in-flight send
   * (the message did go out, and the log says so).
   */
  async markSent(manager: EntityManager, id: string, at: Date, providerId: string | null, countAttempt: boolean): Promise<void> {
    await manager.query(
      `UPDATE notifications
          SET state = 'sent', sent_at = $2, provider_id = COALESCE($3, provider_id), last_error = NULL, updated_at = $2,
              attempts = attempts + CASE WHEN $4::boolean THEN 1 ELSE 0 END
        WHERE id = $1 AND state IN ('pending', 'cancelled')`,
      [id, at, providerId, countAttempt],
    );
  }

  /** Gives the claim back after a failed send so the retry need not wait for the lease. */
  async releaseClaim(manager: EntityManager, id: string, by: string): Promise<void> {
    await manager.query(`DELETE FROM notification_deliveries WHERE notification_id = $1 AND claimed_by = $2 AND delivered_at IS NULL`, [id, by]);
  }

  /** Counts a failed attempt; the last allowed one marks the row failed. */
  async recordFailure(manager: EntityManager, id: string, error: string, maxAttempts: number, at: Date): Promise<{ state: string; attempts: number } | null> {
    const rows = await returning<{ state: string; attempts: number }>(
      manager,
      `UPDATE notifications
          SET attempts = attempts + 1, last_error = $2, updated_at = $4,
              state = CASE WHEN attempts + 1 >= $3 THEN 'failed'::notification_state ELSE state END,
              state_reason = CASE WHEN attempts + 1 >= $3 THEN 'delivery_failed' ELSE state_reason END
        WHERE id = $1 AND state = 'pending'
        RETURNING state, attempts`,
      [id, error.slice(0, 300), maxAttempts, at],
    );
    return rows[0] ?? null;
  }
}
