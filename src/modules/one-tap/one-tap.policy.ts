import type { LimitRule } from '../../common/throttling/attempt-limiter';
import type { OneTapPurpose } from './one-tap-token.entity';

/**
 * How long a one-tap link lives, by what it does. A session's links also die when the session
 * starts (there is nothing left to confirm or cancel then).
 */
export const ONE_TAP_TTL_HOURS: Record<OneTapPurpose, number> = {
  open_check_in: 24,
  open_homework: 72,
  confirm_session: 7 * 24,
  cancel_session: 7 * 24,
};

/** The most any link may live, whatever a caller asks for. */
export const ONE_TAP_MAX_TTL_HOURS = 14 * 24;

/** What redeeming an open_* link hands out: a grant that reads and submits that one thing. */
export const ONE_TAP_GRANT_TTL_SECONDS = 30 * 60;

/** Inside this many hours before the start, a client's cancellation is a late cancellation. */
export const LATE_CANCELLATION_HOURS = 24;

/** The path of a link in the practice's front end; the page POSTs the token to /v1/one-tap/redeem. */
export const oneTapPath = (token: string) => `/t/${token}`;

/**
 * Failed redemptions per IP (a success gives its attempt back): guessing a 256-bit token is
 * hopeless anyway, this keeps anyone from trying at volume. Its own bucket, apart from the
 * account tokens of sign-in.
 */
export const ONE_TAP_REDEEM_PER_IP: LimitRule = { name: 'one-tap:ip', limit: 20, windowSeconds: 15 * 60 };
