import { foldForSearch, searchNameOf, searchPattern } from './search-name';

describe('search-name folding', () => {
  it('drops case and accents', () => {
    expect(foldForSearch('José')).toBe('jose');
    expect(foldForSearch('ÉLODIE')).toBe('elodie');
    expect(foldForSearch('Zoë Ñúñez')).toBe('zoe nunez');
    expect(foldForSearch('İlkay')).toBe('ilkay');
  });

  it('spells out letters that do not decompose, and compatibility forms', () => {
    expect(foldForSearch('Søren Łukasz Straße')).toBe('soren lukasz strasse');
    expect(foldForSearch('ﬁona')).toBe('fiona');
  });

  it('collapses whitespace and never keeps the separator', () => {
    expect(foldForSearch('  Ana \t  Maria | x ')).toBe('ana maria x');
  });

  it('stores full and preferred name, once when they are the same', () => {
    expect(searchNameOf('José Álvarez', 'Pepe')).toBe('jose alvarez | pepe');
    expect(searchNameOf('Elodie', 'élodie')).toBe('elodie');
    expect(searchNameOf('Elodie', null)).toBe('elodie');
  });

  it('escapes LIKE wildcards and ignores blank queries', () => {
    expect(searchPattern('50%_a\\')).toBe('%50\\%\\_a\\\\%');
    expect(searchPattern('   ')).toBeNull();
  });
});
