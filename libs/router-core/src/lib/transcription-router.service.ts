import {
  BadRequestException,
  ConflictException,
  HttpException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { AudioDescription } from '@streamscribe/audio';
import {
  AudioChunkEntry,
  ChunkIngestQuery,
  DEFAULT_TENANT,
  KeyScheme,
  ProviderName,
  RoutingQuery,
  SessionRef,
  TranscriptionQuery,
  chunkWireFrom,
  isProviderName,
  newChunkEntry,
  sessionIdProblem,
} from '@streamscribe/contracts';
import { AudioCharge, IngestQuota } from '@streamscribe/quotas';
import { NotReplicatedError } from '@streamscribe/redis';
import { RoutingReason, RoutingRequest, RoutingRequirements } from '@streamscribe/routing-policy';
import {
  ChunkIngestor,
  CostTotals,
  IngestOutcome,
  ResultWatcher,
  SessionCancellation,
  SessionErased,
  SessionEraser,
  Transcript,
  TranscriptReader,
  costMonth,
  readTenantCostTotals,
} from '@streamscribe/sessions';
import { refusal } from './audio-intake/intake-errors';
import { BatchChunkAudio, ChunkBatchAccepted, ChunkBatchResult } from './batch/chunk-batch';
import { FileChunk, FileUpload } from './audio-intake/streaming-upload';
import { ConsensusCoordinator } from './consensus/consensus.coordinator';
import { ConsensusReport } from './consensus/consensus-report';
import { HedgeScheduler } from './hedging/hedge.scheduler';
import { apiError } from './http/api-error';
import { ChosenProvider, ProviderChooser } from './provider-chooser';
import { NotReplicatedRefusal } from './not-replicated';
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

/** What a tenant's results cost in one month, summed across partitions. */
export interface TenantCosts extends CostTotals {
  tenant: string;
  /** `YYYY-MM`, UTC. */
  month: string;
}

/**
 * Whether a file went to its provider whole or in chunks, and why:
 * - whole: `split_false` (asked), `diarization` (speakers asked, and the provider takes it whole);
 * - chunks: `default`, `split_true` (asked), `consensus`, or speakers asked but
 *   `no_provider_takes_it_whole` / `over_whole_file_max_bytes` (speaker labels are then per chunk).
 */
export interface FileSplit {
  mode: 'whole' | 'chunks';
  reason:
    | 'split_false'
    | 'diarization'
    | 'default'
    | 'split_true'
    | 'consensus'
    | 'no_provider_takes_it_whole'
    | 'over_whole_file_max_bytes';
}

export interface FileAccepted {
  sessionId: string;
  provider: ProviderName | 'consensus';
  chunks: number;
  durationSeconds: number;
  split: FileSplit;
}

/**
 * The router's work: validate, pick a provider, queue chunks atomically with their session
 * bookkeeping, and read transcripts back in audio order. Every call names the tenant (from the
 * request's key): a session is its tenant's alone, and another tenant's answers 404.
 */
@Injectable()
export class TranscriptionRouterService {
  private readonly reader: TranscriptReader;
  private readonly eraser: SessionEraser;
  /** Fleets of classic workers: they serve the default tenant only (see `excludedFor`). */
  private readonly classicFleets: readonly ProviderName[];
  private readonly cancellation: SessionCancellation;

  constructor(
    @Inject(ROUTER_REDIS) private readonly redis: Redis,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    private readonly chooser: ProviderChooser,
    private readonly watcher: ResultWatcher,
    private readonly consensus: ConsensusCoordinator,
    private readonly hedges: HedgeScheduler,
    private readonly keys: KeyScheme,
    private readonly quota: IngestQuota,
    private readonly ingestor: ChunkIngestor,
  ) {
    this.reader = new TranscriptReader(redis, keys);
    this.eraser = new SessionEraser(redis, keys);
    this.cancellation = new SessionCancellation(redis, keys);
    this.classicFleets = chunkWireFrom(env).classicFleets;
  }

  /** The tenant's session of that id; 400 for an id a client may not name (malformed, or `all`). */
  session(tenant: string, sessionId: string): SessionRef {
    assertSessionId(sessionId);
    return this.keys.session(tenant, sessionId);
  }

  async ingestChunk(
    tenant: string,
    sessionId: string,
    body: Buffer,
    audio: AudioDescription,
    query: ChunkIngestQuery,
  ): Promise<ChunkAccepted> {
    const session = this.session(tenant, sessionId);
    const fallbackProviders = fallbackOf(query);
    const consensus = consensusOf(query);
    const chunk = postedChunkEntry(
      tenant,
      sessionId,
      query,
      body,
      audio,
      requestRouting(query, fallbackProviders),
    );
    // The session's provider is read while the quotas are checked (one round trip, not two); it
    // is used only once they admitted the chunk.
    const sessionProvider = consensus ? undefined : this.sessionProviderOf(session, query);
    sessionProvider?.catch(() => undefined);
    // Quotas first: nothing is queued for audio the tenant may not send.
    const charge = await this.quota.admit(tenant, {
      audioSeconds: audio.durationSeconds,
      consensus: consensus !== undefined,
    });
    const queued = whileRedisAnswers(async () => {
      if (consensus) {
        this.chooser.assertAdmitsAll(consensus);
        await this.consensus.assertLive(consensus, tenant);
        return this.accepted(
          await this.consensus.submit(
            session,
            chunk,
            consensus,
            this.consensusTimeout(query),
            audio.durationSeconds * 1000,
          ),
          'consensus',
        );
      }
      const routing = await this.routingRequest(
        session,
        query,
        fallbackProviders,
        audio.durationSeconds,
        sessionProvider,
      );
      const { provider, reason } = await this.chooser.choose(routing);
      const outcome = await this.ingestor.ingest({
        session,
        provider,
        chunk,
        durationMs: audio.durationSeconds * 1000,
      });
      if (query.hedge) await this.hedge(session, outcome, chunk, routing, audio.durationSeconds);
      return this.accepted(outcome, reason);
    });
    // Not replicated: the chunk is stored and stays charged; its retry is a duplicate, refunded.
    return keepChargeIfQueued(charge, queued, { keepWhenNotReplicated: true }).catch(
      refuseIfNotReplicated('chunk'),
    );
  }

  /**
   * The batched ingest: chunks of one session (already read and checked, see `readChunkBatch`), in
   * one quota charge, one routing decision and one Lua call; see docs/http-api.md. Every chunk
   * still gets its seq, idempotency by chunk id, index, trail, metric and hedge. `rejected` are the
   * chunks refused before Redis, carried into the answer in their places.
   */
  async ingestChunkBatch(
    tenant: string,
    sessionId: string,
    chunks: readonly BatchChunkAudio[],
    rejected: readonly ChunkBatchResult[],
    query: RoutingQuery,
  ): Promise<ChunkBatchAccepted> {
    const session = this.session(tenant, sessionId);
    const fallbackProviders = fallbackOf(query);
    if (consensusOf(query))
      throw new BadRequestException(
        'consensus is not taken by the batch endpoint: post consensus chunks to /v1/sessions/{id}/chunks one by one',
      );
    const results: ChunkBatchResult[] = [...rejected];
    let provider: ProviderName | null = null;
    if (chunks.length > 0) {
      const routing = requestRouting(query, fallbackProviders);
      const entries = chunks.map(({ header, body, audio }) => ({
        chunk: postedChunkEntry(tenant, sessionId, header, body, audio, routing),
        durationMs: audio.durationSeconds * 1000,
      }));
      const seconds = chunks.map(({ audio }) => audio.durationSeconds);
      // One charge for the batch, before anything is queued; what is not queued is given back.
      const charge = await this.quota.admit(tenant, {
        audioSeconds: seconds.reduce((sum, s) => sum + s, 0),
        consensus: false,
      });
      let outcomes: IngestOutcome[];
      try {
        outcomes = await whileRedisAnswers(async () => {
          // One routing read and decision for the batch: its chunks share the session's provider.
          const routing = await this.routingRequest(session, query, fallbackProviders, Math.max(...seconds));
          const choice = await this.chooser.choose(routing);
          provider = choice.provider;
          const queued = await this.ingestor.ingestBatch(session, choice.provider, entries);
          for (const [i, outcome] of queued.entries()) {
            if (outcome.status === 'created')
              routerMetrics.chunksIngested.inc({ provider: choice.provider, reason: choice.reason });
            if (query.hedge) await this.hedge(session, outcome, entries[i].chunk, routing, seconds[i]);
          }
          return queued;
        });
      } catch (error) {
        await charge.refund();
        throw error;
      }
      const unqueued = outcomes.reduce((sum, o, i) => sum + (o.status === 'created' ? 0 : seconds[i]), 0);
      if (unqueued > 0) await charge.refund(unqueued);
      outcomes.forEach((outcome, i) => results.push(batchResult(chunks[i].index, outcome)));
    }
    results.sort((a, b) => a.index - b.index);
    const count = (status: ChunkBatchResult['status']) => results.filter((r) => r.status === status).length;
    return {
      sessionId,
      provider,
      accepted: count('accepted'),
      duplicates: count('duplicate'),
      rejected: count('rejected'),
      chunks: results,
    };
  }

  /**
   * A whole file, its chunks queued one by one as the upload delivers them (see `StreamingUploads`).
   * The chunk count is recorded first, so the session knows when it is complete. Anything that
   * stops the upload midway (the client broke off, a quota refused a chunk, Redis went away)
   * cancels the session: workers then acknowledge and skip what was already queued.
   */
  async transcribeFile(tenant: string, upload: FileUpload, query: TranscriptionQuery): Promise<FileAccepted> {
    // A generated id is random (122 bits): a session id is the capability to read its transcript.
    const sessionId = query.sessionId ?? randomUUID();
    const session = this.session(tenant, sessionId);
    let fallbackProviders = fallbackOf(query);
    const consensus = consensusOf(query);
    if (consensus && query.split === false)
      throw new BadRequestException('split=false cannot be combined with consensus: consensus cuts the file');
    // Every piece is a standalone WAV, whatever the upload's format.
    const entryOf = ({ wav, offsetMs }: FileChunk) =>
      newChunkEntry({
        tenant,
        sessionId,
        chunkId: '',
        seq: undefined,
        offsetMs,
        audio: wav,
        audioFormat: 'wav',
        // fallbackProviders as it stands when the chunk is queued (a whole-file route narrows it).
        ...requestRouting(query, fallbackProviders),
      });
    // The whole file is charged before its first chunk is queued, and refunded if the upload then
    // fails: a broken-off upload's session is cancelled, so its queued chunks are never transcribed.
    const charge = await this.quota.admit(tenant, {
      audioSeconds: upload.durationSeconds,
      consensus: consensus !== undefined,
    });
    const queued = whileRedisAnswers(async () => {
      let queue: (chunk: AudioChunkEntry, durationMs: number) => Promise<void>;
      let provider: ProviderName | 'consensus' = 'consensus';
      let split: FileSplit = { mode: 'chunks', reason: 'consensus' };
      let planned = upload;
      if (consensus) {
        this.chooser.assertAdmitsAll(consensus);
        await this.consensus.assertLive(consensus, tenant);
        // One at a time, so seqs follow the audio.
        queue = async (chunk, durationMs) => {
          this.accepted(
            await this.consensus.submit(session, chunk, consensus, this.consensusTimeout(query), durationMs),
            'consensus',
          );
        };
      } else {
        const route = await this.fileRoute(session, query, fallbackProviders, upload);
        ({ split, upload: planned } = route);
        // A whole file fails over whole: only to providers that take it in one call.
        if (split.mode === 'whole')
          fallbackProviders = await this.takingWhole(fallbackProviders, upload.durationSeconds);
        const { routing, choice, chunkSeconds } = route;
        provider = choice.provider;
        queue = async (chunk, durationMs) => {
          const outcome = await this.ingestor.ingest({
            session,
            provider: choice.provider,
            chunk,
            durationMs,
          });
          this.accepted(outcome, choice.reason);
          if (query.hedge) await this.hedge(session, outcome, chunk, routing, chunkSeconds);
        };
      }
      // Cuts at pauses know only a bound up front: it keeps the session incomplete until the real
      // count, known once the last chunk is cut, replaces it.
      await this.ingestor.expectChunks(session, planned.chunkCount, {
        split: split.mode,
        split_reason: split.reason,
      });
      let chunks = 0;
      try {
        for await (const piece of planned.chunks) {
          await queue(entryOf(piece), piece.seconds * 1000);
          chunks += 1;
        }
        if (chunks !== planned.chunkCount) await this.ingestor.expectChunks(session, chunks);
      } catch (error) {
        await this.cancellation.cancel(session, (error as Error).message).catch(() => undefined);
        throw error;
      }
      routerMetrics.filesQueued.inc({ mode: split.mode, reason: split.reason });
      return {
        sessionId,
        provider,
        chunks,
        durationSeconds: planned.durationSeconds,
        split,
      };
    });
    // Not replicated: the session was cancelled (above), so nothing of it is charged.
    return keepChargeIfQueued(charge, queued).catch(refuseIfNotReplicated('file'));
  }

  /**
   * Where a file goes, and whether whole or in chunks. Whole: `split=false` (refused when the
   * provider asked for cannot take it in one call, no provider can, or it is over
   * WHOLE_FILE_MAX_BYTES), or by default with `diarize=true` when a provider that takes the whole
   * file in one call is available: speaker labels then hold across the file. Otherwise in chunks of
   * the upload's chunk length, routed for that length.
   */
  private async fileRoute(
    session: SessionRef,
    query: TranscriptionQuery,
    fallback: ProviderName[],
    upload: FileUpload,
  ): Promise<{
    upload: FileUpload;
    routing: RoutingRequest;
    choice: ChosenProvider;
    chunkSeconds: number;
    split: FileSplit;
  }> {
    const asked = query.split === false;
    const forSpeakers = query.split === undefined && query.diarize === true;
    let reason: FileSplit['reason'] = query.split === true ? 'split_true' : 'default';
    if (asked || forSpeakers) {
      const tooLong = await this.wholeFileProblem(query, upload);
      if (tooLong && asked) throw tooLong.error;
      if (tooLong) reason = tooLong.reason;
      else {
        const routing = await this.routingRequest(session, query, fallback, upload.durationSeconds);
        try {
          const choice = await this.chooser.choose(routing);
          return {
            upload: await upload.whole(),
            routing,
            choice,
            chunkSeconds: upload.durationSeconds,
            split: { mode: 'whole', reason: asked ? 'split_false' : 'diarization' },
          };
        } catch (error) {
          // Nothing can take it whole now: asked for, that is the answer; for speakers, it is cut.
          if (asked || !isRoutingRefusal(error)) throw error;
          reason = 'no_provider_takes_it_whole';
        }
      }
    }
    const chunkSeconds = Math.min(upload.durationSeconds, upload.chunkSeconds);
    const routing = await this.routingRequest(session, query, fallback, chunkSeconds);
    const choice = await this.chooser.choose(routing);
    return { upload, routing, choice, chunkSeconds, split: { mode: 'chunks', reason } };
  }

  private async takingWhole(providers: ProviderName[], seconds: number): Promise<ProviderName[]> {
    const limits = await Promise.all(providers.map((p) => this.chooser.maxAudioSeconds(p)));
    return providers.filter((_, i) => limits[i] >= seconds);
  }

  /** Why a file cannot go whole before any routing: too many bytes, or longer than the named provider takes. */
  private async wholeFileProblem(
    query: TranscriptionQuery,
    upload: FileUpload,
  ): Promise<{ reason: FileSplit['reason']; error: HttpException } | undefined> {
    if (upload.sampleBytes > this.env.WHOLE_FILE_MAX_BYTES)
      return {
        reason: 'over_whole_file_max_bytes',
        error: refusal(
          413,
          'upload_too_large',
          `split=false sends the file as one piece: its ${upload.sampleBytes} bytes of samples are over the ${this.env.WHOLE_FILE_MAX_BYTES} of WHOLE_FILE_MAX_BYTES; leave split out to have it cut`,
        ),
      };
    if (!query.provider) return undefined;
    const limit = await this.chooser.maxAudioSeconds(query.provider);
    if (upload.durationSeconds <= limit) return undefined;
    return {
      reason: 'no_provider_takes_it_whole',
      error: apiError(
        422,
        'no_capable_provider',
        `split=false: ${query.provider} takes at most ${limit} s in one call and this file is ${upload.durationSeconds.toFixed(1)} s; leave split out to have it cut, or name a provider with a longer limit`,
      ),
    };
  }

  /** What consensus made of a session's chunks: combined text, each provider's hypothesis, agreement. */
  async consensusReport(tenant: string, sessionId: string): Promise<ConsensusReport> {
    const session = this.session(tenant, sessionId);
    const report = await whileRedisAnswers(() => this.consensus.report(session));
    if (report.chunks.length === 0) {
      throw new NotFoundException(
        `session '${sessionId}' has no settled consensus chunk: post with ?consensus=deepgram,whisper,assemblyai and wait for its result`,
      );
    }
    return report;
  }

  async transcript(tenant: string, sessionId: string): Promise<Transcript> {
    const session = this.session(tenant, sessionId);
    const transcript = await whileRedisAnswers(() => this.reader.read(session));
    if (!transcript) {
      throw new NotFoundException(
        `no session '${sessionId}': post chunks to /v1/sessions/${sessionId}/chunks first (sessions expire after SESSION_TTL_SECONDS)`,
      );
    }
    return transcript;
  }

  /** What the tenant's results cost in a month (this one by default), per provider; each session's are in its transcript. */
  async costTotals(tenant: string, month: string = costMonth()): Promise<TenantCosts> {
    const totals = await whileRedisAnswers(() => readTenantCostTotals(this.redis, this.keys, tenant, month));
    return { tenant, month, ...totals };
  }

  /**
   * Marks a live session finished: no more chunks will come, so its transcript (and live feed)
   * is complete once every chunk posted so far has its result.
   */
  async endSession(tenant: string, sessionId: string): Promise<{ sessionId: string; chunks: number }> {
    const session = this.session(tenant, sessionId);
    const count = await whileRedisAnswers(() =>
      this.redis.hget(this.keys.sessionMetaKey(session), 'chunk_count'),
    );
    if (count === null)
      throw new NotFoundException(
        `no session '${sessionId}': post chunks to /v1/sessions/${sessionId}/chunks first`,
      );
    await whileRedisAnswers(() => this.ingestor.expectChunks(session, Number(count)));
    return { sessionId, chunks: Number(count) };
  }

  /**
   * Removes everything the session left in Redis: results, audio still queued, index entries,
   * failures, dead letters and its entries in the global results feed. 404 when there is nothing
   * (another tenant's session included).
   */
  async deleteSession(tenant: string, sessionId: string): Promise<{ sessionId: string } & SessionErased> {
    const session = this.session(tenant, sessionId);
    const erased = await whileRedisAnswers(() => this.eraser.erase(session));
    if (!erased.found) throw new NotFoundException(`no session '${sessionId}'`);
    return { sessionId, ...erased };
  }

  /** The transcript once complete, or as far as it got when timeoutMs runs out. */
  async waitForTranscript(tenant: string, sessionId: string, timeoutMs: number): Promise<Transcript> {
    this.watcher.start();
    const session = this.session(tenant, sessionId);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const transcript = await this.transcript(tenant, sessionId);
      const remaining = deadline - Date.now();
      if (transcript.complete || remaining <= 0) return transcript;
      // Woken by the next result of this session; the 1 s cap re-checks even if a wake-up is missed.
      await this.watcher.waitForResult(session, Math.min(remaining, 1000));
    }
  }

  /**
   * `sessionProvider`: the session's provider when already being read (see `sessionProviderOf`).
   */
  private async routingRequest(
    session: SessionRef,
    query: RoutingQuery,
    fallback: ProviderName[],
    audioSeconds: number,
    sessionProviderRead?: Promise<string | null>,
  ): Promise<RoutingRequest> {
    const sessionProvider = await (sessionProviderRead ?? this.sessionProviderOf(session, query));
    return {
      exclude: this.excludedFor(session.tenant),
      preferred: query.provider,
      fallback,
      hints: hintsOf(query),
      sessionProvider: sessionProvider && isProviderName(sessionProvider) ? sessionProvider : undefined,
      requirements: requirementsOf(query, audioSeconds),
    };
  }

  /** The provider the session's chunks went to so far (null: none yet, or the query names one). */
  private async sessionProviderOf(session: SessionRef, query: RoutingQuery): Promise<string | null> {
    return query.provider ? null : this.redis.hget(this.keys.sessionMetaKey(session), 'provider');
  }

  /**
   * Providers a tenant's chunks never go to: for any tenant but the default one, the classic
   * fleets (CLASSIC_FLEETS). A classic worker writes `transcription:results:<session id>` itself,
   * the default tenant's name on one node, so another tenant's result would land in the default
   * tenant's session of the same id.
   */
  private excludedFor(tenant: string): ProviderName[] {
    return tenant === DEFAULT_TENANT ? [] : [...this.classicFleets];
  }

  private async hedge(
    session: SessionRef,
    outcome: IngestOutcome,
    chunk: AudioChunkEntry,
    routing: RoutingRequest,
    audioSeconds: number,
  ): Promise<void> {
    if (outcome.status !== 'created' || outcome.provider === 'consensus') return;
    await this.hedges.schedule(
      {
        session,
        chunk: { ...chunk, chunkId: outcome.chunkId, seq: outcome.seq, offsetMs: outcome.offsetMs },
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
  { keepWhenNotReplicated = false } = {},
): Promise<T> {
  let accepted: T;
  try {
    accepted = await queued;
  } catch (error) {
    if (!(keepWhenNotReplicated && error instanceof NotReplicatedError)) await charge.refund();
    throw error;
  }
  if ('duplicate' in accepted && accepted.duplicate) await charge.refund();
  return accepted;
}

/** What every chunk of one request carries for routing: read from the query once per request. */
type RequestRouting = Pick<AudioChunkEntry, 'hints' | 'fallbackProviders' | 'transcription'>;

function requestRouting(query: RoutingQuery, fallbackProviders: ProviderName[]): RequestRouting {
  return { hints: hintsOf(query), fallbackProviders, transcription: query.transcriptionHints() };
}

/**
 * The stream entry of a posted chunk (the chunk route's query, or a batch frame's header): WAV as
 * sent, raw PCM without its container, with the request's routing hints and fallbacks.
 */
function postedChunkEntry(
  tenant: string,
  sessionId: string,
  placement: { chunkId?: string; seq?: number; offsetMs?: number },
  body: Buffer,
  audio: AudioDescription,
  routing: RequestRouting,
): AudioChunkEntry {
  return newChunkEntry({
    tenant,
    sessionId,
    chunkId: placement.chunkId ?? '',
    seq: placement.seq,
    offsetMs: placement.offsetMs,
    audio: audio.format === 'wav' ? body : body.subarray(audio.pcmOffset, audio.pcmOffset + audio.pcmLength),
    audioFormat: audio.format,
    ...(audio.format === 'l16' ? { sampleRate: audio.sampleRate, channels: audio.channels } : {}),
    ...routing,
  });
}

/** One batch chunk's result from its ingest outcome; a taken seq is that chunk's 409. */
function batchResult(index: number, outcome: IngestOutcome): ChunkBatchResult {
  if (outcome.status === 'seq_taken')
    return {
      index,
      status: 'rejected',
      code: 'seq_taken',
      message: `seq ${outcome.seq} already holds chunk '${outcome.chunkId}': send a new seq, or the same chunkId to retry that chunk`,
    };
  const { chunkId, seq, entryId, provider } = outcome;
  return {
    index,
    status: outcome.status === 'created' ? 'accepted' : 'duplicate',
    chunkId,
    seq,
    entryId,
    provider,
  };
}

/** REDIS_DURABILITY=replica's shortfall as the 503 that tells the client what a retry does. */
function refuseIfNotReplicated(what: 'chunk' | 'file'): (error: unknown) => never {
  return (error) => {
    throw error instanceof NotReplicatedError ? new NotReplicatedRefusal(what, error) : error;
  };
}

/** The chooser's "no provider can" (422) or "none is available now" (503). */
function isRoutingRefusal(error: unknown): boolean {
  return error instanceof HttpException && [422, 503].includes(error.getStatus());
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
