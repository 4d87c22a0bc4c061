import type { TestContext } from '../setup/test-app';

/**
 * Clinical fixtures written straight to the database, so a module's tests can set up the world
 * without depending on another module's endpoints. Tests of a module use its real endpoints.
 */
export async function insertClient(
  ctx: TestContext,
  practiceId: string,
  createdBy: string,
  over: Partial<{ fullName: string; preferredName: string; timezone: string; email: string; status: 'active' | 'archived'; portalUserId: string }> = {},
): Promise<string> {
  const fullName = over.fullName ?? 'Test Client';
  const rows: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO clients (practice_id, full_name, preferred_name, timezone, email, reminder_preferences, status, search_name, created_by, portal_user_id, version)
     VALUES ($1, $2, $3, $4, $5, '{"channels":null,"quietHours":null}', $6, $7, $8, $9, 1) RETURNING id`,
    [
      practiceId,
      fullName,
      over.preferredName ?? null,
      over.timezone ?? 'America/New_York',
      over.email ?? null,
      over.status ?? 'active',
      fullName.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase(),
      createdBy,
      over.portalUserId ?? null,
    ],
  );
  return rows[0].id;
}

export async function addToCareTeam(ctx: TestContext, practiceId: string, clinicianId: string, subject: { clientId?: string; coupleId?: string }, addedBy = clinicianId): Promise<void> {
  await ctx.db.query(
    `INSERT INTO care_team_members (practice_id, clinician_id, client_id, couple_id, added_by) VALUES ($1, $2, $3, $4, $5)`,
    [practiceId, clinicianId, subject.clientId ?? null, subject.coupleId ?? null, addedBy],
  );
}

export async function insertCouple(
  ctx: TestContext,
  practiceId: string,
  createdBy: string,
  partners: Array<{ clientId: string; role: 'injured' | 'involved' | 'mutual' }>,
  privacyPolicy: 'no_secrets' | 'limited_secrets' = 'no_secrets',
): Promise<string> {
  const rows: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO couples (practice_id, status, privacy_policy, created_by, version) VALUES ($1, 'active', $2, $3, 1) RETURNING id`,
    [practiceId, privacyPolicy, createdBy],
  );
  for (const p of partners) {
    await ctx.db.query(
      `INSERT INTO couple_members (couple_id, client_id, practice_id, recovery_role, active) VALUES ($1, $2, $3, $4, true)`,
      [rows[0].id, p.clientId, practiceId, p.role],
    );
  }
  return rows[0].id;
}
