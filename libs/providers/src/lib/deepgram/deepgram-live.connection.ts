import type { Deepgram, DeepgramClient } from '@deepgram/sdk';
import { kindForStatus, ProviderError } from '../provider-error';
import type { LiveConnection, LiveConnectionHandlers, LiveTranscriberEvent } from '../live/live-transcriber';
import { clamp01 } from '../shared/clamp01';

export type DeepgramListenSocket = Awaited<ReturnType<DeepgramClient['listen']['v1']['connect']>>;
type DeepgramLiveMessage =
  | Deepgram.listen.ListenV1Results
  | Deepgram.listen.ListenV1Metadata
  | Deepgram.listen.ListenV1UtteranceEnd
  | Deepgram.listen.ListenV1SpeechStarted;

export interface DeepgramLiveConnectionSettings {
  keepAliveMs: number;
  closeTimeoutMs: number;
  /** The model asked for: reported on every transcript (Deepgram's `model_info` names are internal). */
  model: string;
  language?: string;
}

/** What the `ws` library says when the upgrade is answered with an HTTP status instead of 101. */
const HANDSHAKE_STATUS = /Unexpected server response: (\d{3})/;
/** Deepgram closes with 1008 when it refuses the audio or the request (DATA-0000); retrying will not help. */
const POLICY_VIOLATION = 1008;
const NORMAL_CLOSURE = 1000;

type State = 'opening' | 'open' | 'closing' | 'done';

/**
 * One live socket to Deepgram through the SDK (`listen.v1.connect`, its reconnects off: after a
 * drop the live worker replays the session's audio log from what is finalized, so a silent SDK
 * reconnect would lose or repeat audio). It sends `KeepAlive` while no audio flows, maps
 * Deepgram's messages to `LiveTranscriberEvent`s, and reports the first failure once.
 *
 * The SDK reports a socket error as a close (code 1000) followed by the error, so an unexpected
 * close is judged one turn later, with the error's message when one came.
 */
export class DeepgramLiveConnection implements LiveConnection {
  private state: State = 'opening';
  private keepAlive?: NodeJS.Timeout;
  private closeTimer?: NodeJS.Timeout;
  private lastError?: string;
  private requestId?: string;
  private opened!: { resolve: () => void; reject: (error: ProviderError) => void };
  /** What `close()` returns, settled by Deepgram's 1000 close (or the failure that came instead). */
  private closing: Promise<void> = Promise.resolve();
  private closed?: { resolve: () => void; reject: (error: ProviderError) => void };

  private constructor(
    private readonly socket: DeepgramListenSocket,
    private readonly handlers: LiveConnectionHandlers,
    private readonly settings: DeepgramLiveConnectionSettings,
  ) {}

  /** Connects the socket; resolves once it is open, rejects with a classified ProviderError. */
  static open(
    socket: DeepgramListenSocket,
    handlers: LiveConnectionHandlers,
    settings: DeepgramLiveConnectionSettings,
  ): Promise<DeepgramLiveConnection> {
    const connection = new DeepgramLiveConnection(socket, handlers, settings);
    return new Promise<DeepgramLiveConnection>((resolve, reject) => {
      connection.opened = { resolve: () => resolve(connection), reject };
      socket.on('open', () => connection.onOpen());
      socket.on('message', (message) => connection.onMessage(message));
      socket.on('error', (error) => connection.onError(error));
      socket.on('close', (event) => connection.onClose(event.code, event.reason));
      socket.connect();
    });
  }

  send(audio: Buffer): void {
    if (this.state !== 'open') return;
    this.transmit(() => this.socket.sendMedia(audio));
    this.armKeepAlive();
  }

  finalize(): void {
    if (this.state !== 'open') return;
    this.transmit(() => this.socket.sendFinalize({ type: 'Finalize' }));
    this.armKeepAlive();
  }

  close(): Promise<void> {
    if (this.state === 'done') return Promise.resolve();
    if (this.state === 'closing') return this.closing;
    this.state = 'closing';
    clearTimeout(this.keepAlive);
    this.closing = new Promise<void>((resolve, reject) => (this.closed = { resolve, reject }));
    this.closeTimer = setTimeout(() => {
      const seconds = this.settings.closeTimeoutMs / 1000;
      this.fail(retryable(`Deepgram sent no close within ${seconds} s of CloseStream`, this.requestId));
    }, this.settings.closeTimeoutMs);
    this.transmit(() => this.socket.sendCloseStream({ type: 'CloseStream' }));
    return this.closing;
  }

  abort(): void {
    if (this.state === 'done') return;
    this.finish();
  }

  private onOpen(): void {
    if (this.state !== 'opening') return;
    this.state = 'open';
    this.armKeepAlive();
    this.opened.resolve();
  }

  private onMessage(message: DeepgramLiveMessage): void {
    if (this.state === 'done' || this.state === 'opening') return;
    const event = this.toEvent(message);
    if (event) this.handlers.onEvent(event);
  }

  private onError(error: Error): void {
    this.lastError = error.message;
    if (this.state === 'opening') this.fail(handshakeError(error.message));
  }

  private onClose(code: number, reason: string): void {
    if (this.state === 'done') return;
    if (this.state === 'closing' && code === NORMAL_CLOSURE && this.lastError === undefined) {
      // Wait a turn: the SDK reports an error as a 1000 close followed by the error itself.
      setImmediate(() => {
        if (this.state !== 'closing' || this.lastError !== undefined) return this.onClose(code, reason);
        const closed = this.closed;
        this.finish();
        closed?.resolve();
      });
      return;
    }
    setImmediate(() => {
      if (this.state === 'done') return;
      if (this.state === 'opening') {
        return this.fail(handshakeError(this.lastError ?? `closed before it opened (${code})`));
      }
      this.fail(closeError(code, reason, this.lastError, this.requestId));
    });
  }

  private toEvent(message: DeepgramLiveMessage): LiveTranscriberEvent | undefined {
    if (message.type === 'SpeechStarted') return { type: 'speech_started', timestamp: message.timestamp };
    if (message.type === 'UtteranceEnd') return { type: 'utterance_end', lastWordEnd: message.last_word_end };
    if (message.type === 'Metadata') {
      this.requestId = message.request_id;
      return undefined;
    }
    if (message.type !== 'Results') return undefined;
    this.requestId ??= message.metadata?.request_id;
    const best = message.channel?.alternatives?.[0];
    return {
      type: 'transcript',
      isFinal: message.is_final ?? false,
      speechFinal: message.speech_final ?? false,
      fromFinalize: message.from_finalize ?? false,
      start: message.start,
      duration: message.duration,
      transcript: best?.transcript ?? '',
      confidence: clamp01(best?.confidence ?? 0),
      words: (best?.words ?? []).map((w) => ({
        word: w.word,
        ...(w.punctuated_word === undefined ? {} : { punctuatedWord: w.punctuated_word }),
        start: w.start,
        end: w.end,
        confidence: clamp01(w.confidence),
        ...(w.speaker === undefined ? {} : { speaker: w.speaker }),
      })),
      model: this.settings.model,
      language: best?.languages?.[0] ?? this.settings.language,
    };
  }

  /** A `KeepAlive` once no audio went out for `keepAliveMs`. */
  private armKeepAlive(): void {
    clearTimeout(this.keepAlive);
    this.keepAlive = setTimeout(() => {
      if (this.state !== 'open') return;
      this.transmit(() => this.socket.sendKeepAlive({ type: 'KeepAlive' }));
      this.armKeepAlive();
    }, this.settings.keepAliveMs);
    this.keepAlive.unref();
  }

  /**
   * Sends unless the socket already closed: the SDK throws on a closed socket, and its close is
   * reported (as a failure, or the end after CloseStream) by the close handler, a turn later.
   */
  private transmit(send: () => void): void {
    if (this.socket.readyState !== this.socket.socket.OPEN) return;
    send();
  }

  /** Reports the first failure (rejecting `open()` or `close()` when one waits), once. */
  private fail(error: ProviderError): void {
    if (this.state === 'done') return;
    const { state, closed } = this;
    this.finish();
    if (state === 'opening') return this.opened.reject(error);
    this.handlers.onFailure(error);
    closed?.reject(error);
  }

  private finish(): void {
    this.state = 'done';
    clearTimeout(this.keepAlive);
    clearTimeout(this.closeTimer);
    try {
      this.socket.close();
    } catch {
      // Already closed.
    }
  }
}

function handshakeError(message: string): ProviderError {
  const status = HANDSHAKE_STATUS.exec(message)?.[1];
  if (status === undefined) {
    const detail = message === 'TIMEOUT' ? 'timed out opening the live socket' : message;
    return retryable(`Deepgram live unreachable: ${detail}`);
  }
  const statusCode = Number(status);
  const hint = statusCode === 401 || statusCode === 403 ? ' (check DEEPGRAM_API_KEY)' : '';
  return new ProviderError(`Deepgram refused the live socket: ${statusCode}${hint}`, {
    provider: 'deepgram',
    kind: kindForStatus(statusCode),
    statusCode,
  });
}

function closeError(
  code: number,
  reason: string,
  error: string | undefined,
  requestId?: string,
): ProviderError {
  const detail = [reason, error].filter(Boolean).join('; ');
  const message = `Deepgram closed the live socket with ${code}${detail ? `: ${detail}` : ''}`;
  return new ProviderError(message, {
    provider: 'deepgram',
    kind: code === POLICY_VIOLATION ? 'permanent' : 'retryable',
    closeCode: code,
    requestId,
  });
}

function retryable(message: string, requestId?: string): ProviderError {
  return new ProviderError(message, { provider: 'deepgram', kind: 'retryable', requestId });
}
