import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AudioDescription, splitAudio } from '@streamscribe/audio';
import {
  ChunkIngestQuery,
  ProviderName,
  RoutingQuery,
  TranscriptionQuery,
  isProviderName,
  newChunkEntry,
  sessionIdProblem,
  sessionMetaKey,
} from '@streamscribe/contracts';
import { RoutingReason, selectProvider } from '@streamscribe/fallback-policy';
import {
  ChunkIngestor,
  CostTotals,
  IngestOutcome,
  ResultWatcher,
  Transcript,
  TranscriptReader,
  readProviderCostTotals,
  sessionsOptionsFrom,
} from '@streamscribe/sessions';
import { ProviderLoadMonitor } from './provider-load.monitor';
import { whileRedisAnswers } from './redis-unavailable';
import { RouterEnvironment } from './router-environment';
import { routerMetrics } from './router-metrics';
import { ROUTER_ENVIRONMENT, ROUTER_REDIS } from './tokens';

export interface ChunkAccepted {
  sessionId: string;
  chunkId: string;
  seq: number;
  provider: ProviderName;
  entryId: string;
  /** True when this chunk id had been accepted before; nothing new was queued. */
  duplicate: boolean;
}

export interface FileAccepted {
  sessionId: string;
  provider: ProviderName;
  chunks: number;
  durationSeconds: number;
}

/**
 * The router's work: validate, pick a provider, queue chunks atomically with their session
 * bookkeeping, and read transcripts back in audio order.
 */
@Injectable()
export class TranscriptionRouterService {
  private readonly ingestor: ChunkIngestor;
  private readonly reader: TranscriptReader;

  constructor(
    @Inject(ROUTER_REDIS) private readonly redis: Redis,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    private readonly loads: ProviderLoadMonitor,
    private readonly watcher: ResultWatcher,
  ) {
    this.ingestor = new ChunkIngestor(redis, sessionsOptionsFrom(env));
    this.reader = new TranscriptReader(redis);
  }

  async ingestChunk(sessionId: string, body: Buffer, audio: AudioDescription, query: ChunkIngestQuery): Promise<ChunkAccepted> {
    assertSessionId(sessionId);
    const fallbackProviders = fallbackOf(query);
    return whileRedisAnswers(async () => {
      const { provider, reason } = await this.route(sessionId, query, fallbackProviders);
      const outcome = await this.ingestor.ingest({
        provider,
        chunk: newChunkEntry({
          sessionId,
          chunkId: query.chunkId ?? '',
          seq: query.seq,
          audio: audio.format === 'wav' ? body : body.subarray(audio.pcmOffset, audio.pcmOffset + audio.pcmLength),
          audioFormat: audio.format,
          ...(audio.format === 'l16' ? { sampleRate: audio.sampleRate, channels: audio.channels } : {}),
          hints: hintsOf(query),
          transcription: query.transcriptionHints(),
          fallbackProviders,
        }),
      });
      return this.accepted(outcome, reason);
    });
  }

  async transcribeFile(body: Buffer, audio: AudioDescription, query: TranscriptionQuery): Promise<FileAccepted> {
    const sessionId = query.sessionId ?? randomUUID();
    const fallbackProviders = fallbackOf(query);
    // Every piece is a standalone WAV, whatever the upload's format.
    const chunks = splitAudio(body, audio, query.chunkSeconds ?? this.env.CHUNK_SECONDS);
    return whileRedisAnswers(async () => {
      const { provider, reason } = await this.route(sessionId, query, fallbackProviders);
      await this.ingestor.expectChunks(sessionId, chunks.length);
      const outcomes = await this.ingestor.ingestMany(
        chunks.map((wav) => ({
          provider,
          chunk: newChunkEntry({
            sessionId,
            chunkId: '',
            seq: undefined,
            audio: wav,
            audioFormat: 'wav',
            hints: hintsOf(query),
            transcription: query.transcriptionHints(),
            fallbackProviders,
          }),
        })),
      );
      outcomes.forEach((outcome) => this.accepted(outcome, reason));
      return { sessionId, provider, chunks: chunks.length, durationSeconds: audio.durationSeconds };
    });
  }

  async transcript(sessionId: string): Promise<Transcript> {
    assertSessionId(sessionId);
    const transcript = await whileRedisAnswers(() => this.reader.read(sessionId));
    if (!transcript) {
      throw new NotFoundException(`no session '${sessionId}': post chunks to /v1/sessions/${sessionId}/chunks first (sessions expire after SESSION_TTL_SECONDS)`);
    }
    return transcript;
  }

  /** Cost totals per provider across all sessions (each session's are in its transcript). */
  costTotals(): Promise<CostTotals> {
    return whileRedisAnswers(() => readProviderCostTotals(this.redis));
  }

  /** The transcript once complete, or as far as it got when timeoutMs runs out. */
  async waitForTranscript(sessionId: string, timeoutMs: number): Promise<Transcript> {
    this.watcher.start();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const transcript = await this.transcript(sessionId);
      const remaining = deadline - Date.now();
      if (transcript.complete || remaining <= 0) return transcript;
      // Woken by the next result of this session; the 1 s cap re-checks even if a wake-up is missed.
      await this.watcher.waitForResult(sessionId, Math.min(remaining, 1000));
    }
  }

  private async route(sessionId: string, query: RoutingQuery, fallback: ProviderName[]): Promise<{ provider: ProviderName; reason: RoutingReason }> {
    const [loads, sessionProvider] = await Promise.all([
      this.loads.current(),
      query.provider ? Promise.resolve(null) : this.redis.hget(sessionMetaKey(sessionId), 'provider'),
    ]);
    const decision = selectProvider(
      {
        preferred: query.provider,
        fallback,
        hints: hintsOf(query),
        sessionProvider: sessionProvider && isProviderName(sessionProvider) ? sessionProvider : undefined,
      },
      loads,
    );
    if (!decision.ok) throw new ServiceUnavailableException(decision.message);
    return decision;
  }

  private accepted(outcome: IngestOutcome, reason: RoutingReason): ChunkAccepted {
    if (outcome.status === 'seq_taken') {
      throw new ConflictException(
        `seq ${outcome.seq} of session '${outcome.sessionId}' already holds chunk '${outcome.chunkId}': send a new seq, or the same chunkId to retry that chunk`,
      );
    }
    if (outcome.status === 'created') routerMetrics.chunksIngested.inc({ provider: outcome.provider, reason });
    const { sessionId, chunkId, seq, provider, entryId } = outcome;
    return { sessionId, chunkId, seq, provider, entryId, duplicate: outcome.status === 'duplicate' };
  }
}

function assertSessionId(sessionId: string): void {
  const problem = sessionIdProblem(sessionId);
  if (problem) throw new BadRequestException(problem);
}

/** The fallback chain, after checking the query's lists (fallback, keywords) are well-formed. */
function fallbackOf(query: RoutingQuery): ProviderName[] {
  // Checked here too: every request that routes passes through, before anything is stored.
  const problem = query.fallbackProblem() ?? query.keywordsProblem();
  if (problem) throw new BadRequestException(problem);
  return query.fallbackProviders();
}

function hintsOf(query: RoutingQuery) {
  return {
    realTimeRequired: query.realTimeRequired ?? false,
    accuracyCritical: query.accuracyCritical ?? false,
    costSensitive: query.costSensitive ?? false,
  };
}
