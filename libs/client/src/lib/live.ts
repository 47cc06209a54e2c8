import { ConnectionError, StreamscribeError, errorFromResponse } from './errors';
import { buildQuery, defaultSleep } from './http';

/** What live() needs of a WebSocket class (the browser's, Node 22's, or the `ws` package's). */
export type WebSocketLike = new (url: string, protocols?: string | string[]) => WebSocketInstance;

export interface WebSocketInstance {
  readyState: number;
  binaryType: string;
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface LiveOptions {
  /** linear16 (default) or mulaw. */
  encoding?: 'linear16' | 'mulaw';
  sampleRate?: number;
  channels?: number;
  interimResults?: boolean;
  language?: string;
  model?: string;
  punctuate?: boolean;
  smartFormat?: boolean;
  diarize?: boolean;
  vadEvents?: boolean;
  endpointing?: number | false;
  utteranceEndMs?: number;
  keyterms?: string[];
  provider?: string;
  fallback?: string | string[];
  /** Resume this live session (from a previous LiveStream's `sessionId`) … */
  session?: string;
  /** … after this event id (`streamscribe.event_id` of the last result you have). */
  resumeAfter?: string;
  /** Reconnect (with session + resume_after) when the socket drops unexpectedly; default true. */
  reconnect?: boolean;
  /** Reconnects in a row before giving up (default 5). */
  maxReconnects?: number;
  /** First wait before reconnecting, doubled each time (default 250 ms). */
  reconnectDelayMs?: number;
}

export interface StreamscribeStamp {
  provider: string;
  epoch: number;
  event_id: string;
  session_id: string;
}

export interface LiveWord {
  word: string;
  start: number;
  end: number;
  confidence: number;
  punctuated_word?: string;
  speaker?: number;
}

/** Deepgram's Results, with our stamp. */
export interface LiveResults {
  type: 'Results';
  start: number;
  duration: number;
  is_final: boolean;
  speech_final: boolean;
  from_finalize?: boolean;
  channel: { alternatives: Array<{ transcript: string; confidence: number; words: LiveWord[] }> };
  metadata?: Record<string, unknown>;
  streamscribe: StreamscribeStamp;
}

export interface LiveFailover {
  type: 'Failover';
  from: string;
  to: string;
  reason: string;
  message: string;
  resume_from: number;
  streamscribe: StreamscribeStamp;
}

/** Everything the socket says: Results, Failover, SpeechStarted, UtteranceEnd, Metadata, … */
export type LiveMessage =
  | LiveResults
  | LiveFailover
  | { type: 'SpeechStarted' | 'UtteranceEnd' | 'Metadata' | string; [field: string]: unknown };

const OPEN = 1;
const NORMAL = 1000;
const POLICY = 1008;

async function resolveWebSocket(given?: WebSocketLike): Promise<WebSocketLike> {
  if (given) return given;
  const global = (globalThis as { WebSocket?: WebSocketLike }).WebSocket;
  if (global) return global;
  try {
    const mod = (await import('ws')) as unknown as { default?: WebSocketLike; WebSocket?: WebSocketLike };
    const ctor = mod.WebSocket ?? mod.default;
    if (ctor) return ctor;
  } catch {
    // fall through
  }
  throw new Error('no WebSocket: install the `ws` package (Node 20) or pass options.WebSocket');
}

function listenUrl(
  baseUrl: string,
  options: LiveOptions,
  resume?: { session: string; after?: string },
): string {
  const ws = baseUrl.replace(/\/+$/, '').replace(/^http/i, 'ws');
  const query = {
    encoding: options.encoding ?? 'linear16',
    sample_rate: options.sampleRate ?? 16000,
    channels: options.channels ?? 1,
    interim_results: options.interimResults,
    language: options.language,
    model: options.model,
    punctuate: options.punctuate,
    smart_format: options.smartFormat,
    diarize: options.diarize,
    vad_events: options.vadEvents,
    endpointing: options.endpointing,
    utterance_end_ms: options.utteranceEndMs,
    provider: options.provider,
    fallback: options.fallback,
    session: resume?.session,
    resume_after: resume?.after,
  };
  let url = `${ws}/v1/listen${buildQuery(query)}`;
  for (const term of options.keyterms ?? [])
    url += `${url.includes('?') ? '&' : '?'}keyterm=${encodeURIComponent(term)}`;
  return url;
}

/**
 * A live transcription over `/v1/listen`. Frames you `send` before the socket opens (or while it
 * reconnects) are held and sent once it is open. `results()` yields every message in order and
 * ends after the router closes the stream normally (after `close()`); a socket that drops is
 * reopened with `session` + `resume_after`, so nothing is missed and nothing comes twice.
 */
export class LiveStream {
  /** The live session's id (known after the first message, or at once when resuming). */
  sessionId?: string;
  /** The last event id received: what a resume continues after. */
  lastEventId?: string;
  /** How many times the socket was reopened. */
  reconnects = 0;

  private socket?: WebSocketInstance;
  private readonly pending: Array<string | ArrayBufferLike | ArrayBufferView> = [];
  private readonly queue: LiveMessage[] = [];
  private waiter?: () => void;
  private ended = false;
  private failure?: StreamscribeError;
  private closeRequested = false;
  private failedInRow = 0;
  private readonly ready: Promise<void>;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly options: LiveOptions,
    WebSocketClass?: WebSocketLike,
  ) {
    this.sessionId = options.session;
    this.lastEventId = options.resumeAfter;
    this.ready = resolveWebSocket(WebSocketClass).then(
      (ctor) => this.open(ctor),
      (error: Error) => this.fail(new ConnectionError(error.message, { status: 0, cause: error })),
    );
  }

  /** Sends one audio frame (raw PCM / mulaw bytes). */
  send(frame: ArrayBufferLike | ArrayBufferView): void {
    if (this.closeRequested) throw new Error('live stream closed: no more audio');
    this.deliver(frame);
  }

  /** Asks the provider to finalize what it holds now (Deepgram's Finalize). */
  finalize(): void {
    this.deliver(JSON.stringify({ type: 'Finalize' }));
  }

  /** Keeps an idle stream open. */
  keepAlive(): void {
    this.deliver(JSON.stringify({ type: 'KeepAlive' }));
  }

  /** No more audio: the router finalizes everything, sends the rest and closes (results() ends then). */
  close(): void {
    if (this.closeRequested) return;
    this.deliver(JSON.stringify({ type: 'CloseStream' }));
    this.closeRequested = true;
  }

  /** Drops the socket at once without CloseStream (the session can be resumed later). */
  abort(): void {
    this.closeRequested = true;
    this.ended = true;
    this.socket?.close(NORMAL);
    this.wake();
  }

  async *results(): AsyncGenerator<LiveMessage> {
    await this.ready;
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  private fail(error: StreamscribeError): void {
    this.failure ??= error;
    this.ended = true;
    this.wake();
  }

  private deliver(data: string | ArrayBufferLike | ArrayBufferView): void {
    if (this.socket?.readyState === OPEN && this.pending.length === 0)
      this.socket.send(data as ArrayBufferView);
    else this.pending.push(data);
  }

  private flush(): void {
    while (this.pending.length > 0 && this.socket?.readyState === OPEN)
      this.socket.send(this.pending.shift() as ArrayBufferView);
  }

  private open(ctor: WebSocketLike): void {
    const resume = this.sessionId ? { session: this.sessionId, after: this.lastEventId } : undefined;
    const url = listenUrl(this.baseUrl, this.options, resume);
    const socket = new ctor(url, this.apiKey ? ['token', this.apiKey] : undefined);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    let opened = false;
    // `ws` tells why an upgrade was refused (401, 429, 400 with Deepgram's dg-error).
    const nodeSocket = socket as unknown as {
      on?: (event: string, fn: (...args: unknown[]) => void) => void;
    };
    nodeSocket.on?.('unexpected-response', (_req: unknown, res: unknown) => {
      const response = res as {
        statusCode: number;
        headers: Record<string, string | undefined>;
        resume(): void;
      };
      response.resume();
      const dgError = response.headers['dg-error'];
      let body: unknown = dgError;
      try {
        body = dgError ? JSON.parse(dgError) : undefined;
      } catch {
        // keep the text
      }
      this.fail(
        errorFromResponse(
          response.statusCode,
          body,
          { get: (name: string) => response.headers[name.toLowerCase()] ?? null },
          'GET /v1/listen',
        ),
      );
      (socket as unknown as { terminate?: () => void }).terminate?.();
    });
    nodeSocket.on?.('upgrade', (res: unknown) => {
      const id = (res as { headers: Record<string, string | undefined> }).headers['dg-request-id'];
      if (id) this.sessionId ??= id;
    });
    socket.onopen = () => {
      opened = true;
      this.flush();
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      let message: LiveMessage;
      try {
        message = JSON.parse(event.data) as LiveMessage;
      } catch {
        return;
      }
      const stamp = (message as { streamscribe?: StreamscribeStamp }).streamscribe;
      if (stamp) {
        this.sessionId ??= stamp.session_id;
        this.lastEventId = stamp.event_id;
      }
      this.failedInRow = 0;
      this.queue.push(message);
      this.wake();
    };
    socket.onerror = () => {
      // onclose follows with the code.
    };
    socket.onclose = (event) => {
      if (this.ended) return;
      const normal = event.code === NORMAL && this.closeRequested;
      if (normal) {
        this.ended = true;
        this.wake();
        return;
      }
      const reconnect =
        (this.options.reconnect ?? true) && event.code !== POLICY && this.sessionId !== undefined;
      if (!reconnect || this.failedInRow >= (this.options.maxReconnects ?? 5)) {
        this.fail(
          new ConnectionError(
            `live socket closed (${event.code}${event.reason ? `: ${event.reason}` : ''})${opened ? '' : ' before it opened'}`,
            { status: 0, code: String(event.code) },
          ),
        );
        return;
      }
      this.failedInRow++;
      this.reconnects++;
      const delay = (this.options.reconnectDelayMs ?? 250) * 2 ** (this.failedInRow - 1);
      void defaultSleep(delay).then(() => {
        if (!this.ended) this.open(ctor);
      });
    };
  }
}
