import { CliError, EXIT, exitCodeOfStatus } from './exit-codes';

/** What the CLI sends: JSON text, bytes, or a stream (an upload, counted as it is read). */
export type RequestBody = string | Uint8Array | ReadableStream;

export interface ApiOptions {
  /** The router, e.g. http://localhost:3000 */
  url: string;
  key?: string;
  /** Retries of a 429/503 answer (honouring Retry-After) before giving up. */
  retries?: number;
}

export interface RequestOptions {
  method?: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** A raw body (audio): sent as is with `contentType`. */
  raw?: RequestBody;
  contentType?: string;
  headers?: Record<string, string>;
  /** What to read back: parsed JSON (default) or text. */
  as?: 'json' | 'text';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The HTTP calls the CLI makes to the router; errors become CliErrors with an exit code. */
export class Api {
  readonly base: string;
  constructor(private readonly options: ApiOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  get key(): string | undefined {
    return this.options.key;
  }

  url(path: string, query: RequestOptions['query'] = {}): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) search.set(name, String(value));
    const qs = search.toString();
    return `${this.base}${path}${qs ? `?${qs}` : ''}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.options.key ? { authorization: `Bearer ${this.options.key}` } : {}), ...extra };
  }

  /** One request; 429/503 are retried when the body can be sent again (not a stream). */
  async request<T>(path: string, options: RequestOptions = {}): Promise<{ status: number; body: T }> {
    const retries = options.raw && !isReplayable(options.raw) ? 0 : (this.options.retries ?? 3);
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(path, options);
      if ((response.status === 429 || response.status === 503) && attempt < retries) {
        await response.body?.cancel();
        await sleep(retryDelayMs(response.headers.get('retry-after'), attempt));
        continue;
      }
      if (!response.ok) throw await errorOf(response);
      const body = (options.as === 'text' ? await response.text() : await response.json()) as T;
      return { status: response.status, body };
    }
  }

  private async send(path: string, options: RequestOptions): Promise<Response> {
    const headers = this.headers(options.headers);
    let body: RequestBody | undefined;
    if (options.raw !== undefined) {
      body = options.raw;
      if (options.contentType) headers['content-type'] = options.contentType;
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    try {
      return await fetch(this.url(path, options.query), {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        body,
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        `cannot reach ${this.base}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
        EXIT.unavailable,
      );
    }
  }
}

const isReplayable = (body: RequestBody) => typeof body === 'string' || body instanceof Uint8Array;

/** Retry-After (seconds or a date), else 0.5 s, 1 s, 2 s … */
export function retryDelayMs(retryAfter: string | null, attempt: number): number {
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.min(seconds * 1000, 30_000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, Math.min(at - Date.now(), 30_000));
  }
  return 500 * 2 ** attempt;
}

async function errorOf(response: Response): Promise<CliError> {
  const text = await response.text().catch(() => '');
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    const detail = parsed.message ?? parsed.error;
    if (detail !== undefined) message = Array.isArray(detail) ? detail.join('; ') : String(detail);
  } catch {
    // not JSON: the text as is
  }
  return new CliError(
    `${response.status} ${response.statusText}${message ? `: ${message}` : ''}`,
    exitCodeOfStatus(response.status),
    response.status,
  );
}
