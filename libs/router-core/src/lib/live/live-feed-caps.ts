import { HttpException, HttpStatus } from '@nestjs/common';

/** How many live feeds (SSE and WebSocket together) this router holds open at once. */
export interface LiveFeedCapSettings {
  /** On this router, all tenants together; over it: 503 `live_feeds_router_full`. */
  global: number;
  /** Per tenant on this router; over it: 429 `live_feeds_tenant_limit`. */
  perTenant: number;
  /** Per session on this router; over it: 429 `live_feeds_session_limit`. */
  perSession: number;
}

export type LiveFeedRefusalCode =
  'live_feeds_router_full' | 'live_feeds_tenant_limit' | 'live_feeds_session_limit';

/** A refused feed: the HTTP answer for SSE; WebSockets close with 1013 and the code as reason. */
export class LiveFeedRefused extends HttpException {
  constructor(
    readonly code: LiveFeedRefusalCode,
    message: string,
  ) {
    const status =
      code === 'live_feeds_router_full' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.TOO_MANY_REQUESTS;
    super(
      {
        statusCode: status,
        error: status === HttpStatus.SERVICE_UNAVAILABLE ? 'Service Unavailable' : 'Too Many Requests',
        code,
        message,
      },
      status,
    );
  }
}

/** One admitted feed; `release` is idempotent, so every exit path may call it. */
export interface LiveFeedLease {
  release(): void;
}

/**
 * The in-process caps on live feeds: global, per tenant, per session (tenant + session id). A
 * Redis-backed limiter across routers (quotas) may sit in front; this one bounds what one process
 * holds, whatever the other routers do. Counts go back to zero when feeds close: no entry is kept
 * for a tenant or session without open feeds.
 */
export class LiveFeedCaps {
  private total = 0;
  private readonly perTenant = new Map<string, number>();
  private readonly perSession = new Map<string, number>();

  constructor(private readonly settings: LiveFeedCapSettings) {}

  get open(): number {
    return this.total;
  }

  /** Admits a feed or throws LiveFeedRefused (429/503) naming the cap it hit. */
  admit(tenant: string, sessionId: string): LiveFeedLease {
    const sessionKey = `${tenant}\u0000${sessionId}`;
    if (this.total >= this.settings.global)
      throw new LiveFeedRefused(
        'live_feeds_router_full',
        `this router holds its maximum of ${this.settings.global} live feeds (LIVE_MAX_FEEDS); retry shortly or on another router`,
      );
    if ((this.perTenant.get(tenant) ?? 0) >= this.settings.perTenant)
      throw new LiveFeedRefused(
        'live_feeds_tenant_limit',
        `your tenant has ${this.settings.perTenant} live feeds open on this router (LIVE_MAX_FEEDS_PER_TENANT); close one first`,
      );
    if ((this.perSession.get(sessionKey) ?? 0) >= this.settings.perSession)
      throw new LiveFeedRefused(
        'live_feeds_session_limit',
        `session '${sessionId}' has ${this.settings.perSession} live feeds open on this router (LIVE_MAX_FEEDS_PER_SESSION); close one first`,
      );
    this.total++;
    increment(this.perTenant, tenant);
    increment(this.perSession, sessionKey);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        decrement(this.perTenant, tenant);
        decrement(this.perSession, sessionKey);
      },
    };
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left <= 0) counts.delete(key);
  else counts.set(key, left);
}
