import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AudioDescription, splitAudio } from '@streamscribe/audio';
import {
  AudioChunkEntry,
  ChunkIngestQuery,
  DEFAULT_TENANT,
  ProviderName,
  RoutingQuery,
  TranscriptionQuery,
  isProviderName,
  newChunkEntry,
  sessionIdProblem,
  sessionMetaKey,
} from '@streamscribe/contracts';
import { AudioCharge, IngestQuota } from '@streamscribe/quotas';
import { RoutingReason, RoutingRequest, RoutingRequirements } from '@streamscribe/routing-policy';
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
import { ConsensusCoordinator } from './consensus/consensus.coordinator';
import { ConsensusReport } from './consensus/consensus-report';
import { HedgeScheduler } from './hedging/hedge.scheduler';
import { ProviderChooser } from './provider-chooser';
import { whileRedisAnswers } from './redis-unavailable';
import { RouterEnvironment } from './router-environment';
import { routerMetrics } from './router-metrics';
import { ROUTER_ENVIRONMENT, ROUTER_REDIS } from './tokens';

export interface ChunkAccepted {
  sessionId: string;
  chunkId: string;
  seq: number;
  provider: ProviderName | 'consensus';
  entryId: string;
  /** True when this chunk id had been accepted before; nothing new was queued. */
  duplicate: boolean;
}

export interface FileAccepted {
  sessionId: string;
  provider: ProviderName | 'consensus';
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
    private readonly chooser: ProviderChooser,
    private readonly watcher: ResultWatcher,
    private readonly consensus: ConsensusCoordinator,
    private readonly hedges: HedgeScheduler,
    private readonly quota: IngestQuota,
  ) {
    this.ingestor = new ChunkIngestor(redis, sessionsOptionsFrom(env));
    this.reader = new TranscriptReader(redis);
  }

  async ingestChunk(
    sessionId: string,
    body: Buffer,
    audio: AudioDescription,
    query: ChunkIngestQuery,
    tenant = DEFAULT_TENANT,
  ): Promise<ChunkAccepted> {
    assertSessionId(sessionId);
    const fallbackProviders = fallbackOf(query);
    const consensus = consensusOf(query);
    const chunk = newChunkEntry({
      sessionId,
      chunkId: query.chunkId ?? '',
      seq: query.seq,
      audio:
        audio.format === 'wav' ? body : body.subarray(audio.pcmOffset, audio.pcmOffset + audio.pcmLength),
      audioFormat: audio.format,
      ...(audio.format === 'l16' ? { sampleRate: audio.sampleRate, channels: audio.channels } : {}),
      hints: hintsOf(query),
      fallbackProviders,
      transcription: query.transcriptionHints(),
    });
    // Quotas first: nothing is queued for audio the tenant may not send.
    const charge = await this.quota.admit(tenant, {
      audioSeconds: audio.durationSeconds,
      consensus: consensus !== undefined,
    });
    const queued = whileRedisAnswers(async () => {
      if (consensus) {
        await this.consensus.assertLive(consensus);
        return this.accepted(
          await this.consensus.submit(chunk, consensus, this.consensusTimeout(query)),
          'consensus',
        );
      }
      const routing = await this.routingRequest(sessionId, query, fallbackProviders, audio.durationSeconds);
      const { provider, reason } = await this.chooser.choose(routing);
      const outcome = await this.ingestor.ingest({ provider, chunk });
      if (query.hedge) await this.hedge(outcome, chunk, routing, audio.durationSeconds, tenant);
      return this.accepted(outcome, reason);
    });
    return keepChargeIfQueued(charge, queued);
  }

  async transcribeFile(
    body: Buffer,
    audio: AudioDescription,
    query: TranscriptionQuery,
    tenant = DEFAULT_TENANT,
  ): Promise<FileAccepted> {
    const sessionId = query.sessionId ?? randomUUID();
    const fallbackProviders = fallbackOf(query);
    const consensus = consensusOf(query);
    const chunkSeconds = Math.min(audio.durationSeconds, query.chunkSeconds ?? this.env.CHUNK_SECONDS);
    // Every piece is a standalone WAV, whatever the upload's format.
    const chunks = splitAudio(body, audio, query.chunkSeconds ?? this.env.CHUNK_SECONDS).map((wav) =>
      newChunkEntry({
        sessionId,
        chunkId: '',
        seq: undefined,
        audio: wav,
        audioFormat: 'wav',
        hints: hintsOf(query),
        transcription: query.transcriptionHints(),
        fallbackProviders,
      }),
    );
    const charge = await this.quota.admit(tenant, {
      audioSeconds: audio.durationSeconds,
      consensus: consensus !== undefined,
    });
    const queued = whileRedisAnswers(async () => {
      if (consensus) {
        await this.consensus.assertLive(consensus);
        await this.ingestor.expectChunks(sessionId, chunks.length);
        // One at a time, so seqs follow the audio.
        for (const chunk of chunks)
          this.accepted(
            await this.consensus.submit(chunk, consensus, this.consensusTimeout(query)),
            'consensus',
          );
        return {
          sessionId,
          provider: 'consensus' as const,
          chunks: chunks.length,
          durationSeconds: audio.durationSeconds,
        };
      }
      const routing = await this.routingRequest(sessionId, query, fallbackProviders, chunkSeconds);
      const { provider, reason } = await this.chooser.choose(routing);
      await this.ingestor.expectChunks(sessionId, chunks.length);
      const outcomes = await this.ingestor.ingestMany(chunks.map((chunk) => ({ provider, chunk })));
      for (const [i, outcome] of outcomes.entries()) {
        this.accepted(outcome, reason);
        if (query.hedge) await this.hedge(outcome, chunks[i], routing, chunkSeconds, tenant);
      }
      return { sessionId, provider, chunks: chunks.length, durationSeconds: audio.durationSeconds };
    });
    return keepChargeIfQueued(charge, queued);
  }

  /** What consensus made of a session's chunks: combined text, each provider's hypothesis, agreement. */
  async consensusReport(sessionId: string): Promise<ConsensusReport> {
    assertSessionId(sessionId);
    const report = await whileRedisAnswers(() => this.consensus.report(sessionId));
    if (report.chunks.length === 0) {
      throw new NotFoundException(
        `session '${sessionId}' has no settled consensus chunk: post with ?consensus=deepgram,whisper,assemblyai and wait for its result`,
      );
    }
    return report;
  }

  async transcript(sessionId: string): Promise<Transcript> {
    assertSessionId(sessionId);
    const transcript = await whileRedisAnswers(() => this.reader.read(sessionId));
    if (!transcript) {
      throw new NotFoundException(
        `no session '${sessionId}': post chunks to /v1/sessions/${sessionId}/chunks first (sessions expire after SESSION_TTL_SECONDS)`,
      );
    }
    return transcript;
  }

  /** Cost totals per provider across all sessions (each session's are in its transcript). */
  costTotals(): Promise<CostTotals> {
    return whileRedisAnswers(() => readProviderCostTotals(this.redis));
  }

  /**
   * Marks a live session finished: no more chunks will come, so its transcript (and live feed)
   * is complete once every chunk posted so far has its result.
   */
  async endSession(sessionId: string): Promise<{ sessionId: string; chunks: number }> {
    assertSessionId(sessionId);
    const count = await whileRedisAnswers(() => this.redis.hget(sessionMetaKey(sessionId), 'chunk_count'));
    if (count === null)
      throw new NotFoundException(
        `no session '${sessionId}': post chunks to /v1/sessions/${sessionId}/chunks first`,
      );
    await whileRedisAnswers(() => this.ingestor.expectChunks(sessionId, Number(count)));
    return { sessionId, chunks: Number(count) };
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

  private async routingRequest(
    sessionId: string,
    query: RoutingQuery,
    fallback: ProviderName[],
    audioSeconds: number,
  ): Promise<RoutingRequest> {
    const sessionProvider = query.provider
      ? null
      : await this.redis.hget(sessionMetaKey(sessionId), 'provider');
    return {
      preferred: query.provider,
      fallback,
      hints: hintsOf(query),
      sessionProvider: sessionProvider && isProviderName(sessionProvider) ? sessionProvider : undefined,
      requirements: requirementsOf(query, audioSeconds),
    };
  }

  private async hedge(
    outcome: IngestOutcome,
    chunk: AudioChunkEntry,
    routing: RoutingRequest,
    audioSeconds: number,
    tenant: string,
  ): Promise<void> {
    if (outcome.status !== 'created' || outcome.provider === 'consensus') return;
    await this.hedges.schedule(
      {
        chunk: { ...chunk, tenant: chunk.tenant ?? tenant, chunkId: outcome.chunkId, seq: outcome.seq },
        provider: outcome.provider,
        routing,
      },
      audioSeconds,
    );
  }

  private consensusTimeout(query: RoutingQuery): number {
    return query.consensusTimeoutMs ?? this.env.CONSENSUS_TIMEOUT_MS;
  }

  private accepted(outcome: IngestOutcome, reason: RoutingReason | 'consensus'): ChunkAccepted {
    if (outcome.status === 'seq_taken') {
      throw new ConflictException(
        `seq ${outcome.seq} of session '${outcome.sessionId}' already holds chunk '${outcome.chunkId}': send a new seq, or the same chunkId to retry that chunk`,
      );
    }
    if (outcome.status === 'created')
      routerMetrics.chunksIngested.inc({ provider: outcome.provider, reason });
    const { sessionId, chunkId, seq, provider, entryId } = outcome;
    return { sessionId, chunkId, seq, provider, entryId, duplicate: outcome.status === 'duplicate' };
  }
}

/**
 * The audio seconds charged stay charged only when the audio was queued: a duplicate chunk, a
 * conflict or a failure midway gets its charge back.
 */
async function keepChargeIfQueued<T extends ChunkAccepted | FileAccepted>(
  charge: AudioCharge,
  queued: Promise<T>,
): Promise<T> {
  let accepted: T;
  try {
    accepted = await queued;
  } catch (error) {
    await charge.refund();
    throw error;
  }
  if ('duplicate' in accepted && accepted.duplicate) await charge.refund();
  return accepted;
}

function assertSessionId(sessionId: string): void {
  const problem = sessionIdProblem(sessionId);
  if (problem) throw new BadRequestException(problem);
}

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

function consensusOf(query: RoutingQuery): ProviderName[] | undefined {
  const problem = query.consensusProblem();
  if (problem) throw new BadRequestException(problem);
  return query.consensus === undefined ? undefined : query.consensusProviders();
}

function requirementsOf(query: RoutingQuery, audioSeconds: number): RoutingRequirements {
  return {
    language: query.language,
    diarization: query.diarize,
    wordTimestamps: query.wordTimestamps,
    audioSeconds,
  };
}
