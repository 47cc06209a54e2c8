import { BadRequestException, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  AudioChunkEntry,
  CHUNK_FIELDS,
  DEFAULT_TENANT,
  KeyScheme,
  ProviderName,
  SessionRef,
  chunkWireFrom,
  consensusClaimKey,
  newChunkEntry,
  parseProviderList,
  recordFromPairs,
  tenantOf,
} from '@streamscribe/contracts';
import { combineHypotheses } from '@streamscribe/voting';
import { counter, createLogger } from '@streamscribe/observability';
import {
  ChunkIngestor,
  IngestOutcome,
  ResultStore,
  ResultWatcher,
  TranscriptChunk,
  TranscriptReader,
  sessionsOptionsFrom,
} from '@streamscribe/sessions';
import { apiError } from '../http/api-error';
import { ProviderStateMonitor } from '../provider-state.monitor';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT, ROUTER_REDIS } from '../tokens';
import { ChunkConsensus, ConsensusReport, consensusReport } from './consensus-report';

const consensusChunks = counter({
  name: 'streamscribe_consensus_chunks_total',
  help: 'Consensus chunks settled, by outcome (all_answered, timed_out, none_answered)',
  labelNames: ['outcome'] as const,
});

/** Longest a settling chunk sleeps without re-reading, should a wake-up be missed. */
const RECHECK_MS = 1000;
/** The sweep leaves a record this long past its deadline to the router that owns it. */
const SWEEP_GRACE_MS = 5000;
const SWEEP_BATCH = 200;
/** How long a settling router holds its claim on a chunk: longer than writing its result takes. */
const CLAIM_MS = 30_000;

interface Settling {
  session: SessionRef;
  chunkId: string;
  seq: number;
  providers: ProviderName[];
  deadlineMs: number;
  startedMs: number;
  recordId: string;
}

/**
 * Consensus: the same audio to several providers, their words voted on. The chunk is registered in
 * its session (so transcripts and live feeds wait for it) with a small record on its partition's
 * `streamscribe:consensus:requests`; one hypothesis request per provider goes to that provider's
 * stream of the same partition under a correlation session of its own (same tenant), whose
 * results stream is read by key — never by KEYS. When every provider has answered, or the timeout passes, the hypotheses that arrived are
 * combined (ROVER) and written as the chunk's result; the detail goes to the session's consensus hash.
 */
@Injectable()
export class ConsensusCoordinator implements OnApplicationShutdown {
  private readonly log = createLogger('consensus');
  private readonly reader: TranscriptReader;
  private readonly results: ResultStore;
  private closed = false;
  /** Records this router is settling itself; the sweep leaves them alone. */
  private readonly settling = new Set<string>();
  /** CONSENSUS_PROVIDER_ORDER, parsed once; empty: the request's own order breaks ties. */
  private readonly configuredOrder: ProviderName[];

  constructor(
    @Inject(ROUTER_REDIS) private readonly redis: Redis,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    private readonly watcher: ResultWatcher,
    private readonly fleets: ProviderStateMonitor,
    private readonly keys: KeyScheme,
    private readonly ingestor: ChunkIngestor,
  ) {
    this.reader = new TranscriptReader(redis, keys);
    this.results = new ResultStore(redis, sessionsOptionsFrom(env), keys);
    this.configuredOrder = parseProviderList(env.CONSENSUS_PROVIDER_ORDER).providers;
  }

  async submit(
    session: SessionRef,
    chunk: AudioChunkEntry,
    providers: ProviderName[],
    timeoutMs: number,
    /** The chunk's length, so the chunks after it know where they start in the session's audio. */
    durationMs?: number,
  ): Promise<IngestOutcome> {
    const deadlineMs = Date.now() + timeoutMs;
    const outcome = await this.ingestor.ingest({
      session,
      provider: 'consensus',
      stream: this.keys.consensusRequestsStream(session.partition),
      chunk: { ...chunk, audio: Buffer.alloc(0), fallbackProviders: providers, deadlineMs },
      durationMs,
    });
    // A duplicate was submitted before: its hypotheses are out and it is settling (or settled).
    if (outcome.status !== 'created') return outcome;
    const correlation = this.keys.consensusCorrelation(session, outcome.chunkId);
    await this.ingestor.ingestMany(
      providers.map((provider, i) => ({
        session: correlation,
        provider,
        chunk: newChunkEntry({
          ...chunk,
          sessionId: correlation.sessionId,
          chunkId: provider,
          seq: i,
          // Each hypothesis on the session's clock, whichever seq it has in the correlation session.
          offsetMs: outcome.offsetMs ?? 0,
          // A hypothesis must come from its own provider: no failover to another one.
          fallbackProviders: [provider],
          deadlineMs,
        }),
      })),
    );
    const settling: Settling = {
      session,
      chunkId: outcome.chunkId,
      seq: outcome.seq,
      providers,
      deadlineMs,
      startedMs: Date.now(),
      recordId: outcome.entryId,
    };
    this.settling.add(settling.recordId);
    this.settle(settling)
      .catch((error: Error) =>
        this.log.error(
          { ...settling, err: error.message },
          'consensus chunk could not settle; the sweep will retry',
        ),
      )
      .finally(() => this.settling.delete(settling.recordId));
    return outcome;
  }

  /** Refuses (503) a consensus some of whose providers have no live worker: it could only time out. */
  async assertLive(providers: readonly ProviderName[], tenant: string = DEFAULT_TENANT): Promise<void> {
    // A classic fleet writes its results under the default tenant's names: no other tenant's audio goes there.
    const classic = providers.filter((p) => chunkWireFrom(this.env).classicFleets.includes(p));
    if (tenant !== DEFAULT_TENANT && classic.length > 0)
      throw new BadRequestException(
        `consensus provider ${classic.join(', ')} is a classic fleet and serves the default tenant only: leave it out of consensus=`,
      );
    const { loads } = await this.fleets.current();
    const down = providers.filter((p) => loads[p].liveConsumers === 0);
    if (down.length > 0) {
      throw apiError(
        503,
        'no_provider_available',
        'a consensus provider cannot take this audio now; retry shortly or leave it out of consensus=',
        `no live worker for consensus provider${down.length > 1 ? 's' : ''} ${down.join(', ')}: start worker-${down[0]}`,
      );
    }
  }

  async report(session: SessionRef): Promise<ConsensusReport> {
    const details = await this.redis.hgetall(this.keys.sessionConsensusKey(session));
    return consensusReport(
      session.sessionId,
      Object.values(details).map((json) => JSON.parse(json) as ChunkConsensus),
    );
  }

  onApplicationShutdown(): void {
    this.closed = true;
  }

  /**
   * Settles consensus chunks whose deadline passed more than `graceMs` ago and that no router in
   * this process is settling: the ones a router that crashed, restarted or lost Redis left behind.
   * Any router may do it; two doing it at once write the same result once (writes are idempotent).
   */
  async sweepOverdue(nowMs: number = Date.now(), graceMs = SWEEP_GRACE_MS): Promise<number> {
    let settled = 0;
    for (const partition of this.keys.allPartitions()) {
      const stream = this.keys.consensusRequestsStream(partition);
      const records = await this.redis.xrange(stream, '-', '+', 'COUNT', SWEEP_BATCH);
      for (const [recordId, flat] of records) {
        if (this.settling.has(recordId)) continue;
        const s = settlingFromRecord(recordId, flat, partition);
        if (!s) {
          await this.redis.xdel(stream, recordId);
          continue;
        }
        if (s.deadlineMs + graceMs > nowMs) continue;
        if (await this.finish(s, await this.landed(s), true)) settled++;
      }
    }
    return settled;
  }

  private landed(s: Settling): Promise<TranscriptChunk[]> {
    return this.reader
      .read(this.keys.consensusCorrelation(s.session, s.chunkId))
      .then((transcript) => (transcript?.chunks ?? []).filter((c) => c.status !== 'pending'));
  }

  private async settle(s: Settling): Promise<void> {
    this.watcher.start();
    const correlation = this.keys.consensusCorrelation(s.session, s.chunkId);
    for (;;) {
      const landed = await this.landed(s);
      const remaining = s.deadlineMs - Date.now();
      // Shutting down: leave it to another router's sweep rather than settle on a partial answer.
      if (this.closed) return;
      if (landed.length >= s.providers.length || remaining <= 0) {
        await this.finish(s, landed, landed.length < s.providers.length);
        return;
      }
      await this.watcher.waitForResult(correlation, Math.min(RECHECK_MS, remaining));
    }
  }

  /**
   * Settles one chunk: claim it (so no other router or sweep settles it too), write its result
   * (idempotent), then its detail and the removal of its request record. A crash before the write
   * leaves the record for the sweep once the claim expires; never the other way round.
   */
  private async finish(s: Settling, landed: TranscriptChunk[], timedOut: boolean): Promise<boolean> {
    const claimed = await this.redis.set(
      // Record ids are unique within a partition's stream only.
      consensusClaimKey(s.session.partition === 0 ? s.recordId : `${s.recordId}@${s.session.partition}`),
      String(process.pid),
      'PX',
      CLAIM_MS,
      'NX',
    );
    if (claimed !== 'OK') return false;
    const answered = landed.filter((c) => c.status === 'ok');
    const combined = combineHypotheses(
      answered.map((c) => ({
        provider: c.provider ?? c.chunkId,
        text: c.text ?? '',
        confidence: c.confidence ?? 0,
        words: c.words,
      })),
      {
        nullConfidence: this.env.CONSENSUS_NULL_CONFIDENCE,
        providerOrder: this.configuredOrder.length > 0 ? this.configuredOrder : s.providers,
      },
    );
    const detail: ChunkConsensus = {
      chunkId: s.chunkId,
      seq: s.seq,
      providers: s.providers,
      text: combined.text,
      agreement: Number(combined.agreement.toFixed(4)),
      hypotheses: landed.map((c) => ({
        provider: c.provider ?? c.chunkId,
        status: c.status === 'failed' ? 'failed' : 'ok',
        text: c.text ?? '',
        confidence: c.confidence ?? 0,
        ...(c.error ? { error: c.error } : {}),
      })),
      missing: s.providers.filter((p) => !answered.some((c) => c.chunkId === p)),
      timedOut,
    };
    await this.results.write(s.session, {
      sessionId: s.session.sessionId,
      chunkId: s.chunkId,
      seq: s.seq,
      status: answered.length > 0 ? 'ok' : 'failed',
      text: combined.text,
      confidence: detail.agreement,
      provider: 'consensus',
      processingTime: (Date.now() - s.startedMs) / 1000,
      timestamp: Date.now() / 1000,
      words: [],
      ...(answered.length > 0
        ? {}
        : { error: `no consensus provider answered within the timeout (${s.providers.join(', ')})` }),
    });
    const key = this.keys.sessionConsensusKey(s.session);
    await this.redis
      .multi()
      .hset(key, s.chunkId, JSON.stringify(detail))
      .expire(key, this.env.SESSION_TTL_SECONDS)
      .xdel(this.keys.consensusRequestsStream(s.session.partition), s.recordId)
      .exec();
    consensusChunks.inc({
      outcome: answered.length === 0 ? 'none_answered' : timedOut ? 'timed_out' : 'all_answered',
    });
    return true;
  }
}

/**
 * A request record of partition k back into what settling needs; undefined when it is not one of
 * ours. Its tenant is the record's `tenant` field (the default tenant when absent).
 */
function settlingFromRecord(recordId: string, flat: string[], partition: number): Settling | undefined {
  const f = recordFromPairs(flat);
  const names = CHUNK_FIELDS;
  const providers = parseProviderList(f[names.fallbackProviders]).providers;
  const deadlineMs = Number(f[names.deadlineMs]);
  if (!f[names.sessionId] || !f[names.chunkId] || providers.length === 0 || !Number.isFinite(deadlineMs))
    return undefined;
  return {
    session: { tenant: tenantOf({ tenant: f[names.tenant] }), sessionId: f[names.sessionId], partition },
    chunkId: f[names.chunkId],
    seq: Number(f[names.seq] ?? 0),
    providers,
    deadlineMs,
    startedMs: Number(f[names.timestamp] ?? 0) * 1000 || deadlineMs,
    recordId,
  };
}
