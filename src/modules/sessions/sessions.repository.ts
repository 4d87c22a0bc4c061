import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CursorKey } from '../../common/pagination/cursor';
import { PracticeId, Principal } from '../../common/tenancy/request-context';
import { MAX_SESSION_MINUTES } from './session-time';
import type { PracticeSettings } from '../practices/practice.entity';
import type { SessionKind, SessionStatus } from './clinical-session.entity';

export interface SessionRow {
  id: string;
  practiceId: string;
  kind: SessionKind;
  clinicianId: string;
  coupleId: string | null;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  location: string | null;
  telehealthUrl: string | null;
  status: SessionStatus;
  statusReason: string | null;
  statusChangedBy: string | null;
  statusChangedAt: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  participantClientIds: string[];
  /** The participant who cancelled from a reminder link, if one did. */
  statusChangedByClientId: string | null;
  /** Participants who confirmed from a reminder link; confirmedAt as JSON text. */
  confirmations: Array<{ clientId: string; confirmedAt: string }>;
}

export interface PortalSessionRow {
  id: string;
  kind: SessionKind;
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  location: string | null;
  telehealthUrl: string | null;
  status: SessionStatus;
  clinicianName: string | null;
}

export interface FeedSessionRow {
  id: string;
  kind: SessionKind;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  telehealthUrl: string | null;
  status: SessionStatus;
  updatedAt: Date;
  version: number;
  clientNames: string[] | null;
}

export interface SessionListFilter {
  clinicianId?: string;
  clientId?: string;
  coupleId?: string;
  from?: Date;
  to?: Date;
  status?: SessionStatus;
  kind?: SessionKind;
  after: CursorKey | null;
  limit: number;
}

export interface NewSession {
  practiceId: PracticeId;
  kind: SessionKind;
  clinicianId: string;
  coupleId: string | null;
  participantClientIds: string[];
  startsAt: Date;
  endsAt: Date;
  timezone: string;
  location: string | null;
  telehealthUrl: string | null;
  createdBy: string;
}

const SESSION_COLUMNS = `
  s.id, s.practice_id AS "practiceId", s.kind, s.clinician_id AS "clinicianId", s.couple_id AS "coupleId",
  s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.timezone, s.location, s.telehealth_url AS "telehealthUrl",
  s.status, s.status_reason AS "statusReason", s.status_changed_by AS "statusChangedBy",
  s.status_changed_at AS "statusChangedAt", s.created_by AS "createdBy", s.created_at AS "createdAt",
  s.updated_at AS "updatedAt", s.version, s.status_changed_by_client_id AS "statusChangedByClientId",
  ARRAY(SELECT sp.client_id FROM session_participants sp WHERE sp.session_id = s.id ORDER BY sp.client_id)::text[] AS "participantClientIds",
  COALESCE((SELECT json_agg(json_build_object('clientId', sp.client_id, 'confirmedAt', sp.confirmed_at) ORDER BY sp.client_id)
              FROM session_participants sp WHERE sp.session_id = s.id AND sp.confirmed_at IS NOT NULL), '[]'::json) AS "confirmations"`;

/**
 * Which sessions (aliased `s`) a principal may see, as one SQL condition: admins see the
 * practice's whole schedule; a clinician sees their own sessions and those whose every
 * participant is a client they may see (the record-level rule of ClinicalAccess: care team of
 * the client or of a couple the client is in, or everyone when the practice widens it).
 * Embedding the practice setting keeps a list to a single query.
 */
export function sessionVisibility(p: Principal, params: unknown[]): string {
  params.push(p.practiceId);
  const practice = `$${params.length}`;
  if (p.role === 'admin') return `s.practice_id = ${practice}`;
  if (p.role !== 'clinician') return 'false';
  params.push(p.userId);
  const me = `$${params.length}`;
  return `s.practice_id = ${practice} AND (
    s.clinician_id = ${me}
    OR COALESCE((SELECT (px.settings->>'cliniciansSeeAllClients')::boolean FROM practices px WHERE px.id = ${practice}), false)
    OR NOT EXISTS (
      SELECT 1 FROM session_participants vp
       WHERE vp.session_id = s.id
         AND NOT EXISTS (SELECT 1 FROM care_team_members t WHERE t.client_id = vp.client_id AND t.clinician_id = ${me})
         AND NOT EXISTS (SELECT 1 FROM couple_members m JOIN care_team_members t ON t.couple_id = m.couple_id
                          WHERE m.client_id = vp.client_id AND t.clinician_id = ${me})))`;
}

/** TypeORM answers an UPDATE or DELETE through DataSource.query with [rows, rowCount]. */
export function affectedRows(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[1];
  throw new Error('expected the result of an UPDATE or DELETE');
}

/** Tenant-owned: every method takes the practice id (or a principal that carries it). */
@Injectable()
export class SessionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** One session if the principal may see it (null otherwise), with its participants. */
  async findVisible(p: Principal, id: string, manager?: EntityManager): Promise<SessionRow | null> {
    const params: unknown[] = [];
    const cond = sessionVisibility(p, params);
    params.push(id);
    const rows: SessionRow[] = await this.m(manager).query(
      `SELECT ${SESSION_COLUMNS} FROM clinical_sessions s WHERE ${cond} AND s.id = $${params.length}`,
      params,
    );
    return rows[0] ?? null;
  }

  /** One session of the practice, whoever asks; callers decide access themselves. */
  async findInPractice(practiceId: PracticeId, id: string, manager?: EntityManager): Promise<SessionRow | null> {
    const rows: SessionRow[] = await this.m(manager).query(
      `SELECT ${SESSION_COLUMNS} FROM clinical_sessions s WHERE s.practice_id = $1 AND s.id = $2`,
      [practiceId, id],
    );
    return rows[0] ?? null;
  }

  /** Row-locks a session for a read-modify-write inside a transaction. */
  async lockInPractice(manager: EntityManager, practiceId: PracticeId, id: string): Promise<{ status: SessionStatus; startsAt: Date; version: number } | null> {
    const rows: Array<{ status: SessionStatus; startsAt: Date; version: number }> = await manager.query(
      `SELECT status, starts_at AS "startsAt", version FROM clinical_sessions WHERE practice_id = $1 AND id = $2 FOR UPDATE`,
      [practiceId, id],
    );
    return rows[0] ?? null;
  }

  /**
   * A page of the sessions the principal may see, in start order, participants included: one
   * query whatever the page size. The date range selects sessions overlapping [from, to); the
   * extra lower bound on starts_at lets the (practice, clinician, starts_at) index do the work.
   */
  async listVisible(p: Principal, f: SessionListFilter): Promise<SessionRow[]> {
    const params: unknown[] = [];
    const where = [sessionVisibility(p, params)];
    const add = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (f.clinicianId) where.push(`s.clinician_id = ${add(f.clinicianId)}`);
    if (f.coupleId) where.push(`s.couple_id = ${add(f.coupleId)}`);
    if (f.clientId) where.push(`EXISTS (SELECT 1 FROM session_participants fp WHERE fp.session_id = s.id AND fp.client_id = ${add(f.clientId)})`);
    if (f.from) {
      const from = add(f.from);
      where.push(`s.ends_at > ${from} AND s.starts_at > ${from}::timestamptz - interval '${MAX_SESSION_MINUTES} minutes'`);
    }
    if (f.to) where.push(`s.starts_at < ${add(f.to)}`);
    if (f.status) where.push(`s.status = ${add(f.status)}`);
    if (f.kind) where.push(`s.kind = ${add(f.kind)}`);
    if (f.after) where.push(`(s.starts_at, s.id) > (${add(f.after.at)}::timestamptz, ${add(f.after.id)}::uuid)`);
    return this.dataSource.query(
      `SELECT ${SESSION_COLUMNS} FROM clinical_sessions s WHERE ${where.join(' AND ')}
        ORDER BY s.starts_at, s.id LIMIT ${add(f.limit + 1)}`,
      params,
    );
  }

  /** A client's own upcoming scheduled sessions (the portal), in start order. */
  listUpcomingForClient(practiceId: PracticeId, clientId: string, now: Date, after: CursorKey | null, limit: number): Promise<PortalSessionRow[]> {
    const params: unknown[] = [practiceId, clientId, now, limit + 1];
    let cursor = '';
    if (after) {
      params.push(after.at, after.id);
      cursor = `AND (s.starts_at, s.id) > ($5::timestamptz, $6::uuid)`;
    }
    return this.dataSource.query(
      `SELECT s.id, s.kind, s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.timezone, s.location,
              s.telehealth_url AS "telehealthUrl", s.status, u.full_name AS "clinicianName"
         FROM clinical_sessions s
         JOIN session_participants sp ON sp.session_id = s.id AND sp.client_id = $2
         JOIN users u ON u.id = s.clinician_id
        WHERE s.practice_id = $1 AND sp.practice_id = $1 AND s.status = 'scheduled' AND s.ends_at > $3 ${cursor}
        ORDER BY s.starts_at, s.id LIMIT $4`,
      params,
    );
  }

  async insert(manager: EntityManager, s: NewSession): Promise<string> {
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO clinical_sessions (practice_id, kind, clinician_id, couple_id, starts_at, ends_at, timezone, location, telehealth_url, created_by, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1) RETURNING id`,
      [s.practiceId, s.kind, s.clinicianId, s.coupleId, s.startsAt, s.endsAt, s.timezone, s.location, s.telehealthUrl, s.createdBy],
    );
    const id = rows[0].id;
    await manager.query(
      `INSERT INTO session_participants (session_id, client_id, practice_id) SELECT $1, unnest($2::uuid[]), $3`,
      [id, s.participantClientIds, s.practiceId],
    );
    return id;
  }

  /** Conditional on the version the caller read and on the session still being scheduled. */
  async reschedule(
    practiceId: PracticeId,
    id: string,
    version: number,
    changes: { startsAt: Date; endsAt: Date; timezone: string; location: string | null; telehealthUrl: string | null },
    manager?: EntityManager,
  ): Promise<boolean> {
    const result: unknown = await this.m(manager).query(
      `UPDATE clinical_sessions
          SET starts_at = $4, ends_at = $5, timezone = $6, location = $7, telehealth_url = $8,
              version = version + 1, updated_at = now()
        WHERE practice_id = $1 AND id = $2 AND version = $3 AND status = 'scheduled'`,
      [practiceId, id, version, changes.startsAt, changes.endsAt, changes.timezone, changes.location, changes.telehealthUrl],
    );
    return affectedRows(result) === 1;
  }

  async setStatus(manager: EntityManager, practiceId: PracticeId, id: string, status: SessionStatus, reason: string | null, by: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE clinical_sessions
          SET status = $3, status_reason = $4, status_changed_by = $5, status_changed_at = $6,
              version = version + 1, updated_at = now()
        WHERE practice_id = $1 AND id = $2`,
      [practiceId, id, status, reason, by, at],
    );
  }

  /** A participant's own confirmation (from a reminder link); false when they are not one. */
  async confirmParticipant(manager: EntityManager, practiceId: PracticeId, id: string, clientId: string, at: Date): Promise<boolean> {
    const result: unknown = await manager.query(
      `UPDATE session_participants SET confirmed_at = COALESCE(confirmed_at, $4)
        WHERE practice_id = $1 AND session_id = $2 AND client_id = $3`,
      [practiceId, id, clientId, at],
    );
    return affectedRows(result) === 1;
  }

  /** When this participant confirmed (null: not yet), or undefined when they are not a participant. */
  async participantConfirmation(manager: EntityManager, practiceId: PracticeId, id: string, clientId: string): Promise<Date | null | undefined> {
    const rows: Array<{ confirmedAt: Date | null }> = await manager.query(
      `SELECT confirmed_at AS "confirmedAt" FROM session_participants WHERE practice_id = $1 AND session_id = $2 AND client_id = $3`,
      [practiceId, id, clientId],
    );
    return rows[0] ? rows[0].confirmedAt : undefined;
  }

  /** A participant cancelled (from a reminder link): no staff member changed it. */
  async setStatusByClient(manager: EntityManager, practiceId: PracticeId, id: string, status: SessionStatus, clientId: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE clinical_sessions
          SET status = $3, status_reason = 'Cancelled by a participant from a reminder link', status_changed_by = NULL,
              status_changed_by_client_id = $4, status_changed_at = $5, version = version + 1, updated_at = now()
        WHERE practice_id = $1 AND id = $2`,
      [practiceId, id, status, clientId, at],
    );
  }

  // ---- what a booking needs to know about the practice ----

  /** The practice's settings as stored (keys added later may be missing: read them with their defaults). */
  async practiceSettings(practiceId: PracticeId, manager?: EntityManager): Promise<Partial<PracticeSettings> | null> {
    const rows: Array<{ settings: Partial<PracticeSettings> }> = await this.m(manager).query(`SELECT settings FROM practices WHERE id = $1`, [practiceId]);
    return rows[0]?.settings ?? null;
  }

  async practiceTimezone(practiceId: PracticeId): Promise<string> {
    const rows: Array<{ timezone: string }> = await this.dataSource.query(`SELECT timezone FROM practices WHERE id = $1`, [practiceId]);
    return rows[0]?.timezone ?? 'UTC';
  }

  async findStaff(practiceId: PracticeId, userId: string): Promise<{ id: string; role: string; status: string } | null> {
    const rows: Array<{ id: string; role: string; status: string }> = await this.dataSource.query(
      `SELECT id, role, status FROM users WHERE practice_id = $1 AND id = $2`,
      [practiceId, userId],
    );
    return rows[0] ?? null;
  }

  async clientStatuses(practiceId: PracticeId, ids: string[]): Promise<Map<string, string>> {
    const rows: Array<{ id: string; status: string }> = await this.dataSource.query(
      `SELECT id, status FROM clients WHERE practice_id = $1 AND id = ANY($2::uuid[])`,
      [practiceId, ids],
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  async findCouple(practiceId: PracticeId, coupleId: string): Promise<{ id: string; status: string; partnerIds: string[] } | null> {
    const rows: Array<{ id: string; status: string; partnerIds: string[] }> = await this.dataSource.query(
      `SELECT c.id, c.status,
              ARRAY(SELECT m.client_id FROM couple_members m WHERE m.couple_id = c.id AND m.active ORDER BY m.client_id)::text[] AS "partnerIds"
         FROM couples c WHERE c.practice_id = $1 AND c.id = $2`,
      [practiceId, coupleId],
    );
    return rows[0] ?? null;
  }

  /** The active couple made of exactly these two clients, if there is one. */
  async findActiveCoupleOf(practiceId: PracticeId, clientIds: string[]): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT m.couple_id AS id
         FROM couple_members m JOIN couples c ON c.id = m.couple_id
        WHERE m.practice_id = $1 AND c.practice_id = $1 AND c.status = 'active' AND m.active
          AND m.client_id = ANY($2::uuid[])
        GROUP BY m.couple_id
       HAVING count(*) = 2
          AND (SELECT count(*) FROM couple_members a WHERE a.couple_id = m.couple_id AND a.active) = 2`,
      [practiceId, clientIds],
    );
    return rows[0]?.id ?? null;
  }

  // ---- calendar feeds ----

  async upsertFeed(practiceId: PracticeId, clinicianId: string, tokenHash: string, includeClientNames: boolean): Promise<{ updatedAt: Date }> {
    const rows: Array<{ updatedAt: Date }> = await this.dataSource.query(
      `INSERT INTO calendar_feeds (practice_id, clinician_id, token_hash, include_client_names)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (clinician_id) DO UPDATE
          SET token_hash = EXCLUDED.token_hash, include_client_names = EXCLUDED.include_client_names, updated_at = now()
        WHERE calendar_feeds.practice_id = EXCLUDED.practice_id
       RETURNING updated_at AS "updatedAt"`,
      [practiceId, clinicianId, tokenHash, includeClientNames],
    );
    return rows[0];
  }

  async deleteFeed(practiceId: PracticeId, clinicianId: string): Promise<boolean> {
    const result: unknown = await this.dataSource.query(
      `DELETE FROM calendar_feeds WHERE practice_id = $1 AND clinician_id = $2`,
      [practiceId, clinicianId],
    );
    return affectedRows(result) > 0;
  }

  async findFeed(practiceId: PracticeId, clinicianId: string): Promise<{ includeClientNames: boolean; updatedAt: Date } | null> {
    const rows: Array<{ includeClientNames: boolean; updatedAt: Date }> = await this.dataSource.query(
      `SELECT include_client_names AS "includeClientNames", updated_at AS "updatedAt" FROM calendar_feeds WHERE practice_id = $1 AND clinician_id = $2`,
      [practiceId, clinicianId],
    );
    return rows[0] ?? null;
  }

  /**
   * The feed behind a token hash — the one lookup made before any tenant is known, so it only
   * answers for an active clinician of an active practice.
   */
  async findFeedByTokenHash(tokenHash: string): Promise<{ practiceId: PracticeId; clinicianId: string; includeClientNames: boolean } | null> {
    const rows: Array<{ practiceId: PracticeId; clinicianId: string; includeClientNames: boolean }> = await this.dataSource.query(
      `SELECT f.practice_id AS "practiceId", f.clinician_id AS "clinicianId", f.include_client_names AS "includeClientNames"
         FROM calendar_feeds f
         JOIN users u ON u.id = f.clinician_id AND u.practice_id = f.practice_id
         JOIN practices p ON p.id = f.practice_id
        WHERE f.token_hash = $1 AND u.status = 'active' AND u.role = 'clinician' AND p.status = 'active'`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  /** A clinician's sessions that hold time, in a window; client names only when asked for. */
  feedSessions(practiceId: PracticeId, clinicianId: string, from: Date, to: Date, withNames: boolean): Promise<FeedSessionRow[]> {
    const names = withNames
      ? `ARRAY(SELECT COALESCE(c.preferred_name, c.full_name) FROM session_participants sp JOIN clients c ON c.id = sp.client_id
                WHERE sp.session_id = s.id ORDER BY c.full_name, c.id)::text[]`
      : 'NULL::text[]';
    return this.dataSource.query(
      `SELECT s.id, s.kind, s.starts_at AS "startsAt", s.ends_at AS "endsAt", s.location, s.telehealth_url AS "telehealthUrl",
              s.status, s.updated_at AS "updatedAt", s.version, ${names} AS "clientNames"
         FROM clinical_sessions s
        WHERE s.practice_id = $1 AND s.clinician_id = $2 AND s.status NOT IN ('cancelled', 'late_cancelled')
          AND s.ends_at > $3 AND s.starts_at < $4
        ORDER BY s.starts_at, s.id
        LIMIT 5000`,
      [practiceId, clinicianId, from, to],
    );
  }
}
