import { ConnectionError, StreamscribeError, errorFromResponse, isRetryable } from './errors';

export type FetchLike = typeof globalThis.fetch;
/** What fetch takes as a body. */
export type RequestBody = NonNullable<RequestInit['body']>;

export interface RetryPolicy {
  /** Attempts after the first (default 4). 0 turns retries off. */
  maxRetries: number;
  /** First backoff, doubled each attempt with jitter (default 250 ms). */
  baseDelayMs: number;
  /** Largest wait between attempts, Retry-After included (default 20 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 250, maxDelayMs: 20_000 };

export interface HttpOptions {
  baseUrl: string;
  apiKey?: string;
  fetch: FetchLike;
  retry: RetryPolicy;
  headers?: Record<string, string>;
  /** Called before each retry (every request): the error, the attempt (1-based) and the wait. */
  onRetry?: (error: StreamscribeError, attempt: number, delayMs: number) => void;
  /** For tests: how the client waits between attempts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type QueryValue = string | number | boolean | string[] | undefined | null;

export interface RequestSpec {
  method: string;
  path: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** A JSON body (serialized here) … */
  json?: unknown;
  /** … or a raw one. A function makes a fresh body per attempt (so a retry can resend it). */
  body?: RequestBody | (() => RequestBody);
  /** Retry 429/503/no-answer (only when the body can be sent again). Default true. */
  retry?: boolean;
  signal?: AbortSignal;
  /** Called before each retry with the error and the wait. */
  onRetry?: (error: StreamscribeError, attempt: number, delayMs: number) => void;
}

export interface HttpAnswer<T> {
  status: number;
  headers: Headers;
  body: T;
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(name, value.join(','));
    } else params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Backoff for attempt n (1-based): Retry-After when the router gave one, else exponential with jitter. */
export function backoffMs(policy: RetryPolicy, attempt: number, error: StreamscribeError): number {
  if (error.retryAfterMs !== undefined) return Math.min(policy.maxDelayMs, error.retryAfterMs);
  const exp = policy.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(policy.maxDelayMs, Math.round(exp / 2 + Math.random() * (exp / 2)));
}

export class HttpTransport {
  constructor(readonly options: HttpOptions) {}

  url(path: string, query?: Record<string, QueryValue>): string {
    return `${this.options.baseUrl.replace(/\/+$/, '')}${path}${buildQuery(query)}`;
  }

  async request<T = unknown>(spec: RequestSpec): Promise<HttpAnswer<T>> {
    const { retry } = this.options;
    const sleep = this.options.sleep ?? defaultSleep;
    const replayable = spec.body === undefined || typeof spec.body === 'function' || isReplayable(spec.body);
    const maxRetries = spec.retry === false || !replayable ? 0 : retry.maxRetries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once<T>(spec);
      } catch (error) {
        if (!isRetryable(error) || attempt >= maxRetries || spec.signal?.aborted) throw error;
        const delay = backoffMs(retry, attempt + 1, error);
        spec.onRetry?.(error, attempt + 1, delay);
        this.options.onRetry?.(error, attempt + 1, delay);
        await sleep(delay, spec.signal);
      }
    }
  }

  private async once<T>(spec: RequestSpec): Promise<HttpAnswer<T>> {
    const label = `${spec.method} ${spec.path}`;
    const headers: Record<string, string> = { ...this.options.headers, ...spec.headers };
    if (this.options.apiKey) headers['authorization'] = `Bearer ${this.options.apiKey}`;
    let body: RequestBody | undefined;
    if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['content-type'] = 'application/json';
    } else if (spec.body !== undefined) {
      body = typeof spec.body === 'function' ? spec.body() : spec.body;
    }
    let response: Response;
    try {
      response = await this.options.fetch(this.url(spec.path, spec.query), {
        method: spec.method,
        headers,
        body,
        signal: spec.signal,
        // A streamed body (Node's fetch needs this for a ReadableStream).
        ...(isStream(body) ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (cause) {
      if (spec.signal?.aborted) throw cause;
      throw new ConnectionError(`no answer from ${this.options.baseUrl} (${label}): ${describe(cause)}`, {
        status: 0,
        request: label,
        cause,
      });
    }
    const parsed = await readBody(response);
    if (!response.ok) throw errorFromResponse(response.status, parsed, response.headers, label);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }
}

function describe(error: unknown): string {
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json') && text !== '') {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function isStream(body: unknown): boolean {
  return typeof ReadableStream !== 'undefined' && body instanceof ReadableStream;
}

function isReplayable(body: RequestBody): boolean {
  return (
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    body instanceof URLSearchParams
  );
}
