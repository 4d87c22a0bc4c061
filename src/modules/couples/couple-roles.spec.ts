import { isValidRolePair } from './couple-roles';

describe('isValidRolePair', () => {
  it.each([
    [['injured', 'involved']],
    [['involved', 'injured']],
    [['mutual', 'mutual']],
  ] as const)('accepts %j', (roles) => {
    expect(isValidRolePair(roles)).toBe(true);
  });

  it.each([
    [['injured', 'injured']],
    [['involved', 'involved']],
    [['injured', 'mutual']],
    [['mutual', 'involved']],
    [['injured']],
    [['injured', 'involved', 'mutual']],
  ] as const)('refuses %j', (roles) => {
    expect(isValidRolePair(roles)).toBe(false);
  });
});
