import { AssemblyAI } from 'assemblyai';
import type { StreamingSpeechModel, StreamingTranscriber, StreamingWord, TurnEvent } from 'assemblyai';
import type { LiveSessionOptions } from '@streamscribe/contracts';
import { ProviderError } from '../provider-error';
import type {
  LiveConnection,
  LiveConnectionHandlers,
  LiveProviderWord,
  LiveTranscriber,
  LiveTranscriberEvent,
} from '../live/live-transcriber';

export interface AssemblyAILiveOptions {
  apiKey: string;
  /** ASSEMBLYAI_BASE_URL: the streaming URL is derived from it (see assemblyAIStreamingUrl). */
  baseUrl: string;
  /** ASSEMBLYAI_STREAMING_URL: the v3 WebSocket URL, when it is not the derived one. */
  streamingUrl?: string;
  /** Streaming `speech_model` when the session names none. @defaultValue universal-streaming-english */
  speechModel?: string;
  /** Handshake (`Begin`) bound. @defaultValue 5000 */
  connectTimeoutMs?: number;
  /** How long `close()` waits for `Termination`. @defaultValue 10000 */
  terminationTimeoutMs?: number;
}

/** AssemblyAI's streaming models (`speech_model`); any other session model is not for us. */
const STREAMING_MODELS = new Set<string>([
  'universal-streaming-english',
  'universal-streaming-multilingual',
  'u3-rt-pro',
  'whisper-rt',
  'universal-3-5-pro',
  'universal-3-6',
  'universal-3-6-pro',
]);

/** Close and `Error` codes after which the same request cannot succeed: auth, billing, bad config. */
const PERMANENT_CODES = new Set([1008, 3006, 4000, 4001, 4002, 4003, 4101]);
/** AssemblyAI refuses audio messages outside 50–1000 ms (3007). */
const MIN_MESSAGE_MS = 50;
const MAX_MESSAGE_MS = 500;

/**
 * The v3 WebSocket URL for an API base URL: AssemblyAI's own hosts map to their streaming hosts
 * (`api.assemblyai.com` → `streaming.assemblyai.com`, `api.eu.` → `streaming.eu.`); any other
 * host (a proxy, a test fake) serves `/v3/ws` itself, `https` → `wss` (the SDK takes only wss).
 */
export function assemblyAIStreamingUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  const ownHost = /^api\.((?:[a-z]+\.)?assemblyai\.com)$/.exec(url.hostname);
  if (ownHost) return `wss://streaming.${ownHost[1]}/v3/ws`;
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/v3/ws`;
  url.search = '';
  return url.toString();
}

/**
 * AssemblyAI Universal-Streaming (v3) through the official SDK's streaming transcriber
 * (`client.streaming.transcriber`), one SDK connection per assignment, no SDK retries (replay is
 * the live worker's). Partial Turns → interim results; an `end_of_turn` Turn (the formatted one
 * when formatting was asked for) → a final with `speechFinal`; `finalize()` → `ForceEndpoint`
 * (the final that answers it carries `fromFinalize`); `close()` → `Terminate`, resolved on
 * `Termination`. Audio is regrouped into 50–500 ms messages, as AssemblyAI requires.
 */
export class AssemblyAILiveTranscriber implements LiveTranscriber {
  readonly name = 'assemblyai' as const;
  private readonly client: AssemblyAI;
  private readonly websocketBaseUrl: string;

  constructor(private readonly options: AssemblyAILiveOptions) {
    this.client = new AssemblyAI({ apiKey: options.apiKey, baseUrl: options.baseUrl });
    this.websocketBaseUrl = options.streamingUrl || assemblyAIStreamingUrl(options.baseUrl);
  }

  async open(session: LiveSessionOptions, handlers: LiveConnectionHandlers): Promise<LiveConnection> {
    const { format } = session;
    if (format.channels !== 1) {
      throw new ProviderError(`AssemblyAI streaming takes mono audio, not ${format.channels} channels`, {
        provider: this.name,
        kind: 'permanent',
      });
    }
    if (!this.websocketBaseUrl.startsWith('wss://')) {
      throw new ProviderError(
        `AssemblyAI streaming needs a wss:// URL, not ${this.websocketBaseUrl} (set an https ASSEMBLYAI_BASE_URL or ASSEMBLYAI_STREAMING_URL)`,
        { provider: this.name, kind: 'permanent' },
      );
    }
    const formatTurns = session.smartFormat === true || session.punctuate === true;
    let transcriber: StreamingTranscriber;
    try {
      transcriber = this.client.streaming.transcriber({
        websocketBaseUrl: this.websocketBaseUrl,
        sampleRate: format.sampleRate,
        encoding: format.encoding === 'mulaw' ? 'pcm_mulaw' : 'pcm_s16le',
        speechModel: this.modelFor(session),
        formatTurns,
        ...(session.endpointingMs === false ? {} : { minTurnSilence: session.endpointingMs }),
        ...(session.keyterms.length ? { keytermsPrompt: session.keyterms } : {}),
        ...(session.diarize ? { speakerLabels: true } : {}),
        // Heartbeats say how much audio AssemblyAI took in, also over silence, where no Turn comes.
        sessionHeartbeat: true,
        connectTimeout: this.options.connectTimeoutMs ?? 5000,
        maxConnectionRetries: 0,
      });
    } catch (error) {
      throw liveError(error, 'permanent');
    }
    const connection = new AssemblyAILiveConnection(
      transcriber,
      session,
      formatTurns,
      handlers,
      this.options.terminationTimeoutMs ?? 10_000,
    );
    try {
      await transcriber.connect();
    } catch (error) {
      throw liveError(error);
    }
    return connection;
  }

  private modelFor(session: LiveSessionOptions): StreamingSpeechModel {
    if (session.model && STREAMING_MODELS.has(session.model)) return session.model as StreamingSpeechModel;
    if (this.options.speechModel) return this.options.speechModel as StreamingSpeechModel;
    const english = !session.language || /^en([-_]|$)/i.test(session.language);
    return english ? 'universal-streaming-english' : 'universal-streaming-multilingual';
  }
}

class AssemblyAILiveConnection implements LiveConnection {
  private pending = Buffer.alloc(0);
  private readonly minBytes: number;
  private readonly maxBytes: number;
  private readonly frameBytes: number;
  private finalizeAsked = false;
  /** A partial reported words of a turn not yet ended (SpeechStarted once per turn; finalize). */
  private turnStarted = false;
  /** End of the last final, seconds: where an empty final starts. */
  private lastFinalEnd = 0;
  /** Seconds of audio AssemblyAI has answered for: heartbeats and turns' words. */
  private processed = 0;
  private closing?: Promise<void>;
  private done = false;
  private lastError?: { code?: number; message: string };
  private closedWith?: { code: number; reason: string };

  constructor(
    private readonly transcriber: StreamingTranscriber,
    private readonly session: LiveSessionOptions,
    private readonly formatTurns: boolean,
    private readonly handlers: LiveConnectionHandlers,
    private readonly terminationTimeoutMs: number,
  ) {
    const { encoding, sampleRate } = session.format;
    this.frameBytes = encoding === 'linear16' ? 2 : 1;
    const bytesPerMs = (sampleRate * this.frameBytes) / 1000;
    this.minBytes = Math.ceil((MIN_MESSAGE_MS * bytesPerMs) / this.frameBytes) * this.frameBytes;
    this.maxBytes = Math.floor((MAX_MESSAGE_MS * bytesPerMs) / this.frameBytes) * this.frameBytes;
    transcriber.on('turn', (turn) => this.onTurn(turn));
    transcriber.on('heartbeat', (beat) => {
      this.processed = Math.max(this.processed, beat.total_audio_received_ms / 1000);
    });
    transcriber.on('error', (error: Error & { code?: number }) => {
      this.lastError = { code: error.code, message: error.message };
    });
    transcriber.on('close', (code, reason) => this.onClose(code, reason));
  }

  send(audio: Buffer): void {
    if (this.done || this.closing) return;
    this.pending = this.pending.length ? Buffer.concat([this.pending, audio]) : Buffer.from(audio);
    this.flush(false);
  }

  finalize(): void {
    if (this.done || this.closing) return;
    this.flush(false);
    this.guard(() => this.transcriber.forceEndpoint());
    // A turn in progress: its end_of_turn answers the ForceEndpoint. None: AssemblyAI has nothing
    // to end and says nothing, so the answer (Deepgram's empty from_finalize final) is ours.
    if (this.turnStarted) this.finalizeAsked = true;
    else
      this.emit({
        type: 'transcript',
        isFinal: true,
        speechFinal: false,
        fromFinalize: true,
        start: this.lastFinalEnd,
        duration: 0,
        transcript: '',
        confidence: 0,
        words: [],
      });
  }

  /**
   * For the worker's stall check: AssemblyAI sends nothing over silence (no empty Turns), so
   * what it processed comes from its heartbeats (`session_heartbeat`) and the words it reported.
   */
  processedSeconds(): number {
    return this.processed;
  }

  close(): Promise<void> {
    this.closing ??= this.terminate();
    return this.closing;
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    void this.transcriber.close(false).catch(() => undefined);
  }

  /** Sends what is pending in 50–500 ms messages; `end`: the tail too, padded with silence to 50 ms. */
  private flush(end: boolean): void {
    while (this.pending.length >= this.minBytes || (end && this.pending.length > 0)) {
      let size = Math.min(this.pending.length, this.maxBytes);
      size -= size % this.frameBytes;
      if (size === 0) break;
      let message = this.pending.subarray(0, size);
      this.pending = this.pending.subarray(size);
      if (message.length < this.minBytes) {
        const padded = Buffer.alloc(this.minBytes, this.session.format.encoding === 'mulaw' ? 0xff : 0);
        message.copy(padded);
        message = padded;
      }
      // The SDK types audio as an ArrayBuffer: hand it exactly the message's bytes.
      const chunk = message.buffer.slice(message.byteOffset, message.byteOffset + message.length);
      if (!this.guard(() => this.transcriber.sendAudio(chunk))) return;
    }
  }

  private async terminate(): Promise<void> {
    if (this.done) throw this.failure('AssemblyAI connection already ended before close');
    this.flush(true);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.terminationTimeoutMs);
    });
    // 0: the SDK waits for Termination (or the socket's close) without its own bound; ours is above.
    const terminated = this.transcriber.close(true, 0).then(() => 'terminated' as const);
    const outcome = await Promise.race([terminated, timedOut]).finally(() => clearTimeout(timer));
    const closedWith = this.closedWith;
    this.done = true;
    if (outcome === 'timeout') {
      void this.transcriber.close(false).catch(() => undefined);
      throw this.failure(`AssemblyAI sent no Termination within ${this.terminationTimeoutMs} ms`);
    }
    if (closedWith && closedWith.code !== 1000) throw this.failureFor(closedWith.code, closedWith.reason);
  }

  private onTurn(turn: TurnEvent): void {
    if (this.done) return;
    const lastWord = turn.words.at(-1);
    if (lastWord) this.processed = Math.max(this.processed, lastWord.end / 1000);
    if (!turn.end_of_turn) {
      if (turn.words.length === 0) return;
      if (!this.turnStarted && this.session.vadEvents)
        this.emit({ type: 'speech_started', timestamp: turn.words[0].start / 1000 });
      this.turnStarted = true;
      if (this.session.interimResults) this.emit(this.transcript(turn, false));
      return;
    }
    // With formatting asked for, AssemblyAI sends the turn twice: raw, then formatted.
    if (this.formatTurns && !turn.turn_is_formatted) return;
    const final = this.transcript(turn, true);
    this.emit(final);
    this.turnStarted = false;
    if (final.type === 'transcript' && final.words.length) {
      this.lastFinalEnd = final.start + final.duration;
      if (this.session.utteranceEndMs !== undefined)
        this.emit({ type: 'utterance_end', lastWordEnd: this.lastFinalEnd });
    }
  }

  private transcript(turn: TurnEvent, isFinal: boolean): LiveTranscriberEvent {
    const words = turn.words.map(toWord);
    const start = words.length ? words[0].start : this.lastFinalEnd;
    const end = words.length ? words[words.length - 1].end : start;
    const fromFinalize = isFinal && this.finalizeAsked;
    if (isFinal) this.finalizeAsked = false;
    return {
      type: 'transcript',
      isFinal,
      speechFinal: isFinal,
      fromFinalize,
      start,
      duration: Math.max(0, end - start),
      transcript: isFinal ? turn.transcript : words.map((w) => w.punctuatedWord ?? w.word).join(' '),
      confidence: words.length ? words.reduce((sum, w) => sum + w.confidence, 0) / words.length : 0,
      words,
      ...(turn.language_code ? { language: turn.language_code } : {}),
    };
  }

  private onClose(code: number, reason: string): void {
    this.closedWith = { code, reason };
    if (this.done || this.closing) return;
    this.done = true;
    this.handlers.onFailure(this.failureFor(code, reason));
  }

  private emit(event: LiveTranscriberEvent): void {
    this.handlers.onEvent(event);
  }

  /** Runs a send; a socket that is gone is reported by its close, so the throw is swallowed. */
  private guard(send: () => void): boolean {
    try {
      send();
      return true;
    } catch {
      return false;
    }
  }

  private failureFor(code: number, reason: string): ProviderError {
    const errorCode = this.lastError?.code ?? code;
    const detail = this.lastError?.message ?? (reason || 'no reason given');
    const kind = PERMANENT_CODES.has(errorCode) ? 'permanent' : 'retryable';
    const what = code === 1000 ? 'closed the stream unasked' : `closed the stream with ${code}`;
    return new ProviderError(`AssemblyAI ${what}: ${detail}`, {
      provider: 'assemblyai',
      kind,
      closeCode: errorCode,
    });
  }

  private failure(message: string): ProviderError {
    return new ProviderError(message, { provider: 'assemblyai', kind: 'retryable' });
  }
}

/** A failed `connect()` (or SDK setup): codes from the `Error` frame or the close decide the kind. */
function liveError(error: unknown, fallback: 'retryable' | 'permanent' = 'retryable'): ProviderError {
  if (error instanceof ProviderError) return error;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const numeric = typeof code === 'number' ? code : undefined;
  const kind = numeric !== undefined ? (PERMANENT_CODES.has(numeric) ? 'permanent' : 'retryable') : fallback;
  const hint = numeric === 4001 ? ' (check ASSEMBLYAI_API_KEY)' : '';
  return new ProviderError(`AssemblyAI streaming refused the connection: ${message}${hint}`, {
    provider: 'assemblyai',
    kind,
    closeCode: numeric,
    cause: error,
  });
}

function toWord(word: StreamingWord): LiveProviderWord {
  const plain = word.text.replace(/^[^\p{L}\p{N}']+|[^\p{L}\p{N}']+$/gu, '').toLowerCase();
  return {
    word: plain || word.text,
    ...(plain !== word.text ? { punctuatedWord: word.text } : {}),
    start: word.start / 1000,
    end: word.end / 1000,
    confidence: word.confidence,
    ...(speakerNumber(word.speaker) === undefined ? {} : { speaker: speakerNumber(word.speaker) }),
  };
}

/** AssemblyAI labels speakers A, B, C …; the fabric numbers them from 0, as Deepgram does. */
function speakerNumber(label: string | undefined): number | undefined {
  return label && /^[A-Z]$/.test(label) ? label.charCodeAt(0) - 65 : undefined;
}
