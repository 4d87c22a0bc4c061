import { hashPassword } from '../../src/common/security/passwords';
import type { TestContext } from '../setup/test-app';
import { insertClient } from './clinical';
import { Actor, login, PASSWORD, uniqueEmail } from './index';

/**
 * A client with an active portal account, written straight to the database (the invitation flow
 * belongs to the clients module), then signed in through the real login endpoint.
 */
export async function createPortalClient(
  ctx: TestContext,
  practiceId: string,
  createdBy: string,
  fullName = 'Portal Client',
): Promise<{ clientId: string; actor: Actor }> {
  const email = uniqueEmail('client');
  const rows: Array<{ id: string }> = await ctx.db.query(
    `INSERT INTO users (practice_id, email, full_name, password_hash, role, status, password_changed_at)
     VALUES ($1, $2, $3, $4, 'client', 'active', now()) RETURNING id`,
    [practiceId, email, fullName, await hashPassword(PASSWORD)],
  );
  const userId = rows[0].id;
  const clientId = await insertClient(ctx, practiceId, createdBy, { fullName, email, portalUserId: userId });
  const res = await login(ctx, email);
  if (res.status !== 200) throw new Error(`portal login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    clientId,
    actor: {
      id: userId,
      email,
      password: PASSWORD,
      role: 'client',
      accessToken: res.body.accessToken,
      refreshToken: res.body.refreshToken,
      practiceId,
    },
  };
}
