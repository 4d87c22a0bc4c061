import { LimitRule } from '../../common/throttling/attempt-limiter';

/**
 * 10 failures per account per 15 minutes caps an account at 40 failures an hour, well under the
 * 100-per-hour ceiling, while a person who mistypes a few times is never locked out for long.
 */
export const LOGIN_PER_ACCOUNT: LimitRule = { name: 'login:account', limit: 10, windowSeconds: 15 * 60 };
export const LOGIN_PER_IP: LimitRule = { name: 'login:ip', limit: 50, windowSeconds: 15 * 60 };
export const SIGNUP_PER_IP: LimitRule = { name: 'signup:ip', limit: 10, windowSeconds: 60 * 60 };
export const RESET_REQUEST_PER_ACCOUNT: LimitRule = { name: 'reset:account', limit: 5, windowSeconds: 60 * 60 };
export const RESET_REQUEST_PER_IP: LimitRule = { name: 'reset:ip', limit: 20, windowSeconds: 60 * 60 };
export const TOKEN_REDEEM_PER_IP: LimitRule = { name: 'token-redeem:ip', limit: 20, windowSeconds: 15 * 60 };
