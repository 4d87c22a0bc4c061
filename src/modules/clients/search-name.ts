/**
 * Folding for case- and accent-insensitive name search: lower-cased, compatibility-decomposed,
 * combining marks stripped ("José" → "jose", "ÉLODIE" → "elodie"), a few letters that do not
 * decompose spelled out ("Ø" → "o", "ß" → "ss"), whitespace collapsed. The same folding is
 * applied to what is stored in clients.search_name and to the query, so they always agree.
 */
const UNDECOMPOSABLE: Record<string, string> = {
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** Separates full and preferred name in search_name; folded queries never contain it. */
const SEPARATOR = ' | ';

export function foldForSearch(value: string): string {
  return value
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[øæœßłđðþı]/g, (ch) => UNDECOMPOSABLE[ch] ?? ch)
    .replace(/\|/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The value of clients.search_name for a full name and an optional preferred name. */
export function searchNameOf(fullName: string, preferredName: string | null | undefined): string {
  const full = foldForSearch(fullName);
  const preferred = preferredName ? foldForSearch(preferredName) : '';
  return preferred && preferred !== full ? `${full}${SEPARATOR}${preferred}` : full;
}

/** A LIKE pattern matching the folded query anywhere in search_name (wildcards escaped). */
export function searchPattern(query: string): string | null {
  const folded = foldForSearch(query);
  if (!folded) return null;
  return `%${folded.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}
