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

/**
 * A named prepared statement on the transaction's own connection: PostgreSQL parses and plans it
 * once per connection instead of on every call (for hot-path statements whose planning costs more
 * than their execution). Outside a transaction it is an ordinary query.
 */
export async function prepared<T>(manager: Pick<EntityManager, 'query' | 'queryRunner'>, name: string, text: string, values: unknown[]): Promise<T[]> {
  const client = (manager.queryRunner as { databaseConnection?: { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }> } } | undefined)
    ?.databaseConnection;
  if (!client) return returning<T>(manager, text, values);
  return (await client.query({ name, text, values })).rows;
}
