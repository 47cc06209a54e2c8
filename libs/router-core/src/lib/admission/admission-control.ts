import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { KeyScheme, PROVIDERS, ProviderName } from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { ProviderStateMonitor } from '../provider-state.monitor';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT, ROUTER_REDIS } from '../tokens';
import {
  BacklogOverload,
  ProviderBacklog,
  RedisMemory,
  backlogOverload,
  backlogRetryAfterSeconds,
  memoryOverload,
  memoryRetryAfterSeconds,
  withEstimate,
} from './admission-estimate';
import { admissionMetrics } from './admission-metrics';
import { AdmissionRefusal } from './admission-refusal';
import { readFleetBacklogs, readRedisMemory } from './fleet-backlog.reader';

/** One background reading of what admission control decides on. */
export interface AdmissionSnapshot {
  at: number;
  providers: Record<ProviderName, ProviderBacklog>;
  memory?: RedisMemory;
  /** How fast used memory fell since the previous reading, when it fell. */
  memoryFallingBytesPerSecond?: number;
}

/** A reading older than this many refresh intervals is not trusted (Redis stopped answering). */
const STALE_AFTER_INTERVALS = 10;

/**
 * Admission control: refuses new work when the fleets' backlog or Redis memory says it would
 * wait too long or fill Redis. What it decides on is read in the background every
 * ADMISSION_REFRESH_MS (backlogs of every partition, health windows, heartbeats, INFO memory),
 * so a request pays no Redis round trip for it: the checks read the last snapshot. Work already
 * in the system (results, acknowledgements, reads) never passes through here.
 */
@Injectable()
export class AdmissionControl implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = createLogger('admission');
  private snapshot?: AdmissionSnapshot;
  /** The last service time measured per provider, for when the health window has no call in it. */
  private readonly lastServiceSeconds = new Map<ProviderName, number>();
  private refreshing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private failing = false;

  constructor(
    @Inject(ROUTER_REDIS) private readonly redis: Redis,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    private readonly keys: KeyScheme,
    private readonly fleets: ProviderStateMonitor,
  ) {}

  get enabled(): boolean {
    return this.env.ADMISSION_MAX_WAIT_MS > 0 || this.env.ADMISSION_MEMORY_HEADROOM > 0;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.env.ADMISSION_REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Reads everything once (never two readings at a time); errors keep the previous snapshot. */
  refresh(): Promise<void> {
    this.refreshing ??= this.read()
      .then((snapshot) => this.publish(snapshot))
      .catch((error: Error) => {
        if (!this.failing)
          this.log.warn({ err: error.message }, 'admission readings failed; admitting on the last one');
        this.failing = true;
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** The last trusted snapshot (for GET-style views and tests). */
  current(now: number = Date.now()): AdmissionSnapshot | undefined {
    const snapshot = this.snapshot;
    const staleAfter = STALE_AFTER_INTERVALS * this.env.ADMISSION_REFRESH_MS;
    return snapshot && now - snapshot.at <= staleAfter ? snapshot : undefined;
  }

  /** 503 `fabric_overloaded` when Redis memory is inside its headroom; nothing otherwise. */
  memoryRefusal(): AdmissionRefusal | undefined {
    const snapshot = this.current();
    const over = memoryOverload(snapshot?.memory, this.env.ADMISSION_MEMORY_HEADROOM);
    if (!snapshot || !over) return undefined;
    const longestWaitMs = Math.max(0, ...PROVIDERS.map((p) => snapshot.providers[p].estimatedWaitMs ?? 0));
    const retryAfter = memoryRetryAfterSeconds(over, snapshot.memoryFallingBytesPerSecond, longestWaitMs);
    return new AdmissionRefusal({ reason: 'redis_memory', ...over }, retryAfter);
  }

  /** The provider's overload when a chunk queued on it now would wait over ADMISSION_MAX_WAIT_MS. */
  backlogOf(provider: ProviderName): BacklogOverload | undefined {
    const backlog = this.current()?.providers[provider];
    return backlog && backlogOverload(backlog, this.env.ADMISSION_MAX_WAIT_MS);
  }

  /** 429 `provider_backlog`: every provider the request may go to is over the bound. */
  backlogRefusal(overloads: readonly BacklogOverload[]): AdmissionRefusal {
    return new AdmissionRefusal(
      { reason: 'backlog', providers: [...overloads] },
      backlogRetryAfterSeconds(overloads),
    );
  }

  /**
   * For work that goes to several providers at once (consensus): Redis memory first, then every
   * one of them must be under the bound, since the result waits for the slowest.
   */
  assertAdmitsAll(providers: readonly ProviderName[]): void {
    const memory = this.memoryRefusal();
    if (memory) throw memory;
    const over = providers.map((p) => this.backlogOf(p)).filter((o): o is BacklogOverload => !!o);
    if (over.length > 0) throw this.backlogRefusal(over);
  }

  private async read(): Promise<AdmissionSnapshot> {
    const at = Date.now();
    const [fleet, backlogs, memory] = await Promise.all([
      this.fleets.current(),
      this.env.ADMISSION_MAX_WAIT_MS > 0 ? readFleetBacklogs(this.redis, this.keys) : undefined,
      this.env.ADMISSION_MEMORY_HEADROOM > 0 ? readRedisMemory(this.redis) : undefined,
    ]);
    const providers = {} as Record<ProviderName, ProviderBacklog>;
    for (const state of fleet.states) {
      const p = state.provider;
      if (state.serviceSeconds !== undefined) this.lastServiceSeconds.set(p, state.serviceSeconds);
      providers[p] = withEstimate({
        provider: p,
        backlog: backlogs?.[p] ?? state.lag + state.pending,
        liveConsumers: state.liveConsumers,
        slots: Math.max(1, state.liveConsumers * (state.slotsPerConsumer ?? 1)),
        serviceSeconds: state.serviceSeconds ?? this.lastServiceSeconds.get(p),
      });
    }
    const previous = this.snapshot?.memory;
    const seconds = this.snapshot ? (at - this.snapshot.at) / 1000 : 0;
    const fell = previous && memory && seconds > 0 ? (previous.usedBytes - memory.usedBytes) / seconds : 0;
    return { at, providers, memory, memoryFallingBytesPerSecond: fell > 0 ? fell : undefined };
  }

  private publish(snapshot: AdmissionSnapshot): void {
    if (this.failing) this.log.info('admission readings answer again');
    this.failing = false;
    this.snapshot = snapshot;
    for (const p of PROVIDERS) {
      const wait = snapshot.providers[p].estimatedWaitMs;
      if (wait === undefined) admissionMetrics.estimatedWait.remove({ provider: p });
      else admissionMetrics.estimatedWait.set({ provider: p }, wait / 1000);
    }
    const memory = snapshot.memory;
    if (memory && memory.maxmemoryBytes > 0)
      admissionMetrics.memoryUsedRatio.set(memory.usedBytes / memory.maxmemoryBytes);
    else admissionMetrics.memoryUsedRatio.reset();
  }
}
