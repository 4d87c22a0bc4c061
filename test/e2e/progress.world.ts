import { Clock } from '../../src/common/time/clock';
import { FRAMEWORK_STEP_KEYS } from '../../src/modules/framework/framework-keys';
import { Actor, createPractice, createStaff, PracticeWorld } from '../factories';
import { addToCareTeam, insertClient, insertCouple } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import type { TestContext } from '../setup/test-app';

/**
 * The world of the goals and progress tests. Plans, steps, events, check-ins and agreements are
 * written straight to the database: their endpoints belong to other modules, and these tests
 * must set up any history (weeks of check-ins, past step changes) exactly.
 */
export interface ProgressWorld {
  practice: PracticeWorld;
  admin: Actor;
  /** On the couple's and the solo client's care team, and the plans' owner. */
  clinician: Actor;
  /** On the couple's care team, not the owner. */
  colleague: Actor;
  unassigned: Actor;
  other: PracticeWorld;
  coupleId: string;
  /** The couple's partners, each with a portal account (a injured, b involved). */
  a: { clientId: string; actor: Actor };
  b: { clientId: string; actor: Actor };
  soloClientId: string;
}

export async function buildProgressWorld(ctx: TestContext, name: string): Promise<ProgressWorld> {
  const practice = await createPractice(ctx, name);
  const clinician = await createStaff(ctx, practice, 'clinician');
  const colleague = await createStaff(ctx, practice, 'clinician');
  const unassigned = await createStaff(ctx, practice, 'clinician');
  const other = await createPractice(ctx, `${name} Elsewhere`);
  const a = await createPortalClient(ctx, practice.practiceId, practice.admin.id, 'Alex Injured');
  const b = await createPortalClient(ctx, practice.practiceId, practice.admin.id, 'Blair Involved');
  const coupleId = await insertCouple(ctx, practice.practiceId, practice.admin.id, [
    { clientId: a.clientId, role: 'injured' },
    { clientId: b.clientId, role: 'involved' },
  ]);
  await addToCareTeam(ctx, practice.practiceId, clinician.id, { coupleId });
  await addToCareTeam(ctx, practice.practiceId, colleague.id, { coupleId });
  const soloClientId = await insertClient(ctx, practice.practiceId, practice.admin.id, { fullName: 'Sol Oakes' });
  await addToCareTeam(ctx, practice.practiceId, clinician.id, { clientId: soloClientId });
  return { practice, admin: practice.admin, clinician, colleague, unassigned, other, coupleId, a, b, soloClientId };
}

/** Another couple of the practice on the clinician's care team (no portal accounts). */
export async function insertTeamCouple(ctx: TestContext, w: ProgressWorld): Promise<{ coupleId: string; a: string; b: string }> {
  const a = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName: 'Partner A' });
  const b = await insertClient(ctx, w.practice.practiceId, w.admin.id, { fullName: 'Partner B' });
  const coupleId = await insertCouple(ctx, w.practice.practiceId, w.admin.id, [
    { clientId: a, role: 'injured' },
    { clientId: b, role: 'involved' },
  ]);
  await addToCareTeam(ctx, w.practice.practiceId, w.clinician.id, { coupleId });
  return { coupleId, a, b };
}

/** Framework version 1, unless the framework's data migration has already loaded it. */
export async function ensureFrameworkVersion(ctx: TestContext): Promise<void> {
  await ctx.db.query(
    `INSERT INTO framework_versions (version, title, is_current, published_on) VALUES (1, 'Framework v1', false, '2026-01-01') ON CONFLICT DO NOTHING`,
  );
}

export type StepStates = Partial<Record<(typeof FRAMEWORK_STEP_KEYS)[number], 'not_started' | 'active' | 'completed' | 'waived'>>;

/** A plan with all nine steps (or only `onlySteps`), in the given states. */
export async function insertPlan(
  ctx: TestContext,
  practiceId: string,
  ownerId: string,
  subject: { coupleId?: string; clientId?: string },
  opts: { status?: 'draft' | 'active' | 'paused' | 'closed'; steps?: StepStates; onlySteps?: string[]; createdAt?: string } = {},
): Promise<string> {
  await ensureFrameworkVersion(ctx);
  const status = opts.status ?? 'active';
  const closed = status === 'closed';
  const [{ id }]: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO treatment_plans (practice_id, couple_id, client_id, owner_id, status, framework_version, outcome, closed_at, closed_by,
                                  activated_at, created_by, version, created_at)
     VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $8, $9, $4, 1, COALESCE($10::timestamptz, now())) RETURNING id`,
    [
      practiceId,
      subject.coupleId ?? null,
      subject.clientId ?? null,
      ownerId,
      status,
      closed ? 'separated' : null,
      closed ? new Date() : null,
      closed ? ownerId : null,
      status === 'draft' ? null : new Date(),
      opts.createdAt ?? null,
    ],
  );
  for (const key of opts.onlySteps ?? FRAMEWORK_STEP_KEYS) {
    const state = opts.steps?.[key as keyof StepStates] ?? 'not_started';
    const changed = state !== 'not_started';
    await ctx.db.query(
      `INSERT INTO plan_steps (plan_id, step_key, practice_id, position, state, waived_reason, changed_by, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        id,
        key,
        practiceId,
        FRAMEWORK_STEP_KEYS.indexOf(key as (typeof FRAMEWORK_STEP_KEYS)[number]),
        state,
        state === 'waived' ? 'Not needed for this couple' : null,
        changed ? ownerId : null,
        changed ? new Date() : null,
      ],
    );
  }
  return id;
}

export async function insertPlanEvent(
  ctx: TestContext,
  practiceId: string,
  planId: string,
  actorId: string,
  e: { kind: string; stepKey?: string; fromState?: string; toState?: string; reason?: string; at: string },
): Promise<void> {
  await ctx.db.query(
    `INSERT INTO plan_events (practice_id, plan_id, kind, step_key, from_state, to_state, reason, actor_id, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [practiceId, planId, e.kind, e.stepKey ?? null, e.fromState ?? null, e.toState ?? null, e.reason ?? null, actorId, e.at],
  );
}

export interface CheckInFixture {
  clientId: string;
  coupleId: string | null;
  localDate: string;
  trust: number;
  safety: number;
  connection: number;
  mood: number;
  agreementsKept?: 'yes' | 'partly' | 'no' | null;
  readiness?: 'ready' | 'not_yet' | null;
  feelsUnsafe?: boolean;
  /** Local wall time of the answer, in America/New_York (default 21:00). */
  localTime?: string;
}

/** Check-ins in one statement (submitted at the local wall time in New York on their local date). */
export async function insertCheckIns(ctx: TestContext, practiceId: string, rows: CheckInFixture[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2000) {
    const chunk = rows.slice(i, i + 2000).map((r) => ({
      client_id: r.clientId,
      couple_id: r.coupleId,
      local_date: r.localDate,
      local_time: r.localTime ?? '21:00',
      trust: r.trust,
      safety: r.safety,
      connection: r.connection,
      mood: r.mood,
      agreements_kept: r.agreementsKept ?? null,
      readiness: r.readiness ?? null,
      feels_unsafe: r.feelsUnsafe ?? false,
    }));
    await ctx.db.query(
      `INSERT INTO check_ins (practice_id, client_id, couple_id, submitted_at, local_date, trust, safety, connection, mood,
                              agreements_kept, forgiveness_readiness, feels_unsafe)
       SELECT $1, x.client_id, x.couple_id, (x.local_date + x.local_time::time) AT TIME ZONE 'America/New_York', x.local_date,
              x.trust, x.safety, x.connection, x.mood, x.agreements_kept::agreements_kept_answer,
              x.readiness::forgiveness_readiness, x.feels_unsafe
         FROM jsonb_to_recordset($2::jsonb) AS x(client_id uuid, couple_id uuid, local_date date, local_time text, trust smallint, safety smallint,
                                                 connection smallint, mood smallint, agreements_kept text, readiness text, feels_unsafe boolean)`,
      [practiceId, JSON.stringify(chunk)],
    );
  }
}

/** An agreement of the couple whose current revision was written at `revisionAt` (earlier revisions a day apart before it). */
export async function insertAgreement(
  ctx: TestContext,
  w: ProgressWorld,
  a: { coupleId: string; revision?: number; revisionAt: string; reviewOn: string | null; status?: 'active' | 'ended'; endedAt?: string; stepKey?: string },
): Promise<string> {
  const revision = a.revision ?? 1;
  const [{ id }]: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO agreements (practice_id, couple_id, step_key, kind, status, review_on, current_revision, ended_at, created_by, version, created_at)
     VALUES ($1, $2, $3, 'transparency', $4, $5, $6, $7, $8, 1, $9::timestamptz - make_interval(days => $6 - 1)) RETURNING id`,
    [w.practice.practiceId, a.coupleId, a.stepKey ?? 'transparency', a.status ?? 'active', a.reviewOn, revision, a.endedAt ?? null, w.clinician.id, a.revisionAt],
  );
  for (let r = 1; r <= revision; r += 1) {
    await ctx.db.query(
      `INSERT INTO agreement_revisions (practice_id, agreement_id, revision, body_ciphertext, created_by, created_at)
       VALUES ($1, $2, $3, 'v1.sealed', $4, $5::timestamptz - make_interval(days => $6))`,
      [w.practice.practiceId, id, r, w.clinician.id, a.revisionAt, revision - r],
    );
  }
  return id;
}

/** Stands the app's clock on a chosen instant (restored by jest.restoreAllMocks). */
export function standOn(ctx: TestContext, instant: string): void {
  jest.spyOn(ctx.app.get(Clock), 'now').mockReturnValue(new Date(instant));
}

/** Counts the SQL statements the app sends while `fn` runs (the audit trail's own writes excepted). */
export async function countQueries(ctx: TestContext, fn: () => Promise<unknown>): Promise<number> {
  await ctx.flushAudit();
  const spy = jest.spyOn(ctx.db.logger, 'logQuery');
  try {
    await fn();
    return spy.mock.calls.filter(([sql]) => !/audit_events/i.test(String(sql))).length;
  } finally {
    spy.mockRestore();
  }
}
