import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CursorKey } from '../../common/pagination/cursor';
import { PracticeId } from '../../common/tenancy/request-context';
import { conjointWorkPausedSql } from './conjoint-pause';
import { SafetyFlagKind, SafetyFlagStatus, SafetySeverity } from './safety-flag.entity';

/** A flag as read for the API: ciphertexts still sealed, actors' names joined. */
export interface SafetyFlagRow {
  id: string;
  clientId: string;
  kind: SafetyFlagKind;
  severity: SafetySeverity;
  status: SafetyFlagStatus;
  noteCiphertext: string | null;
  raisedBy: string;
  raisedByName: string | null;
  raisedAt: Date;
  resolvedBy: string | null;
  resolvedByName: string | null;
  resolvedAt: Date | null;
  resolutionNoteCiphertext: string | null;
}

export interface SafetyFlagListFilter {
  status?: SafetyFlagStatus;
  kind?: SafetyFlagKind;
  /** Keyset position: rows strictly older than this (newest first). */
  before: CursorKey | null;
  limit: number;
}

export interface NewSafetyFlag {
  id: string;
  clientId: string;
  kind: SafetyFlagKind;
  severity: SafetySeverity;
  noteCiphertext: string | null;
  raisedBy: string;
}

const SELECT_ROW = `
  SELECT f.id, f.client_id AS "clientId", f.kind, f.severity, f.status, f.note_ciphertext AS "noteCiphertext",
         f.raised_by AS "raisedBy", ru.full_name AS "raisedByName", f.raised_at AS "raisedAt",
         f.resolved_by AS "resolvedBy", su.full_name AS "resolvedByName", f.resolved_at AS "resolvedAt",
         f.resolution_note_ciphertext AS "resolutionNoteCiphertext"
    FROM safety_flags f
    LEFT JOIN users ru ON ru.id = f.raised_by AND ru.practice_id = f.practice_id
    LEFT JOIN users su ON su.id = f.resolved_by AND su.practice_id = f.practice_id`;

/** Tenant-owned: every method takes the practice id. */
@Injectable()
export class SafetyFlagsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** A client's flags, newest first, one query whatever the page size. */
  listForClient(practiceId: PracticeId, clientId: string, f: SafetyFlagListFilter): Promise<SafetyFlagRow[]> {
    const params: unknown[] = [practiceId, clientId];
    const where = ['f.practice_id = $1', 'f.client_id = $2'];
    if (f.status) {
      params.push(f.status);
      where.push(`f.status = $${params.length}`);
    }
    if (f.kind) {
      params.push(f.kind);
      where.push(`f.kind = $${params.length}`);
    }
    if (f.before) {
      params.push(f.before.at, f.before.id);
      where.push(`(f.raised_at, f.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(f.limit + 1);
    return this.dataSource.query(
      `${SELECT_ROW} WHERE ${where.join(' AND ')} ORDER BY f.raised_at DESC, f.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async findForClient(practiceId: PracticeId, clientId: string, id: string, manager?: EntityManager): Promise<SafetyFlagRow | null> {
    const rows: SafetyFlagRow[] = await this.m(manager).query(
      `${SELECT_ROW} WHERE f.practice_id = $1 AND f.client_id = $2 AND f.id = $3`,
      [practiceId, clientId, id],
    );
    return rows[0] ?? null;
  }

  async insert(manager: EntityManager, practiceId: PracticeId, flag: NewSafetyFlag): Promise<void> {
    await manager.query(
      `INSERT INTO safety_flags (id, practice_id, client_id, kind, severity, status, note_ciphertext, raised_by, raised_at)
       VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, now())`,
      [flag.id, practiceId, flag.clientId, flag.kind, flag.severity, flag.noteCiphertext, flag.raisedBy],
    );
  }

  /** Resolves an active flag; false when there is no such active flag (already resolved or absent). */
  async resolve(
    manager: EntityManager,
    practiceId: PracticeId,
    clientId: string,
    id: string,
    by: string,
    resolutionNoteCiphertext: string | null,
  ): Promise<boolean> {
    // For UPDATE, TypeORM's raw query answers [rows, affected row count].
    const [, affected]: [unknown[], number] = await manager.query(
      `UPDATE safety_flags
          SET status = 'resolved', resolved_by = $4, resolved_at = now(), resolution_note_ciphertext = $5, updated_at = now()
        WHERE practice_id = $1 AND client_id = $2 AND id = $3 AND status = 'active'`,
      [practiceId, clientId, id, by, resolutionNoteCiphertext],
    );
    return affected === 1;
  }

  /** Is the couple's conjoint work paused (see conjoint-pause.ts)? */
  async isConjointWorkPaused(practiceId: PracticeId, coupleId: string, manager?: EntityManager): Promise<boolean> {
    const rows: Array<{ paused: boolean }> = await this.m(manager).query(
      `SELECT ${conjointWorkPausedSql('$2::uuid', '$1::uuid')} AS paused`,
      [practiceId, coupleId],
    );
    return rows[0]?.paused ?? false;
  }

  /** Of these couples, the ones whose conjoint work is paused — one query for any number. */
  async pausedCoupleIds(practiceId: PracticeId, coupleIds: string[], manager?: EntityManager): Promise<Set<string>> {
    if (coupleIds.length === 0) return new Set();
    const rows: Array<{ id: string }> = await this.m(manager).query(
      `SELECT c.id FROM unnest($2::uuid[]) AS c(id) WHERE ${conjointWorkPausedSql('c.id', '$1::uuid')}`,
      [practiceId, coupleIds],
    );
    return new Set(rows.map((r) => r.id));
  }
}
