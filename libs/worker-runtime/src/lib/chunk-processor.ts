import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  AudioChunkEntry,
  FAILURES_STREAM,
  MalformedEntryError,
  decodeChunkEntry,
  encodeFailureEntry,
} from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { ProviderError, TRANSCRIPTION_PROVIDER, TranscriptionProvider } from '@streamscribe/providers';
import { ResultStore } from '@streamscribe/sessions';
import { RedisStreamsContext, StreamEntry } from '@streamscribe/streams';
import { WORKER_ENVIRONMENT, WORKER_REDIS } from './tokens';
import { WorkerEnvironment } from './worker-environment';
import { workerMetrics } from './worker-metrics';

/**
 * One chunk, start to finish: decode the entry (the seed's or ours), transcribe it with this
 * worker's provider, write the result once. A failed provider call is recorded in
 * `transcription:failures` and rethrown, so the transport does not acknowledge the entry.
 */
@Injectable()
export class ChunkProcessor {
  private readonly log = createLogger('chunk-processor');
  private readonly results: ResultStore;

  constructor(
    @Inject(TRANSCRIPTION_PROVIDER) private readonly provider: TranscriptionProvider,
    @Inject(WORKER_REDIS) private readonly redis: Redis,
    @Inject(WORKER_ENVIRONMENT) private readonly env: WorkerEnvironment,
  ) {
    this.results = new ResultStore(redis, {
      sessionTtlSeconds: env.SESSION_TTL_SECONDS,
      resultsAllMaxLen: env.RESULTS_ALL_MAXLEN,
    });
  }

  async process(entry: StreamEntry, context: RedisStreamsContext): Promise<void> {
    const provider = this.provider.name;
    let chunk: AudioChunkEntry;
    try {
      chunk = decodeChunkEntry(entry.fields);
    } catch (error) {
      if (error instanceof MalformedEntryError) workerMetrics.chunks.inc({ provider, outcome: 'malformed' });
      throw error;
    }
    const log = this.log.child({ sessionId: chunk.sessionId, chunkId: chunk.chunkId, seq: chunk.seq, entryId: context.getEntryId() });
    const stopTimer = workerMetrics.providerSeconds.startTimer({ provider });
    const startedAt = performance.now();
    try {
      const transcript = await this.provider.transcribe({
        audio: chunk.audio,
        format: chunk.audioFormat,
        sampleRate: chunk.sampleRate,
        channels: chunk.channels,
      });
      stopTimer();
      const written = await this.results.write({
        sessionId: chunk.sessionId,
        chunkId: chunk.chunkId,
        seq: chunk.seq,
        status: 'ok',
        text: transcript.text,
        confidence: transcript.confidence,
        provider,
        processingTime: (performance.now() - startedAt) / 1000,
        timestamp: Date.now() / 1000,
        words: transcript.words,
        language: transcript.language,
        durationSeconds: transcript.durationSeconds,
      });
      workerMetrics.chunks.inc({ provider, outcome: written.created ? 'ok' : 'duplicate' });
      workerMetrics.endToEndSeconds.observe({ provider }, Math.max(0, Date.now() / 1000 - chunk.timestamp));
      if (transcript.durationSeconds) workerMetrics.audioSeconds.inc({ provider }, transcript.durationSeconds);
      log.debug({ created: written.created, requestId: transcript.requestId }, 'chunk transcribed');
    } catch (error) {
      stopTimer();
      workerMetrics.chunks.inc({ provider, outcome: 'provider_error' });
      await this.recordFailure(chunk, error);
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'chunk failed');
      throw error;
    }
  }

  private async recordFailure(chunk: AudioChunkEntry, error: unknown): Promise<void> {
    const failure = encodeFailureEntry({
      failedProvider: this.provider.name,
      sessionId: chunk.sessionId,
      chunkId: chunk.chunkId,
      seq: chunk.seq,
      error: error instanceof ProviderError ? error.toHistoryItem() : String(error),
      errorClass: error instanceof ProviderError ? error.kind : 'retryable',
    });
    await this.redis
      .xadd(FAILURES_STREAM, 'MAXLEN', '~', this.env.FAILURES_MAXLEN, '*', ...failure)
      .catch((writeError: Error) => this.log.error({ err: writeError.message }, 'could not record failure'));
  }
}
