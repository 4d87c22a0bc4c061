import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ForbiddenError, NotFoundError } from '../errors/domain-error';
import { Principal } from '../tenancy/request-context';

/**
 * Who may see what, decided in bulk in SQL.
 *
 * - record level (demographics, couples, care teams, schedules): admins see every record of the
 *   practice; clinicians see clients and couples whose care team they are on (a couple's team
 *   also sees both partners), or every one when the practice widens it.
 * - clinical level (notes, safety flags, homework and check-in answers): only the care team, or
 *   every clinician when the practice widens it. An admin who is not on the care team can see
 *   the record exists but is refused its content (403).
 *
 * Records the principal cannot see answer 404, exactly like records that do not exist.
 */
@Injectable()
export class ClinicalAccess {
  constructor(private readonly dataSource: DataSource) {}

  private async seeAll(p: Principal): Promise<boolean> {
    const rows: Array<{ see_all: boolean }> = await this.dataSource.query(
      `SELECT COALESCE((settings->>'cliniciansSeeAllClients')::boolean, false) AS see_all FROM practices WHERE id = $1`,
      [p.practiceId],
    );
    return rows[0]?.see_all ?? false;
  }

  /** Of these client ids, the ones in the principal's practice that the principal is on the care team of. */
  private async careTeamClientIds(p: Principal, ids: string[]): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT c.id FROM clients c
        WHERE c.practice_id = $1 AND c.id = ANY($2::uuid[])
          AND (EXISTS (SELECT 1 FROM care_team_members t WHERE t.client_id = c.id AND t.clinician_id = $3)
               OR EXISTS (SELECT 1 FROM couple_members m JOIN care_team_members t ON t.couple_id = m.couple_id
                           WHERE m.client_id = c.id AND t.clinician_id = $3))`,
      [p.practiceId, ids, p.userId],
    );
    return new Set(rows.map((r) => r.id));
  }

  private async practiceClientIds(p: Principal, ids: string[]): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM clients WHERE practice_id = $1 AND id = ANY($2::uuid[])`,
      [p.practiceId, ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Which of these clients' records may the principal see? */
  async visibleClientIds(p: Principal, ids: string[]): Promise<Set<string>> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0 || p.role === 'client') return new Set();
    if (p.role === 'admin' || (await this.seeAll(p))) return this.practiceClientIds(p, valid);
    return this.careTeamClientIds(p, valid);
  }

  /** Which of these clients' clinical content may the principal read? */
  async clinicalClientIds(p: Principal, ids: string[]): Promise<Set<string>> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0 || p.role === 'client') return new Set();
    if (p.role === 'clinician' && (await this.seeAll(p))) return this.practiceClientIds(p, valid);
    return this.careTeamClientIds(p, valid);
  }

  async assertClientRecord(p: Principal, clientId: string): Promise<void> {
    if (!(await this.visibleClientIds(p, [clientId])).has(clientId)) throw new NotFoundError('Client');
  }

  /** 404 when the record is not visible at all, 403 when visible but its content is not. */
  async assertClientClinical(p: Principal, clientId: string): Promise<void> {
    await this.assertClientRecord(p, clientId);
    if (!(await this.clinicalClientIds(p, [clientId])).has(clientId)) {
      throw new ForbiddenError('Only the care team reads clinical content', 'not_on_care_team');
    }
  }

  async visibleCoupleIds(p: Principal, ids: string[], level: 'record' | 'clinical' = 'record'): Promise<Set<string>> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0 || p.role === 'client') return new Set();
    const wide = level === 'record' ? p.role === 'admin' || (await this.seeAll(p)) : p.role === 'clinician' && (await this.seeAll(p));
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT c.id FROM couples c
        WHERE c.practice_id = $1 AND c.id = ANY($2::uuid[])
          AND ($4 OR EXISTS (SELECT 1 FROM care_team_members t WHERE t.couple_id = c.id AND t.clinician_id = $3))`,
      [p.practiceId, valid, p.userId, wide],
    );
    return new Set(rows.map((r) => r.id));
  }

  /**
   * For a record that belongs to a couple or to one client (a plan, its homework): 404 when the
   * subject is not visible at all, 403 when it is but its clinical content is not.
   */
  async assertSubjectClinical(
    p: Principal,
    s: { coupleId: string | null; clientId: string | null },
    notFound: () => NotFoundError,
    deniedMessage: string,
  ): Promise<void> {
    let record: boolean;
    let clinical: boolean;
    if (s.coupleId) {
      record = (await this.visibleCoupleIds(p, [s.coupleId], 'record')).has(s.coupleId);
      clinical = record && (await this.visibleCoupleIds(p, [s.coupleId], 'clinical')).has(s.coupleId);
    } else {
      const clientId = s.clientId!;
      record = (await this.visibleClientIds(p, [clientId])).has(clientId);
      clinical = record && (await this.clinicalClientIds(p, [clientId])).has(clientId);
    }
    if (!record) throw notFound();
    if (!clinical) throw new ForbiddenError(deniedMessage, 'not_on_care_team');
  }

  async assertCoupleRecord(p: Principal, coupleId: string): Promise<void> {
    if (!(await this.visibleCoupleIds(p, [coupleId])).has(coupleId)) throw new NotFoundError('Couple');
  }

  async assertCoupleClinical(p: Principal, coupleId: string): Promise<void> {
    await this.assertCoupleRecord(p, coupleId);
    if (!(await this.visibleCoupleIds(p, [coupleId], 'clinical')).has(coupleId)) {
      throw new ForbiddenError('Only the care team reads clinical content', 'not_on_care_team');
    }
  }

  /**
   * SQL condition (for list queries over clients aliased `alias`) restricting to records the
   * principal may see, or at the clinical level to those whose clinical content the principal
   * may read; parameters are appended to `params`.
   */
  async clientListCondition(p: Principal, alias: string, params: unknown[], level: 'record' | 'clinical' = 'record'): Promise<string> {
    params.push(p.practiceId);
    const practiceCond = `${alias}.practice_id = $${params.length}`;
    if (level === 'clinical' && p.role === 'client') return 'FALSE';
    const wide = level === 'record' ? p.role === 'admin' || (await this.seeAll(p)) : p.role === 'clinician' && (await this.seeAll(p));
    if (wide) return practiceCond;
    params.push(p.userId);
    const me = `$${params.length}`;
    return `${practiceCond} AND (EXISTS (SELECT 1 FROM care_team_members t WHERE t.client_id = ${alias}.id AND t.clinician_id = ${me})
      OR EXISTS (SELECT 1 FROM couple_members m JOIN care_team_members t ON t.couple_id = m.couple_id
                  WHERE m.client_id = ${alias}.id AND t.clinician_id = ${me}))`;
  }

  /** Like clientListCondition, for list queries over couples aliased `alias`. */
  async coupleListCondition(p: Principal, alias: string, params: unknown[], level: 'record' | 'clinical' = 'record'): Promise<string> {
    params.push(p.practiceId);
    const practiceCond = `${alias}.practice_id = $${params.length}`;
    if (p.role === 'client') return 'FALSE';
    const wide = level === 'record' ? p.role === 'admin' || (await this.seeAll(p)) : p.role === 'clinician' && (await this.seeAll(p));
    if (wide) return practiceCond;
    params.push(p.userId);
    return `${practiceCond} AND EXISTS (SELECT 1 FROM care_team_members t WHERE t.couple_id = ${alias}.id AND t.clinician_id = $${params.length})`;
  }

  /**
   * SQL condition, at CLINICAL level, for list queries over rows that belong to a client or a
   * couple (e.g. treatment plans): `cols` name the row's practice, client and couple columns
   * (SQL expressions chosen by the caller, never request input). Same rule as clinicalClientIds
   * and visibleCoupleIds(…, 'clinical'): the care team, or every clinician when the practice
   * widens it; portal accounts see none.
   */
  async clinicalSubjectCondition(
    p: Principal,
    cols: { practiceId: string; clientId: string; coupleId: string },
    params: unknown[],
  ): Promise<string> {
    if (p.role === 'client') return 'FALSE';
    params.push(p.practiceId);
    const practiceCond = `${cols.practiceId} = $${params.length}`;
    if (p.role === 'clinician' && (await this.seeAll(p))) return practiceCond;
    params.push(p.userId);
    const me = `$${params.length}`;
    return `${practiceCond} AND (
      (${cols.coupleId} IS NOT NULL AND EXISTS (SELECT 1 FROM care_team_members t WHERE t.couple_id = ${cols.coupleId} AND t.clinician_id = ${me}))
      OR (${cols.clientId} IS NOT NULL AND (
        EXISTS (SELECT 1 FROM care_team_members t WHERE t.client_id = ${cols.clientId} AND t.clinician_id = ${me})
        OR EXISTS (SELECT 1 FROM couple_members m JOIN care_team_members t ON t.couple_id = m.couple_id
                    WHERE m.client_id = ${cols.clientId} AND t.clinician_id = ${me}))))`;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(v: string): boolean {
  return UUID.test(v);
}
