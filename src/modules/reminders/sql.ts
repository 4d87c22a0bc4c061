import type { EntityManager } from 'typeorm';

/**
 * The rows of an UPDATE/DELETE … RETURNING run through TypeORM's `query()`, which answers
 * `[rows, rowCount]` for those commands (and the rows alone for SELECT/INSERT).
 */
export async function returning<T>(manager: Pick<EntityManager, 'query'>, sql: string, params: unknown[] = []): Promise<T[]> {
  const raw: unknown = await manager.query(sql, params);
  if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number') return raw[0] as T[];
  return raw as T[];
}
