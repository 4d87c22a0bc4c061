import { canonicalTimezone, isIanaTimezone } from './validators';

describe('IANA timezones', () => {
  it('accepts zone names and UTC, refuses the rest', () => {
    expect(isIanaTimezone('Europe/Berlin')).toBe(true);
    expect(isIanaTimezone('UTC')).toBe(true);
    expect(isIanaTimezone('Mars/Base')).toBe(false);
    expect(isIanaTimezone('+02:00')).toBe(false);
    expect(isIanaTimezone(42)).toBe(false);
  });

  it('stores the canonical spelling', () => {
    expect(canonicalTimezone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimezone('Europe/Berlin')).toBe('Europe/Berlin');
  });
});
