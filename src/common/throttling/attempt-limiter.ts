import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { EnvSchema } from '../../config/env.schema';
import { REDIS } from '../redis/redis.module';
import { sha256Hex } from '../security/tokens';

export interface LimitRule {
  /** e.g. "login:account" */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface Reservation {
  key: string;
  member: string;
}

/**
 * Trims the window, then adds the attempt only if the window still has room: one atomic step,
 * so concurrent attempts can never overshoot the limit. Returns 0, or seconds until room frees.
 */
const RESERVE_SCRIPT = `
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  local wait = math.ceil((tonumber(oldest[2]) + window - now) / 1000)
  if wait < 1 then wait = 1 end
  return wait
end
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, window)
return 0
`;

export class LimitExceeded {
  constructor(readonly retryAfterSeconds: number) {}
}

/** Sliding-window attempt counting in Redis; subjects (emails, IPs) are hashed into the key. */
@Injectable()
export class AttemptLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: EnvSchema,
  ) {}

  private key(rule: LimitRule, subject: string): string {
    return `${this.config.REDIS_PREFIX}:throttle:${rule.name}:${sha256Hex(subject.toLowerCase()).slice(0, 32)}`;
  }

  /** Reserves one attempt under every rule, or none: returns the longest wait if any is full. */
  async reserve(entries: Array<[LimitRule, string]>): Promise<Reservation[] | LimitExceeded> {
    const now = Date.now();
    const taken: Reservation[] = [];
    for (const [rule, subject] of entries) {
      const key = this.key(rule, subject);
      const member = `${now}:${randomUUID()}`;
      const wait = Number(
        await this.redis.eval(RESERVE_SCRIPT, 1, key, now, rule.windowSeconds * 1000, rule.limit, member),
      );
      if (wait > 0) {
        await this.release(taken);
        return new LimitExceeded(wait);
      }
      taken.push({ key, member });
    }
    return taken;
  }

  /** Gives reserved attempts back (the attempt succeeded, so it was not a failure). */
  async release(reservations: Reservation[]): Promise<void> {
    if (reservations.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const r of reservations) pipeline.zrem(r.key, r.member);
    await pipeline.exec();
  }

  async clear(rule: LimitRule, subject: string): Promise<void> {
    await this.redis.del(this.key(rule, subject));
  }
}
