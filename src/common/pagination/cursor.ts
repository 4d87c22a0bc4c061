import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BadRequestError } from '../errors/domain-error';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page’s nextCursor' })
  @IsOptional() @IsString() @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** A keyset position: the sort value and the id that breaks ties. */
export interface CursorKey {
  at: string;
  id: string;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify([key.at, key.id])).toString('base64url');
}

/** What the id half of a cursor must look like: it goes into SQL compared with a typed column. */
export type CursorIdKind = 'uuid' | 'bigint';

const ID_PATTERNS: Record<CursorIdKind, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  bigint: /^[1-9][0-9]{0,17}$/,
};

/**
 * Only what encodeCursor produced is accepted: an ISO instant exactly as Date#toISOString writes
 * it, and an id of the column's type. Anything else is a 400, never a database error.
 */
export function decodeCursor(cursor: string | undefined, idKind: CursorIdKind = 'uuid'): CursorKey | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof at === 'string' &&
      typeof id === 'string' &&
      ID_PATTERNS[idKind].test(id) &&
      !Number.isNaN(Date.parse(at)) &&
      new Date(at).toISOString() === at
    ) {
      return { at, id };
    }
  } catch {
    // fall through
  }
  throw new BadRequestError('invalid_cursor', 'cursor: is not a cursor this API issued');
}

/** Fetch limit+1 rows; the extra one only tells whether another page exists. */
export function toPage<R, T>(rows: R[], limit: number, key: (row: R) => CursorKey, map: (row: R) => T): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { data: pageRows.map(map), nextCursor: hasMore && last ? encodeCursor(key(last)) : null };
}
