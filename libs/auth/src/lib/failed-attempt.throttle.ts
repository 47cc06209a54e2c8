import type Redis from 'ioredis';
import { AUTH_KEYS } from './auth-redis-keys';

/**
 * Failed authentications per client address, counted in Redis so every router shares the count:
 * a fixed window that starts with the first failure. Once an address has `limit` failures in the
 * window, its requests get 429 until the window ends, whatever credentials they carry (so a guess
 * that happens to be right is refused too).
 */
export class FailedAttemptThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly limit: number,
    private readonly windowSeconds: number,
  ) {}

  /** Seconds until the address may try again, or 0 when it is under the limit. */
  async retryAfterSeconds(address: string): Promise<number> {
    const key = AUTH_KEYS.failures(address);
    const count = Number((await this.redis.get(key)) ?? 0);
    if (count < this.limit) return 0;
    const ttlMs = await this.redis.pttl(key);
    return ttlMs > 0 ? Math.ceil(ttlMs / 1000) : this.windowSeconds;
  }

  async recordFailure(address: string): Promise<void> {
    const key = AUTH_KEYS.failures(address);
    // EXPIRE NX: the window starts at the first failure and is not pushed back by later ones.
    await this.redis.multi().incr(key).expire(key, this.windowSeconds, 'NX').exec();
  }
}
