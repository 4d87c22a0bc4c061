import { decodeCursor, encodeCursor, toPage } from './cursor';

describe('cursor pagination', () => {
  it('round-trips a key', () => {
    const key = { at: '2026-01-01T00:00:00.000Z', id: 'abc' };
    expect(decodeCursor(encodeCursor(key))).toEqual(key);
  });

  it('refuses a forged cursor with a 400 naming the field', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(/cursor:/);
    expect(() => decodeCursor(Buffer.from('["nope","x"]').toString('base64url'))).toThrow(/cursor:/);
  });

  it('reports a next page only when an extra row came back', () => {
    const rows = [1, 2, 3].map((n) => ({ n, at: new Date(n * 1000).toISOString() }));
    const key = (r: { n: number; at: string }) => ({ at: r.at, id: String(r.n) });
    expect(toPage(rows, 3, key, (r) => r.n)).toEqual({ data: [1, 2, 3], nextCursor: null });
    const page = toPage(rows, 2, key, (r) => r.n);
    expect(page.data).toEqual([1, 2]);
    expect(decodeCursor(page.nextCursor!)).toEqual({ at: rows[1].at, id: '2' });
  });
});
