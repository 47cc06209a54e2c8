import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  AudioChunkEntry,
  CHUNK_FIELDS,
  DEAD_LETTER_FIELDS,
  DEFAULT_TENANT,
  EncodedFields,
  KeyScheme,
  ProviderName,
  SessionRef,
  audioFieldsFor,
  chunkWireFrom,
  encodeChunkEntry,
  encodeFailureEntry,
  epochSeconds,
  isDeadLetterMetaField,
  setField,
} from '@streamscribe/contracts';
import { nextProvider } from '@streamscribe/routing-policy';
import { createLogger } from '@streamscribe/observability';
import { ProviderError, TRANSCRIPTION_PROVIDER, TranscriptionProvider } from '@streamscribe/providers';
import { ResultStore } from '@streamscribe/sessions';
import { readProviderLoads } from '@streamscribe/fleet';
import { RedisStreamsContext, StreamEntry, moveEntry } from '@streamscribe/streams';
import { sessionOfEntry } from './session-of-entry';
import { WORKER_ENVIRONMENT, WORKER_REDIS } from './tokens';
import { WorkerEnvironment } from './worker-environment';
import { workerMetrics } from './worker-metrics';

/**
 * Settles a chunk this worker cannot transcribe: on to the next provider of its chain, or — when
 * the chain is exhausted or the entry is malformed — into the dead-letter stream with a terminal
 * "failed" result for the session, so no client waits forever. Each move acknowledges the entry
 * in the same Lua call that writes its successor, keeps the chunk's tenant and partition, and
 * records the new entry in the session's trail (so deleting the session finds it).
 */
@Injectable()
export class ChunkSettler {
  private readonly log = createLogger('chunk-settler');

  constructor(
    @Inject(TRANSCRIPTION_PROVIDER) private readonly provider: TranscriptionProvider,
    @Inject(WORKER_REDIS) private readonly redis: Redis,
    @Inject(WORKER_ENVIRONMENT) private readonly env: WorkerEnvironment,
    private readonly results: ResultStore,
    private readonly keys: KeyScheme,
  ) {
    // Exported at 0 from the start, so the first dead letter is an increase that the
    // StreamscribeDeadLetters alert sees (a counter series born at 1 has none; alerts.test.yml).
    for (const reason of ['failed', 'malformed'])
      workerMetrics.deadLetters.inc({ provider: this.provider.name, reason }, 0);
  }

  /** The provider gave up on the chunk (permanent error, or retries exhausted). */
  async failOver(
    entry: StreamEntry,
    chunk: AudioChunkEntry,
    error: unknown,
    context: RedisStreamsContext,
  ): Promise<void> {
    const current = this.provider.name;
    const item =
      error instanceof ProviderError
        ? error.toHistoryItem()
        : `${current}:${String(error)}`.replace(/[;\n]/g, ',');
    const session = sessionOfEntry(this.keys, chunk, context);
    const decision = nextProvider({
      current,
      chain: chunk.fallbackProviders,
      attempted: chunk.attemptedProviders,
      live: await this.liveProviders(session.tenant),
    });
    await this.recordFailure(session, chunk, error, decision.next ?? 'dead-letter');
    const history = `${chunk.errorHistory};${item}`;
    if (!decision.next) {
      await this.deadLetter(entry, `${decision.reason}; last error: ${item}`, context, {
        ...chunk,
        errorHistory: history,
      });
      return;
    }
    const successor: AudioChunkEntry = {
      ...chunk,
      attemptedProviders: [...chunk.attemptedProviders.filter((p) => p !== current), current],
      retryCount: chunk.retryCount + 1,
      originalProvider: chunk.originalProvider ?? current,
      errorHistory: history,
    };
    const moved = await moveEntry(this.redis, {
      source: {
        stream: context.getStream(),
        group: context.getGroup(),
        id: context.getEntryId(),
        consumer: context.getConsumer(),
      },
      target: { stream: this.keys.providerStream(decision.next, session.partition) },
      fields: encodeChunkEntry(successor, audioFieldsFor(decision.next, chunkWireFrom(this.env))),
      trail: this.keys.sessionTrailKey(session),
    });
    context.markSettled();
    if (!moved) return; // a peer that reclaimed the entry has it now
    workerMetrics.failovers.inc({ from: current, to: decision.next });
    this.log.warn(
      { sessionId: chunk.sessionId, chunkId: chunk.chunkId, to: decision.next, err: item },
      'chunk failed over',
    );
  }

  /**
   * Moves the entry, with its original fields, to the dead-letter stream and, when the session is
   * known, writes the chunk's terminal "failed" result first: a crash between the two leaves the
   * entry pending with its result written, so a peer reclaims it and finishes the move, whereas
   * the other order could leave a dead letter whose client waits forever.
   */
  async deadLetter(
    entry: StreamEntry,
    reason: string,
    context: RedisStreamsContext,
    chunk?: AudioChunkEntry,
  ): Promise<void> {
    const session = chunk && sessionOfEntry(this.keys, chunk, context);
    if (chunk && session) await this.writeFailedResult(session, chunk, reason);
    // A malformed entry names no session: its letter goes to the partition of the stream it came from.
    const partition = session?.partition ?? this.keys.partitionOfKey(context.getStream());
    const fields: EncodedFields = [];
    for (const [name, value] of entry.fields) {
      // A re-driven entry dead-lettered again gets fresh metadata, not its stale copy.
      if (!isDeadLetterMetaField(name)) fields.push(name, value);
    }
    if (chunk?.errorHistory) setField(fields, CHUNK_FIELDS.errorHistory, chunk.errorHistory);
    const f = DEAD_LETTER_FIELDS;
    // One field name and its value per line.
    // prettier-ignore
    fields.push(
      f.reason, reason,
      f.sourceStream, context.getStream(),
      f.sourceEntryId, context.getEntryId(),
      f.sourceGroup, context.getGroup(),
      f.failedProvider, this.provider.name,
      f.deadLetteredAt, epochSeconds(),
    );
    const moved = await moveEntry(this.redis, {
      source: {
        stream: context.getStream(),
        group: context.getGroup(),
        id: context.getEntryId(),
        consumer: context.getConsumer(),
      },
      target: { stream: this.keys.deadLetterStream(partition), maxLen: this.env.DEAD_LETTER_MAXLEN },
      fields,
      trail: session && this.keys.sessionTrailKey(session),
    });
    context.markSettled();
    if (!moved) return; // a peer that reclaimed the entry settled it first
    workerMetrics.deadLetters.inc({ provider: this.provider.name, reason: chunk ? 'failed' : 'malformed' });
    this.log.error(
      { sessionId: chunk?.sessionId, chunkId: chunk?.chunkId, entryId: context.getEntryId(), reason },
      'chunk dead-lettered',
    );
  }

  private async writeFailedResult(
    session: SessionRef,
    chunk: AudioChunkEntry,
    reason: string,
  ): Promise<void> {
    await this.results.write(session, {
      sessionId: chunk.sessionId,
      chunkId: chunk.chunkId,
      seq: chunk.seq,
      ...(chunk.offsetMs === undefined ? {} : { offsetMs: chunk.offsetMs }),
      status: 'failed',
      text: '',
      confidence: 0,
      provider: this.provider.name,
      processingTime: 0,
      timestamp: Date.now() / 1000,
      words: [],
      error: reason,
    });
  }

  /**
   * Providers a chunk of `tenant` may fail over to: those with a live worker, less the classic
   * fleets for any tenant but the default one (a classic worker writes results under the classic
   * key names, which only the default tenant's sessions have).
   */
  private async liveProviders(tenant: string): Promise<Set<ProviderName>> {
    const { classicFleets } = chunkWireFrom(this.env);
    const loads = await readProviderLoads(
      this.redis,
      this.env.CONSUMER_LIVENESS_MS,
      classicFleets,
      this.keys,
    );
    return new Set(
      loads
        .filter((load) => load.liveConsumers > 0)
        .filter((load) => tenant === DEFAULT_TENANT || !classicFleets.includes(load.provider))
        .map((load) => load.provider),
    );
  }

  private async recordFailure(
    session: SessionRef,
    chunk: AudioChunkEntry,
    error: unknown,
    nextStep: string,
  ): Promise<void> {
    const failure = encodeFailureEntry({
      failedProvider: this.provider.name,
      sessionId: chunk.sessionId,
      chunkId: chunk.chunkId,
      seq: chunk.seq,
      error: error instanceof ProviderError ? error.toHistoryItem() : String(error),
      errorClass: error instanceof ProviderError ? error.kind : 'retryable',
      nextStep,
      tenant: session.tenant,
    });
    const stream = this.keys.failuresStream(session.partition);
    const id = await this.redis.xadd(stream, 'MAXLEN', '~', this.env.FAILURES_MAXLEN, '*', ...failure);
    // Not atomic with the XADD: a crash between the two leaves a failure entry (no audio, no text)
    // that a session deletion misses, until the stream's MAXLEN trims it.
    if (id) await this.redis.sadd(this.keys.sessionTrailKey(session), KeyScheme.trailMember(stream, id));
  }
}
