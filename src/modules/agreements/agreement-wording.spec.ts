import { parseWording, revisedWording, serializeWording, wordingAad } from './agreement-wording';

describe('agreement wording', () => {
  const current = { title: 'Phone open on request', items: ['Phone unlocked when asked', 'No deleting messages'] };

  it('round-trips through its serialized form, title and items only', () => {
    expect(parseWording(serializeWording(current))).toEqual(current);
    expect(parseWording(serializeWording({ ...current, extra: 'x' } as never))).toEqual(current);
  });

  it('keeps what is not given and says the words did not change', () => {
    expect(revisedWording(current, {})).toEqual({ wording: current, changed: false });
    expect(revisedWording(current, { title: current.title, items: [...current.items] }).changed).toBe(false);
  });

  it('a new title, new items, a reordering, an added or removed item are changes', () => {
    expect(revisedWording(current, { title: 'Phone open for 90 days' })).toEqual({ wording: { ...current, title: 'Phone open for 90 days' }, changed: true });
    expect(revisedWording(current, { items: [...current.items].reverse() }).changed).toBe(true);
    expect(revisedWording(current, { items: [...current.items, 'Location shared'] }).changed).toBe(true);
    expect(revisedWording(current, { items: [current.items[0]] }).changed).toBe(true);
  });

  it('binds each revision to its agreement and number', () => {
    expect(wordingAad('a1', 2)).toBe('agreement:a1:revision:2');
    expect(wordingAad('a1', 2)).not.toBe(wordingAad('a1', 3));
  });
});
