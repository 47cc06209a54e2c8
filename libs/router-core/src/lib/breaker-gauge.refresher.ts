import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ProviderStateMonitor } from './provider-state.monitor';

/** How often an idle router re-reads provider health, so `streamscribe_breaker_state` stays current. */
const REFRESH_MS = 5000;

/**
 * Routing refreshes the breaker gauge as a side effect of reading the fleets; a router with no
 * traffic would show a stale state to Grafana. This reads them on a timer as well.
 */
@Injectable()
export class BreakerGaugeRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(private readonly fleets: ProviderStateMonitor) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.fleets.current().catch(() => undefined), REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
