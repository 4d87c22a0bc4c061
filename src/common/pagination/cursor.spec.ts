import { decodeCursor, encodeCursor, toPage } from './cursor';

const forge = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');
const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('cursor pagination', () => {
  it('round-trips a key', () => {
    const key = { at: '2026-01-01T00:00:00.000Z', id: UUID };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
    expect(decodeCursor(encodeCursor({ at: key.at, id: '42' }), 'bigint')).toEqual({ at: key.at, id: '42' });
  });

  it('refuses a forged cursor with a 400 naming the field', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(/cursor:/);
    expect(() => decodeCursor(forge(['nope', UUID]))).toThrow(/cursor:/);
  });

  it('refuses what the database would choke on: an id of the wrong type, or a date that is not an ISO instant', () => {
    const at = '2026-01-01T00:00:00.000Z';
    for (const id of ['x', '42', `${UUID}'`, '']) expect(() => decodeCursor(forge([at, id]))).toThrow(/cursor:/);
    for (const id of ['x', UUID, '-1', '0', '1e5', '123456789012345678901']) expect(() => decodeCursor(forge([at, id]), 'bigint')).toThrow(/cursor:/);
    // Date.parse accepts these, PostgreSQL does not (or reads them differently).
    for (const bad of ['1', 'March 7', '2026-01-01', '2026-01-01T00:00:00Z']) expect(() => decodeCursor(forge([bad, UUID]))).toThrow(/cursor:/);
    expect(() => decodeCursor(forge({ at, id: UUID }))).toThrow(/cursor:/);
  });

  it('reports a next page only when an extra row came back', () => {
    const rows = [1, 2, 3].map((n) => ({ n, at: new Date(n * 1000).toISOString() }));
    const key = (r: { n: number; at: string }) => ({ at: r.at, id: String(r.n) });
    expect(toPage(rows, 3, key, (r) => r.n)).toEqual({ data: [1, 2, 3], nextCursor: null });
    const page = toPage(rows, 2, key, (r) => r.n);
    expect(page.data).toEqual([1, 2]);
    expect(decodeCursor(page.nextCursor!, 'bigint')).toEqual({ at: rows[1].at, id: '2' });
  });
});
