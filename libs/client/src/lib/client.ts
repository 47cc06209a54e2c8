import { StreamscribeError, TimeoutError, ValidationError } from './errors';
import {
  DEFAULT_RETRY,
  FetchLike,
  HttpTransport,
  QueryValue,
  RequestBody,
  RetryPolicy,
  defaultSleep,
} from './http';
import { BatchChunk, CHUNK_BATCH_MEDIA_TYPE, encodeChunkBatch } from './chunk-batch-frames';
import { LiveOptions, LiveStream, WebSocketLike } from './live';
import {
  ApiKeyView,
  ApiKeyWithSecret,
  ChunkAccepted,
  ChunkBatchAccepted,
  DeadLetter,
  RoutingOptions,
  Transcript,
  TranscriptFormat,
} from './types';
import {
  AudioInput,
  UploadProgress,
  canStreamUploads,
  countingStream,
  knownLength,
  leadingBytes,
  sniffContentType,
} from './upload-body';

export interface StreamscribeClientOptions {
  /** The router, e.g. `http://localhost:3000` (no `/v1`). */
  baseUrl: string;
  /** An API key (`ss_…`), sent as `Authorization: Bearer`. */
  apiKey?: string;
  /** Retries of 429/503/no-answer, with backoff (Retry-After when the router sends one). */
  retry?: Partial<RetryPolicy>;
  /** Defaults to the global fetch. */
  fetch?: FetchLike;
  /** A WebSocket class for live(): defaults to globalThis.WebSocket, else the `ws` package. */
  WebSocket?: WebSocketLike;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Called before each retry: the error (RateLimitError, ServiceUnavailableError, ConnectionError), attempt, wait. */
  onRetry?: (error: StreamscribeError, attempt: number, delayMs: number) => void;
}

export interface TranscribeFileOptions extends RoutingOptions {
  /** What the result's `output` holds: json (default), srt, vtt or text. */
  format?: TranscriptFormat;
  /** Defaults to the sniffed type of in-memory bytes (WAV, mp3, ogg, webm, m4a, flac), else audio/wav. */
  contentType?: string;
  /** The body's size when the SDK cannot know it (a stream); lets the router check caps up front. */
  contentLength?: number;
  /** Called as bytes go out. */
  onProgress?: (progress: UploadProgress) => void;
  /** Give the session a name of yours (else the router picks one). */
  sessionId?: string;
  chunkSeconds?: number;
  split?: boolean;
  cuts?: 'fixed' | 'pauses';
  /** Sent as `Idempotency-Key` (a retried upload with the same key is answered, not appended). */
  idempotencyKey?: string;
  /** How long to wait for the transcript in all (default 10 min). */
  timeoutMs?: number;
  /** How often to look again once the router's own wait ran out (default 1 s). */
  pollIntervalMs?: number;
  signal?: AbortSignal;
}

export interface FileTranscription {
  sessionId: string;
  provider: string;
  transcript: Transcript;
  format: TranscriptFormat;
  /** The transcript in `format`: JSON text for json, else the srt/vtt/text body. */
  output: string;
  [extra: string]: unknown;
}

export interface SendChunkOptions extends RoutingOptions {
  /** The chunk's id: the same id on a retry is answered `duplicate: true`, never queued twice. Default: a random UUID, kept across this call's retries. */
  chunkId?: string;
  seq?: number;
  offsetMs?: number;
  contentType?: string;
  signal?: AbortSignal;
}

export interface TranscriptOptions {
  format?: TranscriptFormat;
  after?: string;
  limit?: number;
  signal?: AbortSignal;
}

function routingQuery(o: RoutingOptions): Record<string, QueryValue> {
  return {
    provider: o.provider,
    fallback: o.fallback,
    language: o.language,
    diarize: o.diarize,
    keywords: o.keywords,
    wordTimestamps: o.wordTimestamps,
    realTimeRequired: o.realTimeRequired,
    accuracyCritical: o.accuracyCritical,
    costSensitive: o.costSensitive,
    hedge: o.hedge,
    consensus: o.consensus,
    consensusTimeoutMs: o.consensusTimeoutMs,
  };
}

function randomId(): string {
  return globalThis.crypto.randomUUID();
}

/** One session: chunks in, transcript out. */
export class SessionHandle {
  constructor(
    private readonly http: HttpTransport,
    readonly id: string,
  ) {}

  private path(suffix = ''): string {
    return `/v1/sessions/${encodeURIComponent(this.id)}${suffix}`;
  }

  /**
   * Posts one chunk. 429 and 503 (and no answer) are retried with backoff under the same chunkId,
   * so a chunk the router did take before the failure is not queued twice.
   */
  async sendChunk(
    audio: Uint8Array | ArrayBuffer | Blob,
    options: SendChunkOptions = {},
  ): Promise<ChunkAccepted> {
    const chunkId = options.chunkId ?? randomId();
    const contentType = options.contentType ?? sniffContentType(leadingBytes(audio)) ?? 'audio/wav';
    const answer = await this.http.request<ChunkAccepted>({
      method: 'POST',
      path: this.path('/chunks'),
      query: { ...routingQuery(options), chunkId, seq: options.seq, offsetMs: options.offsetMs },
      headers: { 'content-type': contentType },
      body: audio as RequestBody,
      signal: options.signal,
    });
    return answer.body;
  }

  /**
   * Posts many chunks in one request (the batched ingest, for throughput): one HTTP round trip and
   * one Lua call on the router for all of them. Chunks without an id get a random one, kept across
   * retries (429/503/no answer), so a retried batch answers the chunks already taken `duplicate`.
   * A chunk the router refuses is `rejected` in the answer (status 207), not an exception.
   */
  async sendChunks(
    chunks: readonly BatchChunk[],
    options: RoutingOptions & { signal?: AbortSignal } = {},
  ): Promise<ChunkBatchAccepted> {
    const body = encodeChunkBatch(
      chunks.map((chunk) => ({ ...chunk, chunkId: chunk.chunkId ?? randomId() })),
    );
    const answer = await this.http.request<ChunkBatchAccepted>({
      method: 'POST',
      path: this.path('/chunks/batch'),
      query: routingQuery(options),
      headers: { 'content-type': CHUNK_BATCH_MEDIA_TYPE },
      body: body as RequestBody,
      signal: options.signal,
    });
    return answer.body;
  }

  /** No more chunks: the session completes once each chunk has its result. */
  async end(signal?: AbortSignal): Promise<{ sessionId: string; chunks: number }> {
    return (
      await this.http.request<{ sessionId: string; chunks: number }>({
        method: 'POST',
        path: this.path('/end'),
        signal,
      })
    ).body;
  }

  /** The transcript as JSON (whole, or a page with `after`/`limit`). */
  transcript(options?: TranscriptOptions & { format?: 'json' }): Promise<Transcript>;
  /** The transcript as srt, vtt or text. */
  transcript(options: TranscriptOptions & { format: 'srt' | 'vtt' | 'text' }): Promise<string>;
  async transcript(options: TranscriptOptions = {}): Promise<Transcript | string> {
    const answer = await this.http.request<Transcript | string>({
      method: 'GET',
      path: this.path('/transcript'),
      query: { format: options.format, after: options.after, limit: options.limit },
      signal: options.signal,
    });
    return answer.body;
  }

  /** Polls until the session is complete (or `timeoutMs` runs out: TimeoutError). */
  async waitForTranscript(
    options: { timeoutMs?: number; pollIntervalMs?: number; signal?: AbortSignal } = {},
  ): Promise<Transcript> {
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    for (;;) {
      const transcript = await this.transcript({ signal: options.signal });
      if (transcript.complete) return transcript;
      if (Date.now() >= deadline)
        throw new TimeoutError(`session ${this.id} not complete after ${options.timeoutMs ?? 600_000} ms`, {
          status: 0,
          body: transcript,
        });
      await defaultSleep(options.pollIntervalMs ?? 1000, options.signal);
    }
  }

  /** The consensus report of a consensus session. */
  async consensus(signal?: AbortSignal): Promise<unknown> {
    return (await this.http.request({ method: 'GET', path: this.path('/consensus'), signal })).body;
  }

  /** Removes everything the session left in the router. */
  async delete(signal?: AbortSignal): Promise<unknown> {
    return (await this.http.request({ method: 'DELETE', path: this.path(), signal })).body;
  }
}

export class StreamscribeClient {
  readonly http: HttpTransport;
  readonly keys: KeysApi;
  readonly tenants: TenantsApi;
  readonly deadLetters: DeadLettersApi;
  readonly providers: ProvidersApi;

  constructor(readonly options: StreamscribeClientOptions) {
    const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
    if (!fetchImpl) throw new Error('no fetch: pass options.fetch (Node 18+ and browsers have one)');
    this.http = new HttpTransport({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      fetch: fetchImpl,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      headers: options.headers,
      onRetry: options.onRetry,
    });
    this.keys = new KeysApi(this.http);
    this.tenants = new TenantsApi(this.http);
    this.deadLetters = new DeadLettersApi(this.http);
    this.providers = new ProvidersApi(this.http);
  }

  session(id: string = randomId()): SessionHandle {
    return new SessionHandle(this.http, id);
  }

  /**
   * Uploads a whole file (streamed, counting bytes for `onProgress`), waits for the transcript
   * and returns it, with `output` in the asked format.
   */
  async transcribeFile(data: AudioInput, options: TranscribeFileOptions = {}): Promise<FileTranscription> {
    const format = options.format ?? 'json';
    const totalBytes = options.contentLength ?? knownLength(data);
    const contentType = options.contentType ?? sniffContentType(leadingBytes(data)) ?? 'audio/wav';
    const timeoutMs = options.timeoutMs ?? 600_000;
    const started = Date.now();
    const headers: Record<string, string> = { 'content-type': contentType };
    if (totalBytes !== undefined) headers['content-length'] = String(totalBytes);
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const inMemory = knownLength(data) !== undefined;
    const answer = await this.http.request<{ sessionId: string; provider: string; transcript?: Transcript }>({
      method: 'POST',
      path: '/v1/transcriptions',
      query: {
        ...routingQuery(options),
        wait: true,
        timeoutMs: Math.min(timeoutMs, 300_000),
        sessionId: options.sessionId,
        chunkSeconds: options.chunkSeconds,
        split: options.split,
        cuts: options.cuts,
      },
      headers,
      // A fresh counting stream per attempt: bytes in memory can be sent again after a 429.
      body: inMemory
        ? () => this.uploadBody(data, totalBytes, options.onProgress)
        : countingStream(data, totalBytes, options.onProgress),
      // Only a refusal before anything was queued is safe to repeat without an idempotency key.
      retry: inMemory,
      signal: options.signal,
    });
    if (inMemory && !canStreamUploads()) options.onProgress?.({ sentBytes: totalBytes ?? 0, totalBytes });
    const accepted = answer.body;
    if (!accepted || typeof accepted !== 'object' || !accepted.sessionId)
      throw new ValidationError('the router answered without a session id', {
        status: answer.status,
        body: accepted,
      });
    const session = this.session(accepted.sessionId);
    let transcript = accepted.transcript;
    if (!transcript?.complete)
      transcript = await session.waitForTranscript({
        timeoutMs: Math.max(0, timeoutMs - (Date.now() - started)),
        pollIntervalMs: options.pollIntervalMs,
        signal: options.signal,
      });
    const output =
      format === 'json'
        ? JSON.stringify(transcript, null, 2)
        : await session.transcript({ format, signal: options.signal });
    return {
      ...accepted,
      sessionId: accepted.sessionId,
      provider: accepted.provider,
      transcript,
      format,
      output,
    };
  }

  /**
   * In Node: a stream that counts bytes as they go. In a browser (no streamed uploads over
   * HTTP/1.1): the bytes as they are, progress reported whole once sent.
   */
  private uploadBody(
    data: AudioInput,
    totalBytes: number | undefined,
    onProgress?: (p: UploadProgress) => void,
  ): RequestBody {
    if (canStreamUploads()) return countingStream(data, totalBytes, onProgress);
    onProgress?.({ sentBytes: 0, totalBytes });
    return data as RequestBody;
  }

  /** A live stream over the router's Deepgram-compatible `/v1/listen` socket. */
  live(options: LiveOptions = {}): LiveStream {
    return new LiveStream(this.options.baseUrl, this.options.apiKey, options, this.options.WebSocket);
  }
}

export class KeysApi {
  constructor(private readonly http: HttpTransport) {}

  async create(request: {
    tenant: string;
    scopes: string[];
    name?: string;
    expiresInSeconds?: number;
  }): Promise<ApiKeyWithSecret> {
    return (
      await this.http.request<ApiKeyWithSecret>({ method: 'POST', path: '/v1/admin/keys', json: request })
    ).body;
  }

  async list(options: { tenant?: string } = {}): Promise<ApiKeyView[]> {
    return (
      await this.http.request<{ keys: ApiKeyView[] }>({
        method: 'GET',
        path: '/v1/admin/keys',
        query: { tenant: options.tenant },
      })
    ).body.keys;
  }

  /** A new secret for the same tenant/scopes/name; the old one works `graceSeconds` longer (default 0). */
  async rotate(
    id: string,
    options: { graceSeconds?: number } = {},
  ): Promise<ApiKeyWithSecret & { replaced: ApiKeyView }> {
    return (
      await this.http.request<ApiKeyWithSecret & { replaced: ApiKeyView }>({
        method: 'POST',
        path: `/v1/admin/keys/${encodeURIComponent(id)}/rotate`,
        json: options,
      })
    ).body;
  }

  async revoke(id: string): Promise<ApiKeyView> {
    return (
      await this.http.request<ApiKeyView>({
        method: 'DELETE',
        path: `/v1/admin/keys/${encodeURIComponent(id)}`,
      })
    ).body;
  }
}

export type TenantView = Record<string, unknown> & { tenant: string };

export class TenantsApi {
  constructor(private readonly http: HttpTransport) {}

  async get(tenant: string): Promise<TenantView> {
    return (
      await this.http.request<TenantView>({
        method: 'GET',
        path: `/v1/admin/tenants/${encodeURIComponent(tenant)}`,
      })
    ).body;
  }

  /** A partial override: settings left out keep their value, `null` resets one. */
  async update(tenant: string, settings: Record<string, unknown>): Promise<TenantView> {
    return (
      await this.http.request<TenantView>({
        method: 'PUT',
        path: `/v1/admin/tenants/${encodeURIComponent(tenant)}`,
        json: settings,
      })
    ).body;
  }

  /** Every override removed. */
  async reset(tenant: string): Promise<TenantView> {
    return (
      await this.http.request<TenantView>({
        method: 'DELETE',
        path: `/v1/admin/tenants/${encodeURIComponent(tenant)}`,
      })
    ).body;
  }
}

export interface DeadLetterPage {
  letters: DeadLetter[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
  /** Entries in all (an admin's view of every tenant). */
  total?: number;
}

export class DeadLettersApi {
  constructor(private readonly http: HttpTransport) {}

  async list(options: { count?: number; after?: string; tenant?: string } = {}): Promise<DeadLetterPage> {
    return (
      await this.http.request<DeadLetterPage>({ method: 'GET', path: '/v1/dead-letters', query: options })
    ).body;
  }

  async get(id: string): Promise<DeadLetter> {
    return (
      await this.http.request<DeadLetter>({
        method: 'GET',
        path: `/v1/dead-letters/${encodeURIComponent(id)}`,
      })
    ).body;
  }

  /** Requeues dead letters: by `ids`, or `all` (optionally of one `provider`, up to `limit`). */
  async redrive(request: { ids?: string[]; all?: boolean; provider?: string; limit?: number }): Promise<{
    requeued: number;
    outcomes: Array<{ id: string; [field: string]: unknown }>;
  }> {
    return (
      await this.http.request<{ requeued: number; outcomes: Array<{ id: string }> }>({
        method: 'POST',
        path: '/v1/dead-letters/redrive',
        json: request,
      })
    ).body;
  }
}

export interface ProviderStatus {
  provider?: string;
  name?: string;
  [field: string]: unknown;
}

export class ProvidersApi {
  constructor(private readonly http: HttpTransport) {}

  /** Per provider: availability, breaker, latency, price (an admin key sees lag, pending, errors too). */
  async status(): Promise<ProviderStatus[]> {
    return (
      await this.http.request<{ providers: ProviderStatus[] }>({ method: 'GET', path: '/v1/providers' })
    ).body.providers;
  }
}
