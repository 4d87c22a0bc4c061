import { DataSource } from 'typeorm';
import { ForbiddenError } from '../errors/domain-error';
import { Principal } from '../tenancy/request-context';

/** The client record behind a portal account; a portal endpoint for anyone else is refused. */
export async function portalClientId(dataSource: DataSource, p: Principal): Promise<string> {
  if (p.role !== 'client') throw new ForbiddenError('This is the client portal', 'portal_only');
  const rows: Array<{ id: string }> = await dataSource.query(
    `SELECT id FROM clients WHERE practice_id = $1 AND portal_user_id = $2 AND status = 'active'`,
    [p.practiceId, p.userId],
  );
  if (!rows[0]) throw new ForbiddenError('This portal account is not linked to an active client', 'portal_unlinked');
  return rows[0].id;
}
