import { encodeWav } from '@streamscribe/audio';
import type { LiveSessionOptions } from '@streamscribe/contracts';
import {
  LinearResampler,
  type SpeechEvent,
  SpeechSegmenter,
  type StreamingVad,
  type VadFrame,
  VAD_SAMPLE_RATE,
  downmix,
  linear16ToFloat32,
  mulawToFloat32,
} from '@streamscribe/vad';
import { ProviderError } from '../provider-error';
import type { ProviderTranscript, TranscriptionProvider } from '../transcription-provider';
import type { LiveConnection, LiveConnectionHandlers, LiveTranscriberEvent } from './live-transcriber';
import { SampleWindow } from './sample-window';
import type { ResolvedSegmentingSettings } from './segmenting-live.transcriber';

/** Audio without speech is covered by an empty final once this much of it piled up (like Deepgram). */
const SILENCE_FINAL_MS = 1000;
const SAMPLES_PER_MS = VAD_SAMPLE_RATE / 1000;
/** A forced cut (LIVE_MAX_UTTERANCE_MS) looks this far back for a pause. */
const FORCED_CUT_SEARCH_MS = 1000;

type Final = { speechFinal: boolean; fromFinalize: boolean };

/**
 * One live connection over a batch provider. Audio is decoded to 16 kHz mono (what the VAD and
 * the decode both get), scored by Silero, segmented; everything after `send` runs on one queue in
 * arrival order, and decodes on a second queue, one at a time, so results come out in order.
 * Times are milliseconds of 16 kHz audio from the connection's first byte.
 */
export class SegmentingConnection implements LiveConnection {
  private readonly segmenter: SpeechSegmenter;
  private readonly resampler: LinearResampler;
  private readonly bytesPerFrame: number;
  private leftover = Buffer.alloc(0);
  /** The 16 kHz audio an open or coming utterance may still need. */
  private readonly audio = new SampleWindow();
  /** The open utterance's start, ms; undefined between utterances. */
  private utteranceStartMs?: number;
  /** End of the last final: results never cover audio before it again. */
  private finalizedMs = 0;
  private lastInterimAtMs = 0;
  /** The VAD's frames of the last FORCED_CUT_SEARCH_MS, for a forced cut's place. */
  private recentFrames: VadFrame[] = [];
  private lastWordEndMs?: number;
  private utteranceEndSent = true;
  private processing: Promise<void> = Promise.resolve();
  private decoding: Promise<void> = Promise.resolve();
  /** End of each queued decode's audio, oldest first. */
  private readonly pendingEnds: number[] = [];
  private state: 'open' | 'closing' | 'closed' | 'failed' | 'aborted' = 'open';
  private failure?: ProviderError;
  private closed?: Promise<void>;

  constructor(
    private readonly provider: TranscriptionProvider,
    private readonly vad: StreamingVad,
    private readonly options: LiveSessionOptions,
    private readonly settings: ResolvedSegmentingSettings,
    private readonly handlers: LiveConnectionHandlers,
  ) {
    const endpointMs =
      options.endpointingMs === false
        ? settings.vad.minSilenceMs
        : Math.max(options.endpointingMs, settings.vad.minSilenceMs);
    this.segmenter = new SpeechSegmenter({ ...settings.vad, minSilenceMs: endpointMs });
    this.resampler = new LinearResampler(options.format.sampleRate, VAD_SAMPLE_RATE);
    this.bytesPerFrame = (options.format.encoding === 'linear16' ? 2 : 1) * options.format.channels;
  }

  send(audio: Buffer): void {
    if (this.state !== 'open' || audio.length === 0) return;
    void this.enqueue(() => this.ingest(audio));
  }

  finalize(): void {
    if (this.state !== 'open') return;
    void this.enqueue(async () => this.finalizeNow());
  }

  close(): Promise<void> {
    if (this.closed) return this.closed;
    if (this.state !== 'open')
      return this.state === 'failed' ? Promise.reject(this.failure) : Promise.resolve();
    this.state = 'closing';
    this.closed = this.enqueue(() => this.drain()).then(() => {
      if (this.failure) throw this.failure;
      if (this.state === 'closing') this.state = 'closed';
    });
    return this.closed;
  }

  /**
   * Seconds of audio dealt with: up to the oldest decode still running (its result is owed), else
   * as far as the VAD got (silence and speech waiting for its endpoint owe nothing yet). A hung
   * decode or VAD stops this, so the worker's stall watch sees it.
   */
  processedSeconds(): number {
    return (this.pendingEnds[0] ?? this.segmenter.positionMs) / 1000;
  }

  /** Resolves once everything sent so far went through the VAD and the segmenter (decodes may still run). */
  async whenSegmented(): Promise<void> {
    await this.processing;
  }

  /** Resolves once everything sent so far is segmented and its decodes have reported. */
  async whenIdle(): Promise<void> {
    await this.processing;
    await this.decoding;
  }

  abort(): void {
    if (this.state === 'open' || this.state === 'closing') this.state = 'aborted';
  }

  private get live(): boolean {
    return this.state === 'open' || this.state === 'closing';
  }

  private get positionMs(): number {
    return this.audio.total / SAMPLES_PER_MS;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.processing.then(() => (this.live ? work() : undefined));
    this.processing = next.catch((error) => this.fail(error));
    return this.processing;
  }

  private async ingest(bytes: Buffer): Promise<void> {
    const samples = this.decode(bytes);
    this.append(samples);
    const frames = await this.vad.push(samples);
    this.recentFrames.push(...frames);
    this.onSpeechEvents(this.segmenter.push(frames));
    this.afterAudio();
  }

  private async finalizeNow(): Promise<void> {
    const endMs = this.positionMs;
    const open = this.segmenter.openStartMs;
    const startMs =
      this.utteranceStartMs ?? (open === undefined ? undefined : Math.max(open, this.finalizedMs));
    if (startMs === undefined) this.emptyFinal(endMs, { speechFinal: false, fromFinalize: true });
    else this.decodeFinal(startMs, endMs, { speechFinal: false, fromFinalize: true });
    if (this.utteranceStartMs !== undefined) this.utteranceStartMs = endMs;
  }

  /** Close: the VAD's last window, the open segment's end, a final for the tail, every decode done. */
  private async drain(): Promise<void> {
    const frames = await this.vad.flush();
    this.onSpeechEvents(this.segmenter.push(frames));
    // Speech cut off by the end of the audio is not an endpoint.
    this.onSpeechEvents(this.segmenter.flush(), false);
    if (this.utteranceStartMs !== undefined)
      this.decodeFinal(this.utteranceStartMs, this.positionMs, { speechFinal: false, fromFinalize: false });
    else if (this.positionMs > this.finalizedMs)
      this.emptyFinal(this.positionMs, { speechFinal: false, fromFinalize: false });
    await this.decoding;
  }

  private decode(bytes: Buffer): Float32Array {
    const all = this.leftover.length > 0 ? Buffer.concat([this.leftover, bytes]) : bytes;
    const whole = all.length - (all.length % this.bytesPerFrame);
    this.leftover = Buffer.from(all.subarray(whole));
    const body = all.subarray(0, whole);
    const samples =
      this.options.format.encoding === 'linear16' ? linear16ToFloat32(body) : mulawToFloat32(body);
    return this.resampler.push(downmix(samples, this.options.format.channels));
  }

  private append(samples: Float32Array): void {
    this.audio.append(samples);
  }

  private onSpeechEvents(events: SpeechEvent[], endpoint = true): void {
    for (const event of events) {
      if (event.type === 'speech_start') {
        this.utteranceStartMs = Math.max(event.startMs, this.finalizedMs);
        this.lastInterimAtMs = this.segmenter.positionMs;
        if (this.options.vadEvents)
          this.emit({ type: 'speech_started', timestamp: this.utteranceStartMs / 1000 });
        continue;
      }
      const startMs = this.utteranceStartMs ?? Math.max(event.startMs, this.finalizedMs);
      this.utteranceStartMs = undefined;
      this.decodeFinal(startMs, Math.max(event.endMs, startMs), {
        speechFinal: endpoint && this.options.endpointingMs !== false,
        fromFinalize: false,
      });
    }
  }

  private afterAudio(): void {
    const positionMs = this.segmenter.positionMs;
    const start = this.utteranceStartMs;
    if (start !== undefined && positionMs - start >= this.settings.maxUtteranceMs) {
      const cutMs = this.quietestRecentMs(start);
      this.decodeFinal(start, cutMs, { speechFinal: false, fromFinalize: false });
      this.utteranceStartMs = cutMs;
    } else if (
      start !== undefined &&
      this.options.interimResults &&
      this.segmenter.speaking &&
      this.pendingEnds.length === 0 &&
      positionMs - this.lastInterimAtMs >= this.settings.interimIntervalMs
    ) {
      this.lastInterimAtMs = positionMs;
      this.decodeInterim(start, positionMs);
    }
    if (start === undefined && !this.segmenter.inSpeech) {
      // A segment that starts later begins at a frame not scored yet, padded back at most this far.
      const coverableMs = positionMs - this.settings.vad.speechPadMs;
      if (coverableMs - this.finalizedMs >= SILENCE_FINAL_MS)
        this.emptyFinal(coverableMs, { speechFinal: false, fromFinalize: false });
    }
    this.utteranceEndIfDue(positionMs);
    this.trim();
    const keepFrom = positionMs - FORCED_CUT_SEARCH_MS;
    if (this.recentFrames.length > 0 && this.recentFrames[0].startMs < keepFrom)
      this.recentFrames = this.recentFrames.filter((f) => f.startMs >= keepFrom);
  }

  /**
   * Where to cut an utterance that ran too long: the end of the least speech-like frame of the
   * last second (a pause between words, most likely), so the cut splits as few words as it can.
   */
  private quietestRecentMs(utteranceStartMs: number): number {
    const from = this.segmenter.positionMs - FORCED_CUT_SEARCH_MS;
    let best: VadFrame | undefined;
    for (const frame of this.recentFrames)
      if (
        frame.startMs >= from &&
        frame.startMs > utteranceStartMs &&
        (!best || frame.probability < best.probability)
      )
        best = frame;
    return best?.endMs ?? this.segmenter.positionMs;
  }

  private utteranceEndIfDue(positionMs: number): void {
    const after = this.options.utteranceEndMs;
    if (after === undefined || this.utteranceEndSent || this.lastWordEndMs === undefined) return;
    if (this.segmenter.inSpeech || positionMs - this.lastWordEndMs < after) return;
    this.utteranceEndSent = true;
    this.emit({ type: 'utterance_end', lastWordEnd: this.lastWordEndMs / 1000 });
  }

  /** Keeps what an open or coming utterance may still need; the rest is finalized or silence. */
  private trim(): void {
    const keepFromMs = Math.min(
      this.utteranceStartMs ?? Infinity,
      this.segmenter.openStartMs ?? Infinity,
      this.segmenter.positionMs - this.settings.vad.speechPadMs,
    );
    this.audio.dropBefore(Math.floor(keepFromMs * SAMPLES_PER_MS));
  }

  private slice(startMs: number, endMs: number): Float32Array {
    return this.audio.slice(Math.round(startMs * SAMPLES_PER_MS), Math.round(endMs * SAMPLES_PER_MS));
  }

  private decodeInterim(startMs: number, endMs: number): void {
    this.schedule(this.slice(startMs, endMs), startMs, endMs, undefined);
  }

  private decodeFinal(startMs: number, endMs: number, final: Final): void {
    this.finalizedMs = Math.max(this.finalizedMs, endMs);
    this.schedule(this.slice(startMs, endMs), startMs, endMs, final);
  }

  private emptyFinal(endMs: number, final: Final): void {
    const startMs = this.finalizedMs;
    this.finalizedMs = Math.max(this.finalizedMs, endMs);
    this.schedule(undefined, startMs, endMs, final);
  }

  /** Queues a decode (or an empty final) behind the ones before it: results stay in order. */
  private schedule(audio: Float32Array | undefined, startMs: number, endMs: number, final?: Final): void {
    this.pendingEnds.push(endMs);
    this.decoding = this.decoding
      .then(async () => {
        if (!this.live) return;
        const transcript = audio && audio.length > 0 ? await this.transcribe(audio) : undefined;
        this.emitResult(startMs, endMs, transcript, final);
      })
      .catch((error) => this.fail(error))
      .finally(() => this.pendingEnds.shift());
  }

  private transcribe(audio: Float32Array): Promise<ProviderTranscript> {
    const pcm = Buffer.alloc(audio.length * 2);
    audio.forEach((value, i) =>
      pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(value * 32768))), i * 2),
    );
    return this.provider.transcribe({
      audio: encodeWav(pcm, { sampleRate: VAD_SAMPLE_RATE, channels: 1 }),
      format: 'wav',
      sampleRate: VAD_SAMPLE_RATE,
      channels: 1,
      language: this.options.language,
      options: {
        punctuate: this.options.punctuate,
        smartFormat: this.options.smartFormat,
        diarize: this.options.diarize,
        keywords: this.options.keyterms.length > 0 ? this.options.keyterms : undefined,
      },
    });
  }

  private emitResult(
    startMs: number,
    endMs: number,
    transcript: ProviderTranscript | undefined,
    final?: Final,
  ): void {
    const offset = startMs / 1000;
    const duration = (endMs - startMs) / 1000;
    const words = (transcript?.words ?? []).map((w) => ({
      word: w.word,
      start: offset + Math.min(Math.max(w.start, 0), duration),
      end: offset + Math.min(Math.max(w.end, 0), duration),
      confidence: w.confidence,
      ...(w.speaker === undefined ? {} : { speaker: w.speaker }),
    }));
    if (final && words.length > 0) {
      this.lastWordEndMs = words[words.length - 1].end * 1000;
      this.utteranceEndSent = false;
    }
    this.emit({
      type: 'transcript',
      isFinal: final !== undefined,
      speechFinal: final?.speechFinal ?? false,
      fromFinalize: final?.fromFinalize ?? false,
      start: offset,
      duration,
      transcript: transcript?.text.trim() ?? '',
      confidence: transcript && words.length > 0 ? transcript.confidence : 0,
      words,
      ...(transcript?.model ? { model: transcript.model } : {}),
      ...(transcript?.language ? { language: transcript.language } : {}),
    });
  }

  private emit(event: LiveTranscriberEvent): void {
    if (this.live) this.handlers.onEvent(event);
  }

  private fail(error: unknown): void {
    if (!this.live) return;
    const closing = this.state === 'closing';
    this.failure =
      error instanceof ProviderError
        ? error
        : new ProviderError(`${this.provider.name} live: ${String(error)}`, {
            provider: this.provider.name,
            kind: 'retryable',
            cause: error,
          });
    this.state = 'failed';
    // A close in progress rejects with the failure instead.
    if (!closing) this.handlers.onFailure(this.failure);
  }
}
