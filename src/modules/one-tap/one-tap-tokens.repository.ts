import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { PracticeId } from '../../common/tenancy/request-context';
import type { OneTapPurpose } from './one-tap-token.entity';

/** A token row as redeeming reads it. */
export interface OneTapRow {
  id: string;
  practiceId: PracticeId;
  clientId: string;
  purpose: OneTapPurpose;
  subjectId: string;
  expiresAt: Date;
  usedAt: Date | null;
  grantUsedAt: Date | null;
}

const COLUMNS = `t.id, t.practice_id AS "practiceId", t.client_id AS "clientId", t.purpose, t.subject_id AS "subjectId",
  t.expires_at AS "expiresAt", t.used_at AS "usedAt", t.grant_used_at AS "grantUsedAt"`;

/**
 * Tenant-owned, with one exception that is the point of a one-tap link: finding a token by its
 * hash happens before any tenant is known, and answers only for an active client of an active
 * practice. Everything after that takes the practice id from the row found.
 */
@Injectable()
export class OneTapTokensRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insert(
    manager: EntityManager,
    t: { practiceId: string; clientId: string; purpose: OneTapPurpose; subjectId: string; tokenHash: string; expiresAt: Date },
  ): Promise<string> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO one_tap_tokens (practice_id, client_id, purpose, subject_id, token_hash, expires_at)
       SELECT $1, c.id, $3, $4, $5, $6 FROM clients c WHERE c.practice_id = $1 AND c.id = $2
       RETURNING id`,
      [t.practiceId, t.clientId, t.purpose, t.subjectId, t.tokenHash, t.expiresAt],
    );
    if (!rows[0]) throw new Error('one-tap token for a client outside the practice');
    return rows[0].id;
  }

  /** The token behind a hash, if its client and practice are still active; locked when inside a transaction that asks. */
  async findByHash(tokenHash: string, manager?: EntityManager, lock = false): Promise<OneTapRow | null> {
    const rows: OneTapRow[] = await this.m(manager).query(
      `SELECT ${COLUMNS}
         FROM one_tap_tokens t
         JOIN clients c ON c.id = t.client_id AND c.practice_id = t.practice_id
         JOIN practices p ON p.id = t.practice_id
        WHERE t.token_hash = $1 AND c.status = 'active' AND p.status = 'active'
        ${lock ? 'FOR UPDATE OF t' : ''}`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  /** A redeemed token by id (a grant names its token), with its client and practice still active. */
  async findRedeemed(id: string, practiceId: string, clientId: string, manager?: EntityManager, lock = false): Promise<OneTapRow | null> {
    const rows: OneTapRow[] = await this.m(manager).query(
      `SELECT ${COLUMNS}
         FROM one_tap_tokens t
         JOIN clients c ON c.id = t.client_id AND c.practice_id = t.practice_id
         JOIN practices p ON p.id = t.practice_id
        WHERE t.id = $1 AND t.practice_id = $2 AND t.client_id = $3 AND t.used_at IS NOT NULL
          AND c.status = 'active' AND p.status = 'active'
        ${lock ? 'FOR UPDATE OF t' : ''}`,
      [id, practiceId, clientId],
    );
    return rows[0] ?? null;
  }

  /** Spends a token: true for the one caller that found it unused and unexpired. */
  async markUsed(manager: EntityManager, practiceId: string, id: string): Promise<boolean> {
    const [, affected]: [unknown[], number] = await manager.query(
      `UPDATE one_tap_tokens SET used_at = now() WHERE practice_id = $1 AND id = $2 AND used_at IS NULL AND expires_at > now()`,
      [practiceId, id],
    );
    return affected === 1;
  }

  /** Spends a grant on its one submission: true for the one caller that found it unspent. */
  async markGrantUsed(manager: EntityManager, practiceId: string, id: string): Promise<boolean> {
    const [, affected]: [unknown[], number] = await manager.query(
      `UPDATE one_tap_tokens SET grant_used_at = now() WHERE practice_id = $1 AND id = $2 AND used_at IS NOT NULL AND grant_used_at IS NULL`,
      [practiceId, id],
    );
    return affected === 1;
  }

  // ---- what the links of a notification are about ----

  /** A scheduled session of the client that has not started: its start, and whether they confirmed. */
  async upcomingSessionOf(practiceId: string, sessionId: string, clientId: string): Promise<{ startsAt: Date; confirmedAt: Date | null } | null> {
    const rows: Array<{ startsAt: Date; confirmedAt: Date | null }> = await this.dataSource.query(
      `SELECT s.starts_at AS "startsAt", sp.confirmed_at AS "confirmedAt"
         FROM clinical_sessions s
         JOIN session_participants sp ON sp.session_id = s.id AND sp.client_id = $3 AND sp.practice_id = s.practice_id
        WHERE s.practice_id = $1 AND s.id = $2 AND s.status = 'scheduled' AND s.starts_at > now()`,
      [practiceId, sessionId, clientId],
    );
    return rows[0] ?? null;
  }

  async activeScheduleOf(practiceId: string, scheduleId: string, clientId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM check_in_schedules WHERE practice_id = $1 AND id = $2 AND client_id = $3 AND active`,
      [practiceId, scheduleId, clientId],
    );
    return rows.length > 0;
  }

  /** A homework instance of the client that can still be answered (pending, or missed and answerable late). */
  async openInstanceOf(practiceId: string, instanceId: string, clientId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM homework_instances WHERE practice_id = $1 AND id = $2 AND client_id = $3 AND state IN ('pending', 'missed')`,
      [practiceId, instanceId, clientId],
    );
    return rows.length > 0;
  }
}
