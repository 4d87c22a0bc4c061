import { AsyncLocalStorage } from 'node:async_hooks';
import type { UserRole } from '../../modules/users/user.entity';

/** A practice id that came from an authenticated principal, never from request input. */
export type PracticeId = string & { readonly __brand: 'PracticeId' };

export interface Principal {
  userId: string;
  practiceId: PracticeId;
  role: UserRole;
  sessionId: string;
  /** True while a staff member must enrol TOTP before using anything else. */
  totpEnrolmentOnly: boolean;
}

export interface RequestContext {
  requestId: string;
  ip: string | null;
  principal?: Principal;
}

const storage = new AsyncLocalStorage<RequestContext>();

/**
 * The one place the request's tenant lives. Opened by RequestContextInterceptor; the hook for
 * switching on PostgreSQL row-level security (SET LOCAL app.practice_id) belongs here.
 */
export const RequestContextStore = {
  run<T>(ctx: RequestContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
};

export function asPracticeId(id: string): PracticeId {
  return id as PracticeId;
}
