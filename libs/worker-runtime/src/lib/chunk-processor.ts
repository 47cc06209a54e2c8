import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  AudioChunkEntry,
  KeyScheme,
  MalformedEntryError,
  WordTiming,
  decodeChunkEntry,
} from '@streamscribe/contracts';
import { retryDelayMs } from '@streamscribe/routing-policy';
import { createLogger } from '@streamscribe/observability';
import {
  ProviderError,
  ProviderTranscript,
  TRANSCRIPTION_PROVIDER,
  TranscriptionProvider,
} from '@streamscribe/providers';
import { ProviderHealthRecorder, ProviderOutcome } from '@streamscribe/provider-health';
import { ResultStore, SessionCancellation } from '@streamscribe/sessions';
import { RedisStreamsContext, StreamEntry } from '@streamscribe/streams';
import { ChunkSettler } from './chunk-settler';
import { sessionOfEntry } from './session-of-entry';
import { CostAccountant } from './cost-accountant';
import { transcriptionRequestFor } from './transcription-request';
import { countsAgainstProvider } from './counts-against-provider';
import { chunkAudioSeconds } from './chunk-audio-seconds';
import { WORKER_ENVIRONMENT } from './tokens';
import { WorkerEnvironment } from './worker-environment';
import { workerMetrics } from './worker-metrics';

/**
 * One chunk, start to finish: decode the entry (classic or ours), transcribe it with this
 * worker's provider — retrying retryable errors with backoff, within RETRY_MAX_ATTEMPTS — and
 * write the result once. A chunk the provider gives up on fails over to the next provider of its
 * chain; a malformed entry or an exhausted chain goes to the dead-letter stream. Either way the
 * entry is settled and the group moves on.
 */
@Injectable()
export class ChunkProcessor {
  private readonly log = createLogger('chunk-processor');
  /**
   * The metric children every transcribed chunk touches, resolved once: prom-client hashes a label
   * set on each call otherwise (this worker's provider never changes).
   */
  private readonly perChunk: {
    ok: ReturnType<typeof workerMetrics.chunks.labels>;
    duplicate: ReturnType<typeof workerMetrics.chunks.labels>;
    endToEndSeconds: ReturnType<typeof workerMetrics.endToEndSeconds.labels>;
    audioSeconds: ReturnType<typeof workerMetrics.audioSeconds.labels>;
    providerSeconds: ReturnType<typeof workerMetrics.providerSeconds.labels>;
  };

  constructor(
    @Inject(TRANSCRIPTION_PROVIDER) private readonly provider: TranscriptionProvider,
    @Inject(WORKER_ENVIRONMENT) private readonly env: WorkerEnvironment,
    private readonly results: ResultStore,
    private readonly settler: ChunkSettler,
    private readonly costs: CostAccountant,
    private readonly health: ProviderHealthRecorder,
    private readonly keys: KeyScheme,
    @Optional() private readonly cancellation?: SessionCancellation,
  ) {
    const labels = { provider: provider.name };
    this.perChunk = {
      ok: workerMetrics.chunks.labels({ ...labels, outcome: 'ok' }),
      duplicate: workerMetrics.chunks.labels({ ...labels, outcome: 'duplicate' }),
      endToEndSeconds: workerMetrics.endToEndSeconds.labels(labels),
      audioSeconds: workerMetrics.audioSeconds.labels(labels),
      providerSeconds: workerMetrics.providerSeconds.labels(labels),
    };
  }

  async process(entry: StreamEntry, context: RedisStreamsContext): Promise<void> {
    const provider = this.provider.name;
    let chunk: AudioChunkEntry;
    try {
      chunk = decodeChunkEntry(entry.fields);
    } catch (error) {
      if (!(error instanceof MalformedEntryError)) throw error;
      workerMetrics.chunks.inc({ provider, outcome: 'malformed' });
      await this.settler.deadLetter(entry, error.message, context);
      return;
    }
    const session = sessionOfEntry(this.keys, chunk, context);
    // Both per-chunk reads go out together (one round trip); they are judged in the order below.
    const [status, cancelled] = await Promise.all([
      this.results.statusOf(session, chunk, provider),
      this.cancellation?.isCancelled(session) ?? false,
    ]);
    if (status === 'ok') {
      // Already transcribed: an owner that died before its XACK, a hedge's other copy, a re-drive
      // of a chunk that was finished meanwhile. Acknowledge; never pay twice.
      workerMetrics.chunks.inc({ provider, outcome: 'duplicate' });
      return;
    }
    if (
      context.getDeliveryCount() > 1 &&
      (await this.results.wroteWithoutIndex(session, chunk, provider, context.getEntryId()))
    ) {
      // Reclaimed from a classic consumer (the guide's code) that transcribed it and wrote its
      // result but never acknowledged: the guide calls xack(group, stream, id), arguments swapped,
      // so its entries all stay pending. Acknowledge for it; never transcribe twice.
      workerMetrics.chunks.inc({ provider, outcome: 'duplicate' });
      return;
    }
    if (cancelled) {
      // Its upload broke off: nobody waits for this audio. Acknowledge; never transcribe or pay.
      workerMetrics.chunks.inc({ provider, outcome: 'cancelled' });
      return;
    }
    if (context.getDeliveryCount() > this.env.MAX_DELIVERIES) {
      workerMetrics.chunks.inc({ provider, outcome: 'poison' });
      const reason = `delivered ${context.getDeliveryCount()} times (MAX_DELIVERIES ${this.env.MAX_DELIVERIES}): every consumer that took it died or stalled`;
      await this.settler.deadLetter(entry, reason, context, chunk);
      return;
    }
    const startedAt = performance.now();
    let transcript: ProviderTranscript;
    try {
      transcript = await this.transcribeWithRetries(chunk);
    } catch (error) {
      workerMetrics.chunks.inc({ provider, outcome: 'provider_error' });
      await this.settler.failOver(entry, chunk, error, context);
      return;
    }
    const priced = this.costs.price(provider, transcript);
    const written = await this.results.write(session, {
      sessionId: chunk.sessionId,
      chunkId: chunk.chunkId,
      seq: chunk.seq,
      ...(chunk.offsetMs === undefined ? {} : { offsetMs: chunk.offsetMs }),
      status: 'ok',
      text: transcript.text,
      confidence: transcript.confidence,
      provider,
      processingTime: (performance.now() - startedAt) / 1000,
      timestamp: Date.now() / 1000,
      words: onSessionClock(transcript.words, chunk.offsetMs),
      language: transcript.language,
      durationSeconds: transcript.durationSeconds,
      ...priced,
    });
    if (written.created) this.costs.record(provider, priced);
    (written.created ? this.perChunk.ok : this.perChunk.duplicate).inc();
    this.perChunk.endToEndSeconds.observe(Math.max(0, Date.now() / 1000 - chunk.timestamp));
    if (transcript.durationSeconds) this.perChunk.audioSeconds.inc(transcript.durationSeconds);
    this.log.debug(
      {
        sessionId: chunk.sessionId,
        chunkId: chunk.chunkId,
        created: written.created,
        requestId: transcript.requestId,
      },
      'chunk transcribed',
    );
  }

  private async transcribeWithRetries(chunk: AudioChunkEntry): Promise<ProviderTranscript> {
    const provider = this.provider.name;
    for (let attempt = 1; ; attempt++) {
      const stopTimer = this.perChunk.providerSeconds.startTimer();
      const callStartedAt = performance.now();
      try {
        const transcript = await this.provider.transcribe(transcriptionRequestFor(chunk));
        this.recordOutcome({
          ok: true,
          providerMs: performance.now() - callStartedAt,
          audioSeconds: transcript.durationSeconds ?? chunkAudioSeconds(chunk),
        });
        return transcript;
      } catch (error) {
        if (countsAgainstProvider(error))
          this.recordOutcome({ ok: false, retryAfterMs: (error as ProviderError).retryAfterMs });
        const retryable = !(error instanceof ProviderError) || error.kind === 'retryable';
        const delay =
          retryable && attempt < this.env.RETRY_MAX_ATTEMPTS
            ? retryDelayMs(
                attempt,
                { baseMs: this.env.RETRY_BASE_MS, maxMs: this.env.RETRY_MAX_MS },
                (error as ProviderError).retryAfterMs,
              )
            : undefined;
        if (delay === undefined) throw error;
        workerMetrics.retries.inc({ provider });
        this.log.info(
          {
            sessionId: chunk.sessionId,
            chunkId: chunk.chunkId,
            attempt,
            delay,
            err: (error as Error).message,
          },
          'retrying',
        );
        await new Promise((resolve) => setTimeout(resolve, delay));
      } finally {
        stopTimer();
      }
    }
  }

  /** Feeds the provider's shared health and breaker; never holds up or fails the chunk. */
  private recordOutcome(outcome: ProviderOutcome): void {
    this.health.recordSoon(outcome).then(
      ({ transition }) =>
        transition &&
        this.log.warn(
          { provider: this.provider.name, breaker: transition.to, reason: transition.reason },
          'circuit breaker moved',
        ),
      (error: Error) => this.log.debug({ err: error.message }, 'could not record the provider outcome'),
    );
  }
}

/** The provider's word times (from the chunk's start) moved onto the session's clock, to the ms. */
export function onSessionClock(words: readonly WordTiming[], offsetMs: number | undefined): WordTiming[] {
  if (!offsetMs) return [...words];
  const shift = (seconds: number) => Math.round(seconds * 1000 + offsetMs) / 1000;
  return words.map((w) => ({ ...w, start: shift(w.start), end: shift(w.end) }));
}
