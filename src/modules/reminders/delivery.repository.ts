import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { conjointWorkPausedSql } from '../safety-flags/conjoint-pause';
import { Notification } from '../notifications/notification.entity';
import type { SubjectFacts } from './deliverability';
import type { RecipientFacts } from './planning';
import { ClientFactsRow, clientFacts, clientFactsSql, UserFactsRow, userFacts, userFactsSql } from './recipient-facts';
import { prepared, returning } from './sql';

export interface LockedNotification {
  notification: Notification;
  /** Null when the recipient is not found in the row's practice. */
  recipient: RecipientFacts | null;
  subject: SubjectFacts;
}

type HomeworkFacts = Omit<Extract<SubjectFacts, { type: 'homework_instance' }>, 'type'>;
type SessionFacts = Omit<Extract<SubjectFacts, { type: 'session' }>, 'type' | 'startsAt'> & { startsAt: string };

interface LockedRow extends Omit<Notification, 'recipient'> {
  clientFacts: ClientFactsRow | null;
  userFacts: UserFactsRow | null;
  homework: HomeworkFacts | null;
  session: SessionFacts | null;
  schedule: { active: boolean } | null;
  checkIn: { found: boolean } | null;
}

/**
 * One statement: the row FOR UPDATE (OF n only: the facts are read, not locked), its recipient's
 * facts and the facts of the thing it is about — each as a correlated scalar subquery (an index
 * lookup per row, never pulled up into a join), matching only the row's own recipient kind and
 * subject type, always within the row's practice.
 */
const LOCK_WITH_FACTS_SQL = `
  SELECT n.id, n.practice_id AS "practiceId", n.recipient_client_id AS "recipientClientId", n.recipient_user_id AS "recipientUserId",
         n.channel, n.reason, n.subject_type AS "subjectType", n.subject_id AS "subjectId", n.occurrence_key AS "occurrenceKey",
         n.dedupe_key AS "dedupeKey", n.scheduled_for AS "scheduledFor", n.planned_for AS "plannedFor", n.state,
         n.state_reason AS "stateReason", n.attempts, n.last_error AS "lastError", n.enqueued_at AS "enqueuedAt",
         n.sent_at AS "sentAt", n.provider_id AS "providerId", n.read_at AS "readAt", n.created_at AS "createdAt", n.updated_at AS "updatedAt",
         (SELECT to_jsonb(rc) FROM (${clientFactsSql('clients c', 'c.id = n.recipient_client_id AND c.practice_id = n.practice_id')}) rc) AS "clientFacts",
         (SELECT to_jsonb(ru) FROM (${userFactsSql('users u', 'u.id = n.recipient_user_id AND u.practice_id = n.practice_id')}) ru) AS "userFacts",
         CASE WHEN n.subject_type = 'homework_instance' THEN (SELECT to_jsonb(hw) FROM (
           SELECT hi.state AS "instanceState", ha.status AS "assignmentStatus", tp.status AS "planStatus",
                  (tp.couple_id IS NOT NULL) AS "couplePlan",
                  (tp.couple_id IS NOT NULL AND ${conjointWorkPausedSql('tp.couple_id', 'tp.practice_id')}) AS "conjointPaused"
             FROM homework_instances hi
             JOIN homework_assignments ha ON ha.id = hi.assignment_id AND ha.practice_id = hi.practice_id
             JOIN treatment_plans tp ON tp.id = ha.plan_id AND tp.practice_id = ha.practice_id
            WHERE hi.id = n.subject_id AND hi.practice_id = n.practice_id) hw) END AS homework,
         CASE WHEN n.subject_type = 'session' THEN (SELECT to_jsonb(ss) FROM (
           SELECT s.status, s.starts_at AS "startsAt", (s.couple_id IS NOT NULL) AS "coupleSession",
                  (s.couple_id IS NOT NULL AND ${conjointWorkPausedSql('s.couple_id', 's.practice_id')}) AS "conjointPaused",
                  (n.recipient_client_id IS NULL OR EXISTS (SELECT 1 FROM session_participants sp
                    WHERE sp.session_id = s.id AND sp.client_id = n.recipient_client_id AND sp.practice_id = s.practice_id)) AS "recipientTakesPart"
             FROM clinical_sessions s
            WHERE s.id = n.subject_id AND s.practice_id = n.practice_id) ss) END AS session,
         CASE WHEN n.subject_type = 'check_in_schedule' THEN (SELECT jsonb_build_object('active', cis.active) FROM check_in_schedules cis
            WHERE cis.id = n.subject_id AND cis.practice_id = n.practice_id) END AS schedule,
         CASE WHEN n.subject_type = 'check_in' THEN (SELECT jsonb_build_object('found', true) FROM check_ins chk
            WHERE chk.id = n.subject_id AND chk.practice_id = n.practice_id) END AS "checkIn"
    FROM notifications n
   WHERE n.id = $1 AND n.practice_id = $2
     FOR UPDATE OF n`;

function subjectOf(r: LockedRow): SubjectFacts {
  switch (r.subjectType) {
    case 'homework_instance':
      return r.homework ? { type: 'homework_instance', ...r.homework } : { type: 'missing' };
    case 'session':
      return r.session ? { type: 'session', ...r.session, startsAt: new Date(r.session.startsAt) } : { type: 'missing' };
    case 'check_in_schedule':
      return r.schedule ? { type: 'check_in_schedule', active: r.schedule.active } : { type: 'missing' };
    case 'check_in':
      return r.checkIn ? { type: 'check_in' } : { type: 'missing' };
  }
}

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
  /**
   * The row, locked until the transaction ends (cancel, replan and other deliveries wait), with
   * everything the delivery decision needs — the thing it is about and its recipient — in the
   * same round trip.
   */
  async lockWithFacts(manager: EntityManager, id: string, practiceId: string): Promise<LockedNotification | null> {
    const rows = await prepared<LockedRow>(manager, 'kintsugi_lock_with_facts', LOCK_WITH_FACTS_SQL, [id, practiceId]);
    const r = rows[0];
    if (!r) return null;
    const notification = Object.assign(new Notification(), {
      id: r.id,
      practiceId: r.practiceId,
      recipientClientId: r.recipientClientId,
      recipientUserId: r.recipientUserId,
      channel: r.channel,
      reason: r.reason,
      subjectType: r.subjectType,
      subjectId: r.subjectId,
      occurrenceKey: r.occurrenceKey,
      dedupeKey: r.dedupeKey,
      scheduledFor: r.scheduledFor,
      plannedFor: r.plannedFor,
      state: r.state,
      stateReason: r.stateReason,
      attempts: r.attempts,
      lastError: r.lastError,
      enqueuedAt: r.enqueuedAt,
      sentAt: r.sentAt,
      providerId: r.providerId,
      readAt: r.readAt,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    });
    const recipient = r.clientFacts ? clientFacts(r.clientFacts) : r.userFacts ? userFacts(r.userFacts) : null;
    return { notification, recipient, subject: subjectOf(r) };
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

  /** In-app: claim, complete and mark sent in one statement; false when a ledger row already existed. */
  async claimAndSend(manager: EntityManager, n: Notification, by: string, at: Date): Promise<boolean> {
    const rows = await prepared(
      manager,
      'kintsugi_claim_and_send',
      `WITH claim AS (
         INSERT INTO notification_deliveries (notification_id, practice_id, channel, claimed_at, claimed_by, delivered_at)
         VALUES ($1, $2, $3, $4, $5, $4)
         ON CONFLICT (notification_id) DO NOTHING
         RETURNING notification_id)
       UPDATE notifications SET state = 'sent', sent_at = $4, attempts = attempts + 1, last_error = NULL, updated_at = $4
        WHERE id = $1 AND state = 'pending' AND EXISTS (SELECT 1 FROM claim)
        RETURNING id`,
      [n.id, n.practiceId, n.channel, at, by],
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

  /**
   * The send happened: the first completion wins (a second, after a lease takeover, changes
   * nothing). Should the claim be gone (it never should), the completed entry is written anyway —
   * a sent row always has its ledger entry — and `false` says so, for the log.
   */
  async completeLedger(manager: EntityManager, n: Pick<Notification, 'id' | 'practiceId' | 'channel'>, by: string, at: Date, providerId: string | null): Promise<boolean> {
    const rows: Array<{ claimed: boolean }> = await manager.query(
      `INSERT INTO notification_deliveries AS d (notification_id, practice_id, channel, claimed_at, claimed_by, delivered_at, provider_id)
       VALUES ($1, $2, $3, $4, $5, $4, $6)
       ON CONFLICT (notification_id) DO UPDATE SET delivered_at = EXCLUDED.delivered_at, provider_id = EXCLUDED.provider_id
        WHERE d.delivered_at IS NULL
       RETURNING (xmax <> 0) AS claimed`,
      [n.id, n.practiceId, n.channel, at, by, providerId],
    );
    return rows.length === 0 || rows[0].claimed;
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
