import { FileService, TranscriptService } from 'assemblyai';
import { parseRetryAfter } from '../provider-error';

type ServiceParams = ConstructorParameters<typeof FileService>[0];

/**
 * An HTTP error answer of AssemblyAI's API, with what the SDK's own `fetch` drops: the status and
 * the Retry-After header. (SDK 4 throws `new Error(body.error)`, which cannot be classified.)
 */
export class AssemblyAIHttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'AssemblyAIHttpError';
  }
}

/**
 * The SDK's own request (`fetchResponse`: URL, auth header, user agent) with a timeout — the SDK
 * sets none, so a hung connection would hang the chunk — and an error answer thrown as an
 * AssemblyAIHttpError.
 */
async function checkedFetch(
  fetchResponse: (input: string, init?: RequestInit) => Promise<Response>,
  input: string,
  init: RequestInit | undefined,
  timeoutMs: number,
): Promise<Response> {
  const response = await fetchResponse(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (response.status < 400) return response;
  const text = await response.text().catch(() => '');
  // Bounded: an HTML error page from a load balancer goes into error_history and the logs.
  let message = text.slice(0, 200) || `HTTP ${response.status} ${response.statusText}`;
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') message = body.error;
  } catch {
    // not JSON: the text itself is the message
  }
  throw new AssemblyAIHttpError(
    response.status,
    message,
    parseRetryAfter(response.headers.get('retry-after')),
  );
}

/**
 * The SDK's services with that one HTTP method swapped in; upload, submit and polling stay the
 * SDK's own code.
 */
export class AssemblyAIFiles extends FileService {
  constructor(
    params: ServiceParams,
    private readonly timeoutMs: number,
  ) {
    super(params);
  }

  protected override fetch(input: string, init?: RequestInit): Promise<Response> {
    return checkedFetch((i, n) => this.fetchResponse(i, n), input, init, this.timeoutMs);
  }
}

export class AssemblyAITranscripts extends TranscriptService {
  constructor(
    params: ServiceParams,
    files: FileService,
    private readonly timeoutMs: number,
  ) {
    super(params, files);
  }

  protected override fetch(input: string, init?: RequestInit): Promise<Response> {
    return checkedFetch((i, n) => this.fetchResponse(i, n), input, init, this.timeoutMs);
  }
}
