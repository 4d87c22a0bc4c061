import type { TestContext } from '../setup/test-app';
import { Actor, bearer, http, PASSWORD, PracticeWorld } from './index';

/**
 * A client's portal account made the way a real one is: an admin invites the client (who must
 * have an email) through POST /v1/clients/:id/invite, and the client accepts the emailed link.
 */
export async function inviteAndAcceptPortal(ctx: TestContext, world: PracticeWorld, clientId: string, email: string): Promise<Actor> {
  await http(ctx).post(`/v1/clients/${clientId}/invite`).set(...bearer(world.admin)).expect(200);
  const token = await ctx.mail.tokenFor(email);
  const accepted = await http(ctx).post('/v1/auth/invitations/accept').send({ token, password: PASSWORD }).expect(200);
  const rows: Array<{ portal_user_id: string }> = await ctx.db.query('SELECT portal_user_id FROM clients WHERE id = $1', [clientId]);
  return {
    id: rows[0].portal_user_id,
    email,
    password: PASSWORD,
    role: 'client',
    accessToken: accepted.body.accessToken,
    refreshToken: accepted.body.refreshToken,
    practiceId: world.practiceId,
  };
}
