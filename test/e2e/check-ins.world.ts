import { Actor, createPractice, createStaff, PracticeWorld } from '../factories';
import { addToCareTeam, insertCouple } from '../factories/clinical';
import { createPortalClient } from '../factories/portal';
import type { TestContext } from '../setup/test-app';

/**
 * The world of the check-in and agreement tests: a practice with a clinician on a couple's care
 * team, a clinician who is not, the admin (not on the team), another practice, and partners who
 * each sign in to their own portal account.
 */
export interface CareWorld {
  practice: PracticeWorld;
  admin: Actor;
  clinician: Actor;
  unassigned: Actor;
  other: PracticeWorld;
}

export interface Partner {
  clientId: string;
  actor: Actor;
}

export interface PortalCouple {
  coupleId: string;
  a: Partner;
  b: Partner;
}

export async function buildCareWorld(ctx: TestContext, name: string): Promise<CareWorld> {
  const practice = await createPractice(ctx, name);
  const clinician = await createStaff(ctx, practice, 'clinician');
  const unassigned = await createStaff(ctx, practice, 'clinician');
  const other = await createPractice(ctx, `${name} Elsewhere`);
  return { practice, admin: practice.admin, clinician, unassigned, other };
}

/** A couple on the clinician's care team; both partners have a portal account (a injured, b involved). */
export async function portalCouple(ctx: TestContext, w: CareWorld, clinician: Actor = w.clinician): Promise<PortalCouple> {
  const a = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, 'Alex Injured');
  const b = await createPortalClient(ctx, w.practice.practiceId, w.admin.id, 'Blair Involved');
  const coupleId = await insertCouple(ctx, w.practice.practiceId, w.admin.id, [
    { clientId: a.clientId, role: 'injured' },
    { clientId: b.clientId, role: 'involved' },
  ]);
  await addToCareTeam(ctx, w.practice.practiceId, clinician.id, { coupleId });
  return { coupleId, a, b };
}

/** A framework version to hang test plans on (the current one when the framework is loaded). */
async function frameworkVersion(ctx: TestContext): Promise<number> {
  const rows: Array<{ version: number }> = await ctx.db.query(`SELECT version FROM framework_versions ORDER BY is_current DESC, version LIMIT 1`);
  if (rows[0]) return rows[0].version;
  await ctx.db.query(`INSERT INTO framework_versions (version, title, is_current, published_on) VALUES (900, 'Test framework', false, '2025-01-01')`);
  return 900;
}

/**
 * A treatment plan written straight to the database (the plans module owns the endpoints), with
 * the given step states; unnamed steps are not started.
 */
export async function insertPlan(
  ctx: TestContext,
  practiceId: string,
  ownerId: string,
  subject: { coupleId?: string; clientId?: string },
  status: 'draft' | 'active' | 'paused' | 'closed',
  steps: Record<string, 'not_started' | 'active' | 'completed' | 'waived'>,
): Promise<string> {
  const version = await frameworkVersion(ctx);
  const [{ id }]: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO treatment_plans (practice_id, couple_id, client_id, owner_id, status, framework_version, outcome, closed_at, closed_by, activated_at, created_by, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $4, 1) RETURNING id`,
    [
      practiceId,
      subject.coupleId ?? null,
      subject.clientId ?? null,
      ownerId,
      status,
      version,
      status === 'closed' ? 'separated' : null,
      status === 'closed' ? new Date() : null,
      status === 'closed' ? ownerId : null,
      status === 'draft' ? null : new Date(),
    ],
  );
  const keys = ['stabilization', 'accountability', 'transparency', 'validation', 'consistency', 'boundaries', 'root_cause', 'intimacy', 'forgiveness'];
  for (const [position, key] of keys.entries()) {
    const state = steps[key] ?? 'not_started';
    await ctx.db.query(
      `INSERT INTO plan_steps (plan_id, step_key, practice_id, position, state, waived_reason, changed_by, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [id, key, practiceId, position, state, state === 'waived' ? 'test' : null, state === 'not_started' ? null : ownerId, state === 'not_started' ? null : new Date()],
    );
  }
  return id;
}

/** A check-in written straight to the database at a chosen instant (for adherence and paging). */
export async function insertCheckIn(
  ctx: TestContext,
  practiceId: string,
  c: { clientId: string; coupleId: string | null; submittedAt: Date; agreementsKept?: 'yes' | 'partly' | 'no' | null; feelsUnsafe?: boolean },
): Promise<string> {
  const [{ id }]: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO check_ins (practice_id, client_id, couple_id, submitted_at, local_date, trust, safety, connection, mood, agreements_kept, feels_unsafe)
     VALUES ($1, $2, $3, $4, $4::timestamptz::date, 5, 5, 5, 3, $5, $6) RETURNING id`,
    [practiceId, c.clientId, c.coupleId, c.submittedAt, c.agreementsKept ?? null, c.feelsUnsafe ?? false],
  );
  return id;
}
