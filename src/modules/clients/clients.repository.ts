import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ClinicalAccess } from '../../common/access/clinical-access.service';
import { CursorKey } from '../../common/pagination/cursor';
import { PracticeId, Principal } from '../../common/tenancy/request-context';
import type { UserStatus } from '../users/user.entity';
import { Client, ClientStatus, ReminderPreferences } from './client.entity';

export const PORTAL_STATUSES = ['none', 'invited', 'active', 'deactivated'] as const;
export type PortalStatus = (typeof PORTAL_STATUSES)[number];

/** A client with what every response shows beside it: its care team and its portal status. */
export interface ClientView {
  id: string;
  practiceId: string;
  fullName: string;
  preferredName: string | null;
  pronouns: string | null;
  dateOfBirth: string | null;
  email: string | null;
  phone: string | null;
  timezone: string;
  reminderPreferences: ReminderPreferences;
  status: ClientStatus;
  archivedAt: Date | null;
  portalUserId: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  careTeam: string[];
  portalStatus: PortalStatus;
}

export interface ClientListFilter {
  status?: ClientStatus;
  clinicianId?: string;
  /** A LIKE pattern over search_name, already folded and escaped. */
  namePattern?: string | null;
  after: CursorKey | null;
  limit: number;
}

interface ClientViewRow {
  id: string;
  practice_id: string;
  full_name: string;
  preferred_name: string | null;
  pronouns: string | null;
  date_of_birth: string | null;
  email: string | null;
  phone: string | null;
  timezone: string;
  reminder_preferences: ReminderPreferences;
  status: ClientStatus;
  archived_at: Date | null;
  portal_user_id: string | null;
  portal_user_status: UserStatus | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  version: number;
  care_team: string[];
}

/**
 * One statement per page: the care team comes from a correlated ARRAY(...) and the portal
 * status from a join, so the number of queries never depends on the page size.
 */
const VIEW_SELECT = `
  SELECT c.id, c.practice_id, c.full_name, c.preferred_name, c.pronouns, c.date_of_birth::text AS date_of_birth,
         c.email, c.phone, c.timezone, c.reminder_preferences, c.status, c.archived_at, c.portal_user_id,
         pu.status AS portal_user_status, c.created_by, c.created_at, c.updated_at, c.version,
         ARRAY(SELECT t.clinician_id::text FROM care_team_members t WHERE t.client_id = c.id ORDER BY t.created_at, t.id) AS care_team
    FROM clients c
    LEFT JOIN users pu ON pu.id = c.portal_user_id AND pu.practice_id = c.practice_id`;

function toView(r: ClientViewRow): ClientView {
  return {
    id: r.id,
    practiceId: r.practice_id,
    fullName: r.full_name,
    preferredName: r.preferred_name,
    pronouns: r.pronouns,
    dateOfBirth: r.date_of_birth,
    email: r.email,
    phone: r.phone,
    timezone: r.timezone,
    reminderPreferences: r.reminder_preferences,
    status: r.status,
    archivedAt: r.archived_at,
    portalUserId: r.portal_user_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
    careTeam: r.care_team,
    portalStatus: r.portal_user_id ? (r.portal_user_status ?? 'none') : 'none',
  };
}

/** Tenant-owned: every method takes the practice id (or the principal that carries it). */
@Injectable()
export class ClientsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: ClinicalAccess,
  ) {}

  /** A page of the clients the principal may see, keyset-ordered by (created_at, id). */
  async listVisible(principal: Principal, f: ClientListFilter): Promise<ClientView[]> {
    const params: unknown[] = [];
    const where = [await this.access.clientListCondition(principal, 'c', params)];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (f.status) where.push(`c.status = ${p(f.status)}`);
    if (f.clinicianId) {
      where.push(`EXISTS (SELECT 1 FROM care_team_members f WHERE f.client_id = c.id AND f.clinician_id = ${p(f.clinicianId)})`);
    }
    if (f.namePattern) where.push(`c.search_name LIKE ${p(f.namePattern)}`);
    if (f.after) where.push(`(c.created_at, c.id) > (${p(f.after.at)}::timestamptz, ${p(f.after.id)}::uuid)`);
    const sql = `${VIEW_SELECT} WHERE ${where.join(' AND ')} ORDER BY c.created_at, c.id LIMIT ${p(f.limit + 1)}`;
    const rows: ClientViewRow[] = await this.dataSource.query(sql, params);
    return rows.map(toView);
  }

  /** The client, if the principal may see its record; null otherwise (not found or not yours). */
  async findVisible(principal: Principal, id: string, manager?: EntityManager): Promise<ClientView | null> {
    const params: unknown[] = [];
    const cond = await this.access.clientListCondition(principal, 'c', params);
    params.push(id);
    const rows: ClientViewRow[] = await (manager ?? this.dataSource.manager).query(
      `${VIEW_SELECT} WHERE ${cond} AND c.id = $${params.length}`,
      params,
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  /** For the portal, where the client id comes from the signed-in account itself. */
  async findView(practiceId: PracticeId, id: string): Promise<ClientView | null> {
    const rows: ClientViewRow[] = await this.dataSource.query(`${VIEW_SELECT} WHERE c.practice_id = $1 AND c.id = $2`, [practiceId, id]);
    return rows[0] ? toView(rows[0]) : null;
  }

  /** Row-locks the client for a read-modify-write inside a transaction. */
  lockInPractice(manager: EntityManager, practiceId: PracticeId, id: string): Promise<Client | null> {
    return manager.findOne(Client, { where: { id, practiceId }, lock: { mode: 'pessimistic_write' } });
  }

  async insert(manager: EntityManager, data: Omit<Client, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'practice' | 'portalUser' | 'status' | 'archivedAt' | 'portalUserId'>): Promise<string> {
    const saved = await manager.save(manager.create(Client, { ...data, status: 'active', archivedAt: null, portalUserId: null }));
    return saved.id;
  }

  /**
   * Applies the changes only if the row still has the version the caller read (one conditional
   * UPDATE, which also bumps the version); false when someone else saved first.
   */
  async updateIfVersion(manager: EntityManager, practiceId: PracticeId, id: string, version: number, changes: Partial<Client>): Promise<boolean> {
    const res = await manager
      .createQueryBuilder()
      .update(Client)
      .set(changes)
      .where('id = :id AND practice_id = :practiceId AND version = :version', { id, practiceId, version })
      .execute();
    return (res.affected ?? 0) > 0;
  }

  /** Unconditional change (bumps the version); callers hold the row lock or own the field. */
  async update(manager: EntityManager, practiceId: PracticeId, id: string, changes: Partial<Client>): Promise<void> {
    await manager.createQueryBuilder().update(Client).set(changes).where('id = :id AND practice_id = :practiceId', { id, practiceId }).execute();
  }
}
