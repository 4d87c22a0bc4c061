import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PracticeId } from '../../common/tenancy/request-context';
import type { AgreementKind, AgreementStatus } from '../agreements/agreement.entity';
import type { RecoveryRole } from '../couples/couple.entity';
import type { PlanStatus, StepState } from '../treatment-plans/treatment-plan.entity';
import type { LocalDate } from './local-dates';
import type { WeekAggregate } from './objective-progress';
import type { Bucket, PartnerRecency } from './progress-rules';

/**
 * Progress is read straight from the tables other modules write (check_ins, plan_steps,
 * plan_events, agreements), with SQL that aggregates in the database: every method is one query
 * whose result is bounded by the number of partners, buckets, weeks, steps or agreements —
 * never by the number of check-ins. Every method takes the practice id.
 */

export type SubjectKind = 'couple' | 'client';

export interface Partner {
  clientId: string;
  recoveryRole: RecoveryRole | null;
  timezone: string;
}

export interface PlanRef {
  id: string;
  status: PlanStatus;
  frameworkVersion: number;
  ownerId: string;
}

export interface SubjectRow {
  kind: SubjectKind;
  id: string;
  partners: Partner[];
  /** The open plan, or else the latest closed one. */
  plan: PlanRef | null;
}

/** Whose check-ins count: these clients' — and for a couple only those answered as this couple. */
export interface CheckInScope {
  practiceId: PracticeId;
  clientIds: string[];
  coupleId: string | null;
}

export interface SeriesRow {
  clientId: string;
  bucketStart: LocalDate;
  count: number;
  trust: number | null;
  safety: number | null;
  connection: number | null;
  mood: number | null;
}

/** A weekly aggregate; clientId null for the partners' check-ins pooled. */
export interface WeekRow extends WeekAggregate {
  clientId: string | null;
}

export interface StepRow {
  key: string;
  position: number;
  title: string | null;
  state: StepState;
  waivedReason: string | null;
  activatedAt: Date | null;
  completedAt: Date | null;
  waivedAt: Date | null;
}

export interface StepEventRow {
  id: string;
  kind: 'step_activated' | 'step_completed' | 'step_waived' | 'step_reopened';
  stepKey: string;
  fromState: string | null;
  toState: string | null;
  reason: string | null;
  at: Date;
  /** The day it happened on the subject's calendar. */
  localDate: LocalDate;
}

export interface AgreementRow {
  id: string;
  kind: AgreementKind;
  stepKey: string;
  status: AgreementStatus;
  reviewOn: LocalDate | null;
  revision: number;
  revisionSince: Date;
  perPartner: Array<{ clientId: string; yes: number; partly: number; no: number }>;
  keptThroughReview: boolean;
}

export interface StreakRow {
  clientId: string;
  days: number;
  on: LocalDate;
}

/** The most step events one report shows (a plan's whole step history is far shorter). */
export const MAX_STEP_EVENTS = 500;

const SCOPE = `ci.practice_id = $1 AND ci.client_id = ANY($2::uuid[]) AND ($3::uuid IS NULL OR ci.couple_id = $3::uuid)`;
const week = (col: string) => `(${col} - (EXTRACT(ISODOW FROM ${col})::int - 1))`;

@Injectable()
export class ProgressRepository {
  /** A couple or a client with their partners (timezones, roles) and the plan in view. */
  async subject(m: EntityManager, practiceId: PracticeId, kind: SubjectKind, id: string): Promise<SubjectRow | null> {
    const planOf = (column: 'couple_id' | 'client_id', subject: string) => `
      (SELECT json_build_object('id', p.id, 'status', p.status, 'frameworkVersion', p.framework_version, 'ownerId', p.owner_id)
         FROM treatment_plans p
        WHERE p.practice_id = $1 AND p.${column} = ${subject}
        ORDER BY (p.status <> 'closed') DESC, p.created_at DESC, p.id DESC
        LIMIT 1)`;
    const sql =
      kind === 'couple'
        ? `SELECT 'couple' AS kind, c.id,
                  COALESCE((SELECT json_agg(json_build_object('clientId', cm.client_id, 'recoveryRole', cm.recovery_role, 'timezone', cl.timezone)
                                            ORDER BY cm.recovery_role, cm.client_id)
                              FROM couple_members cm JOIN clients cl ON cl.id = cm.client_id AND cl.practice_id = cm.practice_id
                             WHERE cm.couple_id = c.id AND cm.practice_id = c.practice_id), '[]'::json) AS partners,
                  ${planOf('couple_id', 'c.id')} AS plan
             FROM couples c WHERE c.practice_id = $1 AND c.id = $2`
        : `SELECT 'client' AS kind, cl.id,
                  json_build_array(json_build_object('clientId', cl.id, 'recoveryRole', NULL, 'timezone', cl.timezone)) AS partners,
                  ${planOf('client_id', 'cl.id')} AS plan
             FROM clients cl WHERE cl.practice_id = $1 AND cl.id = $2`;
    const rows: SubjectRow[] = await m.query(sql, [practiceId, id]);
    return rows[0] ?? null;
  }

  /** The subject of a plan: its couple or its client. */
  async subjectOfPlan(m: EntityManager, practiceId: PracticeId, plan: { coupleId: string | null; clientId: string | null }): Promise<SubjectRow | null> {
    return plan.coupleId ? this.subject(m, practiceId, 'couple', plan.coupleId) : this.subject(m, practiceId, 'client', plan.clientId!);
  }

  /** Averages and counts per partner per bucket, every bucket present (count 0 when empty). */
  series(m: EntityManager, s: CheckInScope, from: LocalDate, to: LocalDate, bucket: Bucket, bucketStarts: LocalDate[]): Promise<SeriesRow[]> {
    const bucketOf = bucket === 'week' ? week('ci.local_date') : 'ci.local_date';
    return m.query(
      `WITH agg AS (
         SELECT ci.client_id, ${bucketOf} AS bucket_start, count(*)::int AS n,
                round(avg(ci.trust), 2)::float8 AS trust, round(avg(ci.safety), 2)::float8 AS safety,
                round(avg(ci.connection), 2)::float8 AS connection, round(avg(ci.mood), 2)::float8 AS mood
           FROM check_ins ci
          WHERE ${SCOPE} AND ci.local_date BETWEEN $4::date AND $5::date
          GROUP BY 1, 2)
       SELECT mb.client_id AS "clientId", to_char(b.d, 'YYYY-MM-DD') AS "bucketStart", COALESCE(agg.n, 0) AS count,
              agg.trust, agg.safety, agg.connection, agg.mood
         FROM unnest($2::uuid[]) AS mb(client_id)
        CROSS JOIN unnest($6::date[]) AS b(d)
         LEFT JOIN agg ON agg.client_id = mb.client_id AND agg.bucket_start = b.d
        ORDER BY mb.client_id, b.d`,
      [s.practiceId, s.clientIds, s.coupleId, from, to, bucketStarts],
    );
  }

  /**
   * Per ISO week (of local dates) and partner, plus the partners pooled (clientId null): days
   * with a check-in, averages, and the answers to "were our agreements kept?".
   */
  weekly(m: EntityManager, s: CheckInScope, from: LocalDate, to: LocalDate): Promise<WeekRow[]> {
    return m.query(
      `SELECT x.client_id AS "clientId", to_char(x.week_start, 'YYYY-MM-DD') AS "weekStart",
              count(DISTINCT x.local_date)::int AS days, count(*)::int AS "checkIns",
              avg(x.trust)::float8 AS trust, avg(x.safety)::float8 AS safety,
              avg(x.connection)::float8 AS connection, avg(x.mood)::float8 AS mood,
              count(x.agreements_kept)::int AS "agreementsAnswered",
              (count(*) FILTER (WHERE x.agreements_kept = 'yes'))::int AS "agreementsKeptYes"
         FROM (SELECT ci.client_id, ci.local_date, ${week('ci.local_date')} AS week_start,
                      ci.trust, ci.safety, ci.connection, ci.mood, ci.agreements_kept
                 FROM check_ins ci
                WHERE ${SCOPE} AND ci.local_date BETWEEN $4::date AND $5::date) x
        GROUP BY GROUPING SETS ((x.week_start, x.client_id), (x.week_start))
        ORDER BY 2, 1 NULLS FIRST`,
      [s.practiceId, s.clientIds, s.coupleId, from, to],
    );
  }

  /** Per partner: last check-in, latest forgiveness-readiness answer, "I feel unsafe" reports in the range. */
  async recency(m: EntityManager, s: CheckInScope, from: LocalDate, asOf: LocalDate): Promise<PartnerRecency[]> {
    const mine = `ci.practice_id = $1 AND ci.client_id = mb.client_id AND ($3::uuid IS NULL OR ci.couple_id = $3::uuid) AND ci.local_date <= $4::date`;
    const rows: Array<{
      clientId: string;
      lastCheckInOn: LocalDate | null;
      readinessAnswer: 'ready' | 'not_yet' | null;
      readinessOn: LocalDate | null;
      readinessAt: Date | null;
      lastReadyAt: Date | null;
      unsafeCount: number;
      lastUnsafeOn: LocalDate | null;
    }> = await m.query(
      `SELECT mb.client_id AS "clientId",
              (SELECT to_char(max(ci.local_date), 'YYYY-MM-DD') FROM check_ins ci WHERE ${mine}) AS "lastCheckInOn",
              r.answer AS "readinessAnswer", r.on_date AS "readinessOn", r.submitted_at AS "readinessAt",
              (SELECT max(ci.submitted_at) FROM check_ins ci WHERE ${mine} AND ci.forgiveness_readiness = 'ready') AS "lastReadyAt",
              u.n AS "unsafeCount", u.last_on AS "lastUnsafeOn"
         FROM unnest($2::uuid[]) AS mb(client_id)
         LEFT JOIN LATERAL (
           SELECT ci.forgiveness_readiness::text AS answer, to_char(ci.local_date, 'YYYY-MM-DD') AS on_date, ci.submitted_at
             FROM check_ins ci WHERE ${mine} AND ci.forgiveness_readiness IS NOT NULL
            ORDER BY ci.submitted_at DESC, ci.id DESC LIMIT 1) r ON true
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS n, to_char(max(ci.local_date), 'YYYY-MM-DD') AS last_on
             FROM check_ins ci WHERE ${mine} AND ci.feels_unsafe AND ci.local_date >= $5::date) u`,
      [s.practiceId, s.clientIds, s.coupleId, asOf, from],
    );
    return rows.map((r) => ({
      clientId: r.clientId,
      lastCheckInOn: r.lastCheckInOn,
      latestReadiness: r.readinessAnswer ? { answer: r.readinessAnswer, on: r.readinessOn!, submittedAt: new Date(r.readinessAt!) } : null,
      lastReadyAt: r.lastReadyAt ? new Date(r.lastReadyAt) : null,
      unsafeCount: r.unsafeCount,
      lastUnsafeOn: r.lastUnsafeOn,
    }));
  }

  /**
   * Runs of consecutive local days with a check-in, as the days the 7th, 14th, 30th… day was
   * reached within [from, to]. Only the days that can matter are read: a run whose milestone
   * falls in the range started at most (longest − 1) days before `from`.
   */
  streaks(m: EntityManager, s: CheckInScope, from: LocalDate, to: LocalDate, lengths: readonly number[]): Promise<StreakRow[]> {
    const lookback = Math.max(...lengths);
    return m.query(
      `WITH d AS (
         SELECT DISTINCT ci.client_id, ci.local_date FROM check_ins ci
          WHERE ${SCOPE} AND ci.local_date BETWEEN ($4::date - $6::int) AND $5::date),
       g AS (
         SELECT client_id, local_date, local_date - (row_number() OVER (PARTITION BY client_id ORDER BY local_date))::int AS grp FROM d),
       runs AS (
         SELECT client_id, min(local_date) AS start_on, count(*)::int AS len FROM g GROUP BY client_id, grp)
       SELECT r.client_id AS "clientId", t.days, to_char(r.start_on + (t.days - 1), 'YYYY-MM-DD') AS "on"
         FROM runs r CROSS JOIN unnest($7::int[]) AS t(days)
        -- A run that reaches back to the first day read may have started earlier: all its milestones precede the range.
        WHERE r.start_on > ($4::date - $6::int) AND r.len >= t.days AND r.start_on + (t.days - 1) >= $4::date
        ORDER BY 3, 1, 2`,
      [s.practiceId, s.clientIds, s.coupleId, from, to, lookback, lengths],
    );
  }

  /** The plan's steps with when they were first activated, and completed or waived (when they are). */
  steps(m: EntityManager, practiceId: PracticeId, planId: string): Promise<StepRow[]> {
    return m.query(
      `SELECT s.step_key AS key, s.position, fs.title, s.state, s.waived_reason AS "waivedReason",
              e.first_activated AS "activatedAt",
              CASE WHEN s.state = 'completed' THEN COALESCE(e.last_completed, s.changed_at) END AS "completedAt",
              CASE WHEN s.state = 'waived' THEN COALESCE(e.last_waived, s.changed_at) END AS "waivedAt"
         FROM plan_steps s
         JOIN treatment_plans p ON p.id = s.plan_id AND p.practice_id = s.practice_id
         LEFT JOIN framework_steps fs ON fs.version = p.framework_version AND fs.key = s.step_key
         LEFT JOIN LATERAL (
           SELECT min(ev.occurred_at) FILTER (WHERE ev.kind = 'step_activated') AS first_activated,
                  max(ev.occurred_at) FILTER (WHERE ev.kind = 'step_completed') AS last_completed,
                  max(ev.occurred_at) FILTER (WHERE ev.kind = 'step_waived') AS last_waived
             FROM plan_events ev
            WHERE ev.practice_id = s.practice_id AND ev.plan_id = s.plan_id AND ev.step_key = s.step_key) e ON true
        WHERE s.practice_id = $1 AND s.plan_id = $2
        ORDER BY s.position, s.step_key`,
      [practiceId, planId],
    );
  }

  /** The plan's step history, oldest first, with each event's day on the subject's calendar. */
  stepEvents(m: EntityManager, practiceId: PracticeId, planId: string, timezone: string): Promise<StepEventRow[]> {
    return m.query(
      `SELECT ev.id, ev.kind, ev.step_key AS "stepKey", ev.from_state AS "fromState", ev.to_state AS "toState", ev.reason,
              ev.occurred_at AS at, to_char((ev.occurred_at AT TIME ZONE $3)::date, 'YYYY-MM-DD') AS "localDate"
         FROM plan_events ev
        WHERE ev.practice_id = $1 AND ev.plan_id = $2
          AND ev.kind IN ('step_activated', 'step_completed', 'step_waived', 'step_reopened')
        ORDER BY ev.occurred_at, ev.id
        LIMIT ${MAX_STEP_EVENTS}`,
      [practiceId, planId, timezone],
    );
  }

  /**
   * The couple's agreements with the partners' "were our agreements kept?" answers since the
   * agreement's current revision (until it ended), and whether it was kept through its review
   * date: the date has passed, at least one answer came in between the revision and that date,
   * and none of them was "no".
   */
  agreements(m: EntityManager, practiceId: PracticeId, coupleId: string, today: LocalDate, timezone: string): Promise<AgreementRow[]> {
    const answers = `ci.practice_id = a.practice_id AND ci.couple_id = a.couple_id AND ci.agreements_kept IS NOT NULL
                     AND ci.submitted_at >= COALESCE(r.created_at, a.created_at)`;
    return m.query(
      `SELECT a.id, a.kind, a.step_key AS "stepKey", a.status, to_char(a.review_on, 'YYYY-MM-DD') AS "reviewOn",
              a.current_revision AS revision, COALESCE(r.created_at, a.created_at) AS "revisionSince",
              COALESCE(adh.per_partner, '[]'::json) AS "perPartner",
              (a.review_on IS NOT NULL AND a.review_on < $3::date AND rv.answered > 0 AND rv.no_answers = 0
                 AND (a.ended_at IS NULL OR (a.ended_at AT TIME ZONE $4)::date >= a.review_on)) AS "keptThroughReview"
         FROM agreements a
         LEFT JOIN agreement_revisions r ON r.agreement_id = a.id AND r.revision = a.current_revision AND r.practice_id = a.practice_id
         LEFT JOIN LATERAL (
           SELECT json_agg(json_build_object('clientId', x.client_id, 'yes', x.yes, 'partly', x.partly, 'no', x.no_answers)
                           ORDER BY x.client_id) AS per_partner
             FROM (SELECT ci.client_id,
                          (count(*) FILTER (WHERE ci.agreements_kept = 'yes'))::int AS yes,
                          (count(*) FILTER (WHERE ci.agreements_kept = 'partly'))::int AS partly,
                          (count(*) FILTER (WHERE ci.agreements_kept = 'no'))::int AS no_answers
                     FROM check_ins ci
                    WHERE ${answers} AND (a.ended_at IS NULL OR ci.submitted_at <= a.ended_at)
                    GROUP BY ci.client_id) x) adh ON true
         LEFT JOIN LATERAL (
           SELECT count(*)::int AS answered, (count(*) FILTER (WHERE ci.agreements_kept = 'no'))::int AS no_answers
             FROM check_ins ci
            WHERE ${answers} AND ci.local_date <= a.review_on) rv ON true
        WHERE a.practice_id = $1 AND a.couple_id = $2
        ORDER BY a.created_at, a.id`,
      [practiceId, coupleId, today, timezone],
    );
  }
}
