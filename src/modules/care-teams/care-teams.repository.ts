import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { PracticeId } from '../../common/tenancy/request-context';
import type { UserRole, UserStatus } from '../users/user.entity';

/** A care team belongs to exactly one client or one couple. */
export type CareTeamSubject = { kind: 'client'; id: string } | { kind: 'couple'; id: string };

export interface CareTeamMemberView {
  clinicianId: string;
  fullName: string | null;
  role: UserRole;
  status: UserStatus;
  addedBy: string;
  addedAt: Date;
}

interface MemberRow {
  clinician_id: string;
  full_name: string | null;
  role: UserRole;
  status: UserStatus;
  added_by: string;
  created_at: Date;
}

function column(subject: CareTeamSubject): 'client_id' | 'couple_id' {
  return subject.kind === 'client' ? 'client_id' : 'couple_id';
}

/** Tenant-owned: every method takes the practice id. */
@Injectable()
export class CareTeamsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async listMembers(practiceId: PracticeId, subject: CareTeamSubject, manager?: EntityManager): Promise<CareTeamMemberView[]> {
    const rows: MemberRow[] = await this.m(manager).query(
      `SELECT t.clinician_id, u.full_name, u.role, u.status, t.added_by, t.created_at
         FROM care_team_members t JOIN users u ON u.id = t.clinician_id
        WHERE t.practice_id = $1 AND t.${column(subject)} = $2
        ORDER BY t.created_at, t.id`,
      [practiceId, subject.id],
    );
    return rows.map((r) => ({ clinicianId: r.clinician_id, fullName: r.full_name, role: r.role, status: r.status, addedBy: r.added_by, addedAt: r.created_at }));
  }

  async isMember(practiceId: PracticeId, subject: CareTeamSubject, clinicianId: string, manager?: EntityManager): Promise<boolean> {
    const rows: unknown[] = await this.m(manager).query(
      `SELECT 1 FROM care_team_members WHERE practice_id = $1 AND ${column(subject)} = $2 AND clinician_id = $3`,
      [practiceId, subject.id, clinicianId],
    );
    return rows.length > 0;
  }

  async countMembers(manager: EntityManager, practiceId: PracticeId, subject: CareTeamSubject): Promise<number> {
    const rows: Array<{ n: number }> = await manager.query(
      `SELECT count(*)::int AS n FROM care_team_members WHERE practice_id = $1 AND ${column(subject)} = $2`,
      [practiceId, subject.id],
    );
    return rows[0]?.n ?? 0;
  }

  /**
   * Row-locks the client or couple, so concurrent changes to its team are serialised (two
   * removals cannot both see "one other member left"). False when it is not in the practice.
   */
  async lockSubject(manager: EntityManager, practiceId: PracticeId, subject: CareTeamSubject): Promise<boolean> {
    const table = subject.kind === 'client' ? 'clients' : 'couples';
    const rows: unknown[] = await manager.query(`SELECT 1 FROM ${table} WHERE practice_id = $1 AND id = $2 FOR UPDATE`, [practiceId, subject.id]);
    return rows.length > 0;
  }

  /** Adds the clinician; false when already on the team (the unique index decides, races included). */
  async add(manager: EntityManager, practiceId: PracticeId, subject: CareTeamSubject, clinicianId: string, addedBy: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO care_team_members (practice_id, clinician_id, ${column(subject)}, added_by)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
      [practiceId, clinicianId, subject.id, addedBy],
    );
    return rows.length > 0;
  }

  async remove(manager: EntityManager, practiceId: PracticeId, subject: CareTeamSubject, clinicianId: string): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, affected].
    const [, affected] = (await manager.query(
      `DELETE FROM care_team_members WHERE practice_id = $1 AND ${column(subject)} = $2 AND clinician_id = $3`,
      [practiceId, subject.id, clinicianId],
    )) as [unknown[], number];
    return affected > 0;
  }
}
