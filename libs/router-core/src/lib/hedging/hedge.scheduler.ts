import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  AudioChunkEntry,
  DEFAULT_TENANT,
  ProviderName,
  RESULT_FIELDS,
  audioFieldsFor,
  ChunkWireSettings,
  KeyScheme,
  SessionRef,
  chunkWireFrom,
  encodeChunkEntry,
} from '@streamscribe/contracts';
import { DEFAULT_PROVIDER_PROFILES, RoutingRequest } from '@streamscribe/routing-policy';
import { counter, createLogger } from '@streamscribe/observability';
import { ResultWatcher, readIndexedResult } from '@streamscribe/sessions';
import { StreamProducer } from '@streamscribe/streams';
import { IngestQuota } from '@streamscribe/quotas';
import { ProviderChooser } from '../provider-chooser';
import { ProviderStateMonitor } from '../provider-state.monitor';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT, ROUTER_REDIS } from '../tokens';

const hedgeMetrics = {
  sent: counter({
    name: 'streamscribe_hedges_total',
    help: 'Hedged chunks that had no result in time and were also sent to another provider, by from and to',
    labelNames: ['from', 'to'] as const,
  }),
  outcomes: counter({
    name: 'streamscribe_hedge_outcomes_total',
    help: 'Hedged chunks by outcome: not_needed (the result came in time), original or hedge (which result won; the other was discarded), no_target, unresolved',
    labelNames: ['outcome'] as const,
  }),
};

/** How long after sending a hedge the router waits to learn which result won (for the counter). */
const WINNER_WAIT_MS = 60_000;

export interface HedgeRequest {
  /** The chunk's session: the copy goes to the same partition, with the same tenant. */
  session: SessionRef;
  /** The chunk as it was queued: seq and chunk id assigned. */
  chunk: AudioChunkEntry & { seq: number };
  provider: ProviderName;
  routing: RoutingRequest;
}

/**
 * Opt-in hedging. When a hedged chunk still has no result after its provider's p95 latency (per
 * audio second, times the chunk's length) times HEDGE_FACTOR, a copy goes to the provider the
 * policy picks next. Both carry the same session and chunk id, so the first result written wins
 * (result writes are idempotent per chunk) and the other is discarded by the worker that finishes
 * second (counted there as a duplicate, and here by which side won). Timers live in this router:
 * a restart forgets pending hedges, which costs latency, never results.
 */
@Injectable()
export class HedgeScheduler implements OnApplicationShutdown {
  private readonly log = createLogger('hedging');
  private readonly producer: StreamProducer;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Which audio fields each target stream's readers take; fixed by configuration. */
  private readonly wire: ChunkWireSettings;

  constructor(
    @Inject(ROUTER_REDIS) private readonly redis: Redis,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    private readonly fleets: ProviderStateMonitor,
    private readonly chooser: ProviderChooser,
    private readonly watcher: ResultWatcher,
    private readonly keys: KeyScheme,
    private readonly quota: IngestQuota,
  ) {
    this.producer = new StreamProducer(redis);
    this.wire = chunkWireFrom(env);
  }

  /**
   * Arms the hedge of one chunk; returns the delay it chose, in ms, or undefined when the chunk's
   * tenant may not hedge (a hedge can double the chunk's spend): the chunk then goes unhedged.
   */
  async schedule(request: HedgeRequest, audioSeconds: number): Promise<number | undefined> {
    if (!(await this.quota.hedgingAllowed(request.chunk.tenant ?? DEFAULT_TENANT))) return undefined;
    const { health } = await this.fleets.current();
    const p95 =
      health[request.provider].latencyPerAudioSecondP95 ??
      DEFAULT_PROVIDER_PROFILES[request.provider].latencyPerAudioSecondPrior;
    const delayMs = Math.max(
      this.env.HEDGE_MIN_DELAY_MS,
      Math.round(p95 * Math.max(audioSeconds, 0.1) * this.env.HEDGE_FACTOR * 1000),
    );
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.fire(request).catch((error: Error) =>
        this.log.warn({ chunkId: request.chunk.chunkId, err: error.message }, 'hedge failed'),
      );
    }, delayMs);
    this.timers.add(timer);
    return delayMs;
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async fire({ session, chunk, provider, routing }: HedgeRequest): Promise<void> {
    if (await this.redis.hexists(this.keys.sessionResultIndexKey(session), chunk.chunkId)) {
      hedgeMetrics.outcomes.inc({ outcome: 'not_needed' });
      return;
    }
    let target: ProviderName;
    try {
      // The best other provider by score: neither the explicit choice nor the session's stickiness applies.
      target = (
        await this.chooser.choose({
          ...routing,
          preferred: undefined,
          sessionProvider: undefined,
          // What the tenant may never use (classic fleets) stays excluded.
          exclude: [...(routing.exclude ?? []), provider],
        })
      ).provider;
    } catch {
      hedgeMetrics.outcomes.inc({ outcome: 'no_target' });
      return;
    }
    // The copy never goes back to the provider it hedges, even when it fails over.
    const stream = this.keys.providerStream(target, session.partition);
    const copy = { ...chunk, tenant: session.tenant, attemptedProviders: [provider] };
    const entryId = await this.producer.append(
      stream,
      encodeChunkEntry(copy, audioFieldsFor(target, this.wire)),
    );
    // In the session's trail, so deleting the session finds the copy's audio too.
    await this.redis.sadd(this.keys.sessionTrailKey(session), KeyScheme.trailMember(stream, entryId));
    hedgeMetrics.sent.inc({ from: provider, to: target });
    this.log.info(
      { sessionId: chunk.sessionId, chunkId: chunk.chunkId, from: provider, to: target },
      'chunk hedged',
    );
    hedgeMetrics.outcomes.inc({ outcome: await this.winner(session, chunk, provider) });
  }

  /** Which result was written first: the original provider's or the hedge's. */
  private async winner(
    session: SessionRef,
    chunk: AudioChunkEntry,
    original: ProviderName,
  ): Promise<'original' | 'hedge' | 'unresolved'> {
    this.watcher.start();
    const deadline = Date.now() + WINNER_WAIT_MS;
    while (Date.now() < deadline) {
      const indexed = await readIndexedResult(this.redis, this.keys, session, chunk.chunkId);
      if (indexed) {
        const [entry] = await this.redis.xrange(
          this.keys.sessionResultsStream(session),
          indexed.entryId,
          indexed.entryId,
        );
        const fields = entry?.[1] ?? [];
        return fields[fields.indexOf(RESULT_FIELDS.provider) + 1] === original ? 'original' : 'hedge';
      }
      await this.watcher.waitForResult(session, Math.min(1000, deadline - Date.now()));
    }
    return 'unresolved';
  }
}
