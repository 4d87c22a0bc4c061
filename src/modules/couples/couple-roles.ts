import type { RecoveryRole } from './couple.entity';

export const ROLE_PAIR_RULE = 'must be one injured and one involved partner, or two mutual partners';

/**
 * The partners' roles in the recovery: the betrayed partner (injured) and the one who broke trust
 * (involved), or both mutual when each broke trust. Anything else is not a couple we can treat.
 */
export function isValidRolePair(roles: readonly RecoveryRole[]): boolean {
  if (roles.length !== 2) return false;
  const [a, b] = [...roles].sort();
  return (a === 'injured' && b === 'involved') || (a === 'mutual' && b === 'mutual');
}
