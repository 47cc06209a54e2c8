import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { KeyScheme } from '@streamscribe/contracts';
import { counter, createLogger } from '@streamscribe/observability';
import { RetentionPolicy, SessionRetentionSweep } from '@streamscribe/sessions';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT, ROUTER_REDIS, SESSION_RETENTION } from '../tokens';

const sessionsExpired = counter({
  name: 'streamscribe_sessions_expired_total',
  help: 'Sessions erased by the retention sweep (their retention ran out)',
});

/**
 * Every SESSION_SWEEP_INTERVAL_MS, erases the sessions whose tenant's retention has run out. Any
 * number of routers may run it at once: erasing is idempotent.
 */
@Injectable()
export class RetentionSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger('retention');
  private readonly sweep: SessionRetentionSweep;
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @Inject(ROUTER_REDIS) redis: Redis,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    @Inject(SESSION_RETENTION) policy: RetentionPolicy,
    keys: KeyScheme,
  ) {
    this.sweep = new SessionRetentionSweep(redis, keys, policy, env.SESSION_TTL_SECONDS);
  }

  onApplicationBootstrap(): void {
    if (this.env.SESSION_SWEEP_INTERVAL_MS === 0) return;
    this.timer = setInterval(() => void this.runOnce(), this.env.SESSION_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sweep; never throws (the next one retries). */
  async runOnce(nowMs: number = Date.now()): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      const erased = await this.sweep.sweep(nowMs);
      if (erased.length > 0) {
        sessionsExpired.inc(erased.length);
        this.log.info({ sessions: erased.length }, 'sessions past their retention erased');
      }
      return erased.length;
    } catch (error) {
      this.log.debug({ err: (error as Error).message }, 'retention sweep failed; the next one retries');
      return 0;
    } finally {
      this.running = false;
    }
  }
}
