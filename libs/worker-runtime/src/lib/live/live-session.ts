import type Redis from 'ioredis';
import { KeyScheme, LiveEvent, LiveFailureCode, LiveSessionOptions, LiveWord } from '@streamscribe/contracts';
import { LiveAssignment, LiveAudioLogReader, LiveWorkerStore } from '@streamscribe/live';
import type { Logger } from '@streamscribe/observability';
import type { ProviderOutcome } from '@streamscribe/provider-health';
import {
  LiveConnection,
  LiveTranscriber,
  LiveTranscriberEvent,
  ProviderError,
} from '@streamscribe/providers';
import { liveMetrics } from './live-metrics';
import { SessionClock } from './session-clock';

/** How a live worker serves its sessions (from WorkerEnvironment's LIVE_* settings). */
export interface LiveWorkerSettings {
  /** The session lease's time to live; renewed every third of it. */
  leaseMs: number;
  /** Audio owed an answer for this long, and no answer for as long: the provider stalled. */
  stallMs: number;
  /** How long one read of the audio log (and of the jobs stream) blocks. */
  blockMs: number;
}

export interface LiveSessionDeps {
  store: LiveWorkerStore;
  keys: KeyScheme;
  transcriber: LiveTranscriber;
  /** A fresh connection, for the session's blocking audio-log reads (closed when the session ends). */
  connect: (name: string) => Redis;
  settings: LiveWorkerSettings;
  /** Breakers: live failures of the provider count against it, clean closes for it. */
  health?: { record(outcome: ProviderOutcome): Promise<unknown> };
  logger: Logger;
}

/** How one assignment ended for this worker. */
export type LiveSessionEnd = 'closed' | 'failed' | 'lease_lost' | 'skipped';

/** A word is final already when it ends at or below the finalized offset (float slack). */
const FINALIZED_SLACK_SECONDS = 1e-6;
/** Wait before reading the log again after a Redis error (the lease decides whether to go on). */
const READ_RETRY_MS = 200;

/**
 * One worker's run of one assignment (epoch) of a live session: take the lease, say `started`,
 * open the provider, replay the audio log from the finalized offset and follow it, write what the
 * provider says on the session's clock (finals through the fenced final script), and end in one
 * of four ways: `closed` (the client's CloseStream, every byte finalized), `failed` (the provider
 * dropped, stalled, refused, errored, or the worker drains: the router reassigns), lease lost
 * (reassigned under us: stop writing, say nothing), or skipped (the job was stale).
 *
 * Provider events are written in the order they came, one at a time (`writes`), so a final never
 * overtakes the interim before it and the closed event comes after the last final.
 */
export class LiveSession {
  readonly ended: Promise<LiveSessionEnd>;
  private finish!: (end: LiveSessionEnd) => void;
  private ending = false;
  private options!: LiveSessionOptions;
  private clock!: SessionClock;
  private connection?: LiveConnection;
  private reader?: LiveAudioLogReader;
  private writes: Promise<void> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  /** The session's finalized offset as this worker last wrote (or read) it. */
  private finalizedBytes = 0;
  /** Audio bytes sent on this connection. */
  private sentBytes = 0;
  /** Log entries sent and not yet wholly finalized: where the log may be trimmed. */
  private sentEntries: { id: string; offset: number }[] = [];
  /** End of the provider's latest result, in seconds of this connection. */
  private lastResultEnd = 0;
  private lastHeardAt = 0;
  private owedSince: number | undefined;
  private readonly log: Logger;

  constructor(
    private readonly deps: LiveSessionDeps,
    readonly assignment: LiveAssignment,
  ) {
    this.ended = new Promise((resolve) => (this.finish = resolve));
    this.log = deps.logger.child({
      session: assignment.ref.sessionId,
      tenant: assignment.ref.tenant,
      epoch: assignment.epoch,
    });
  }

  get provider(): LiveTranscriber['name'] {
    return this.deps.transcriber.name;
  }

  /** Takes the session and serves it; resolves when this worker is done with it. */
  async run(): Promise<LiveSessionEnd> {
    const { store, settings } = this.deps;
    const lease = await store.takeLease(this.assignment, settings.leaseMs);
    if (lease.verdict !== 'taken') {
      this.log.info({ verdict: lease.verdict }, 'live job not taken');
      this.end('skipped');
      return this.ended;
    }
    liveMetrics.taken.inc({ provider: this.provider });
    if (this.ending) {
      // Drained while the lease was being taken: hand it straight back.
      await store.releaseLease(this.assignment);
      return this.ended;
    }
    this.finalizedBytes = lease.finalized ?? 0;
    this.renewLeaseEvery(Math.max(1, Math.floor(settings.leaseMs / 3)));
    const options = parseOptions(lease.options);
    if (!options) {
      await this.fail('provider_refused', 'the session options in its state hash do not parse');
      return this.ended;
    }
    this.options = options;
    this.clock = new SessionClock(options.format, this.finalizedBytes);
    const started = await store.appendEvent(this.assignment, {
      ...this.stamp(),
      type: 'started',
      worker: this.assignment.holder,
      resumeFrom: this.clock.originSeconds,
    });
    if (started === null) this.leaseLost();
    if (this.ending) return this.ended;
    try {
      this.connection = await this.deps.transcriber.open(options, {
        onEvent: (event) => this.onProviderEvent(event),
        onFailure: (error) => void this.fail(codeOfFailure(error), error.message, error),
      });
    } catch (error) {
      const code =
        error instanceof ProviderError && error.kind === 'permanent' ? 'provider_refused' : 'provider_error';
      await this.fail(code, `opening the provider failed: ${messageOf(error)}`, error);
      return this.ended;
    }
    if (this.ending) {
      this.connection.abort();
      return this.ended;
    }
    this.lastHeardAt = Date.now();
    this.watchForStalls();
    const reader = new LiveAudioLogReader(
      this.deps.connect(`live:${this.assignment.holder}:${this.assignment.ref.sessionId}`),
      this.deps.keys.liveAudioLogKey(this.assignment.ref),
      this.finalizedBytes,
      { blockMs: settings.blockMs },
    );
    this.reader = reader;
    void this.pump(reader, this.connection);
    return this.ended;
  }

  /** The worker shuts down: hand the session back (`failed` worker_draining) and release it. */
  drain(): Promise<LiveSessionEnd> {
    return this.fail('worker_draining', 'the worker is shutting down');
  }

  /** Replays the log from the finalized offset, then follows it, until the session ends. */
  private async pump(reader: LiveAudioLogReader, connection: LiveConnection): Promise<void> {
    while (!this.ending) {
      let batch;
      try {
        batch = await reader.read();
      } catch (error) {
        if (this.ending) return;
        this.log.warn({ err: messageOf(error) }, 'reading the audio log failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, READ_RETRY_MS));
        continue;
      }
      for (const id of batch.malformed) {
        liveMetrics.malformedEntries.inc({ provider: this.provider });
        this.log.warn({ entry: id }, 'skipped a malformed audio-log entry');
      }
      for (const entry of batch.entries) {
        if (this.ending) return;
        if (entry.kind === 'audio') {
          if (batch.replay) liveMetrics.replayedBytes.inc({ provider: this.provider }, entry.audio.length);
          this.sentEntries.push({ id: entry.id, offset: entry.offset });
          connection.send(entry.audio);
          this.sentBytes += entry.audio.length;
        } else if (entry.control === 'finalize') {
          connection.finalize();
        } else {
          await this.close(connection, entry.offset);
          return;
        }
      }
    }
  }

  /** CloseStream: the provider's last results, then `closed` (status closed) and the lease back. */
  private async close(connection: LiveConnection, closeOffset: number): Promise<void> {
    const startedAt = Date.now();
    try {
      await connection.close();
    } catch (error) {
      await this.fail('provider_error', `closing the provider failed: ${messageOf(error)}`, error);
      return;
    }
    await this.writes;
    if (this.ending) return;
    this.ending = true;
    this.stopTimers();
    this.reader?.close();
    const closed = await this.deps.store.markClosed(this.assignment, {
      ...this.stamp(),
      type: 'closed',
      duration: this.clock.secondsAt(closeOffset),
    });
    await this.deps.store.releaseLease(this.assignment);
    if (closed === null) {
      liveMetrics.failures.inc({ provider: this.provider, code: 'lease_lost' });
      this.end('lease_lost');
      return;
    }
    this.recordHealth({
      ok: true,
      providerMs: Date.now() - startedAt,
      audioSeconds: this.sentBytes / this.clock.bytesPerSecond,
    });
    this.log.info({ duration: this.clock.secondsAt(closeOffset) }, 'live session closed');
    this.end('closed');
  }

  private onProviderEvent(event: LiveTranscriberEvent): void {
    if (this.ending) return;
    this.lastHeardAt = Date.now();
    if (event.type === 'transcript')
      this.lastResultEnd = Math.max(this.lastResultEnd, event.start + event.duration);
    this.writes = this.writes
      .then(() => this.writeProviderEvent(event))
      .catch((error) => this.log.warn({ err: messageOf(error) }, 'writing a live event failed'));
  }

  private async writeProviderEvent(event: LiveTranscriberEvent): Promise<void> {
    if (this.ending) return;
    const { store } = this.deps;
    if (event.type === 'speech_started') {
      await this.appendOrLose({
        ...this.stamp(),
        type: 'speech_started',
        timestamp: this.clock.toSession(event.timestamp),
      });
      return;
    }
    if (event.type === 'utterance_end') {
      await this.appendOrLose({
        ...this.stamp(),
        type: 'utterance_end',
        lastWordEnd: this.clock.toSession(event.lastWordEnd),
      });
      return;
    }
    if (!event.isFinal && !this.options.interimResults) return;
    const finalizedSeconds = this.clock.secondsAt(this.finalizedBytes);
    const words: LiveWord[] = event.words
      .map((w) => this.clock.word(w))
      .filter((w) => w.end > finalizedSeconds + FINALIZED_SLACK_SECONDS);
    // A result about audio that is final already (a replay's overlap): nothing new to say.
    if (event.words.length > 0 && words.length === 0) return;
    const dropped = words.length < event.words.length;
    const end = this.clock.toSession(event.start + event.duration);
    const start = dropped
      ? Math.max(this.clock.toSession(event.start), finalizedSeconds)
      : this.clock.toSession(event.start);
    const results: LiveEvent & { type: 'results' } = {
      ...this.stamp(),
      type: 'results',
      isFinal: event.isFinal,
      speechFinal: event.speechFinal,
      fromFinalize: event.fromFinalize,
      start,
      duration: Math.max(0, Math.round((end - start) * 1e6) / 1e6),
      transcript: dropped ? words.map((w) => w.punctuatedWord ?? w.word).join(' ') : event.transcript,
      confidence: event.confidence,
      words,
      ...(event.model === undefined ? {} : { model: event.model }),
      ...(event.language === undefined ? {} : { language: event.language }),
    };
    if (!event.isFinal) {
      await this.appendOrLose(results);
      return;
    }
    // Never past what this connection was sent (the provider cannot have heard more).
    const reached = Math.max(
      this.finalizedBytes,
      Math.min(this.clock.bytesAt(end), this.clock.originBytes + this.sentBytes),
    );
    const written = await store.writeFinal(this.assignment, results, reached, this.trimPoint(reached));
    if (written === null) {
      this.leaseLost();
      return;
    }
    this.finalizedBytes = written.finalized;
    liveMetrics.finals.inc({ provider: this.provider });
  }

  private async appendOrLose(event: LiveEvent): Promise<void> {
    if ((await this.deps.store.appendEvent(this.assignment, event)) === null) this.leaseLost();
  }

  /** The first log entry still needed once `finalized` is final (entries before it may go). */
  private trimPoint(finalized: number): string | undefined {
    let keep = -1;
    for (let i = 0; i < this.sentEntries.length && this.sentEntries[i].offset <= finalized; i++) keep = i;
    if (keep < 0) return undefined;
    const id = this.sentEntries[keep].id;
    this.sentEntries.splice(0, keep);
    return id;
  }

  private async fail(code: LiveFailureCode, reason: string, cause?: unknown): Promise<LiveSessionEnd> {
    if (this.ending) return this.ended;
    this.ending = true;
    this.stopTimers();
    this.connection?.abort();
    this.reader?.close();
    liveMetrics.failures.inc({ provider: this.provider, code });
    this.log.warn({ code, reason }, 'live session handed back');
    try {
      await this.writes;
      await this.deps.store.appendEvent(this.assignment, {
        ...this.stamp(),
        type: 'failed',
        worker: this.assignment.holder,
        code,
        reason,
      });
      await this.deps.store.releaseLease(this.assignment);
    } catch (error) {
      // The lease lapses on its own and the router reassigns: nothing is lost.
      this.log.warn({ err: messageOf(error) }, 'could not report the live failure');
    }
    if (code.startsWith('provider_'))
      this.recordHealth({
        ok: false,
        retryAfterMs: cause instanceof ProviderError ? cause.retryAfterMs : undefined,
      });
    this.end('failed');
    return this.ended;
  }

  /** Reassigned (or lapsed) under us: another worker owns it now; write nothing more. */
  private leaseLost(): void {
    if (this.ending) return;
    this.ending = true;
    this.stopTimers();
    this.connection?.abort();
    this.reader?.close();
    liveMetrics.failures.inc({ provider: this.provider, code: 'lease_lost' });
    this.log.warn('live session lease lost; stopped');
    this.end('lease_lost');
  }

  private renewLeaseEvery(intervalMs: number): void {
    this.timers.push(
      setInterval(() => {
        this.deps.store.renewLease(this.assignment, this.deps.settings.leaseMs).then(
          (renewed) => (renewed ? undefined : this.leaseLost()),
          (error) => this.log.warn({ err: messageOf(error) }, 'renewing the live lease failed'),
        );
      }, intervalMs),
    );
  }

  /**
   * Stalled: the provider owes answers for at least stallMs of audio (sent beyond the end of its
   * last result, and beyond what it says it processed), and nothing came from it for stallMs since
   * that became so.
   */
  private watchForStalls(): void {
    const { stallMs } = this.deps.settings;
    this.timers.push(
      setInterval(
        () => {
          const answered = Math.max(this.lastResultEnd, this.connection?.processedSeconds?.() ?? 0);
          const owedMs = (this.sentBytes / this.clock.bytesPerSecond - answered) * 1000;
          if (owedMs < stallMs) {
            this.owedSince = undefined;
            return;
          }
          const now = Date.now();
          this.owedSince ??= now;
          if (now - Math.max(this.owedSince, this.lastHeardAt) >= stallMs)
            void this.fail(
              'provider_stalled',
              `no answer for ${stallMs} ms with ${Math.round(owedMs)} ms of audio owed one`,
            );
        },
        Math.max(10, Math.floor(stallMs / 4)),
      ),
    );
  }

  private stopTimers(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }

  private recordHealth(outcome: ProviderOutcome): void {
    this.deps.health
      ?.record(outcome)
      .catch((error) => this.log.warn({ err: messageOf(error) }, 'recording provider health failed'));
  }

  private stamp(): { epoch: number; provider: LiveTranscriber['name'] } {
    return { epoch: this.assignment.epoch, provider: this.provider };
  }

  private end(how: LiveSessionEnd): void {
    this.finish(how);
  }
}

/** Permanent (credentials, options) → refused; an error status (1011, 5xx) → error; else a drop. */
function codeOfFailure(error: ProviderError): LiveFailureCode {
  if (error.kind === 'permanent') return 'provider_refused';
  return error.statusCode === undefined ? 'provider_dropped' : 'provider_error';
}

function parseOptions(json: string | undefined): LiveSessionOptions | undefined {
  if (!json) return undefined;
  try {
    const options = JSON.parse(json) as LiveSessionOptions;
    const format = options?.format;
    if (!format || !['linear16', 'mulaw'].includes(format.encoding)) return undefined;
    if (!(format.sampleRate > 0) || !(format.channels > 0)) return undefined;
    return options;
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
