import { ProviderError, kindForStatus } from '../provider-error';
import { AssemblyAIHttpError } from './assemblyai-http';

/** The SDK's `waitUntilReady` throws exactly this when `pollingTimeout` runs out (should a caller use it). */
const POLLING_TIMEOUT_MESSAGE = 'Polling timeout';

/**
 * Maps what an AssemblyAI call threw onto the worker's two classes. `transcriptId` (once the job
 * was submitted) is kept as the request id: it is what AssemblyAI support asks for.
 */
export function classifyAssemblyAIError(error: unknown, transcriptId?: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const details = { provider: 'assemblyai' as const, requestId: transcriptId, cause: error };
  if (error instanceof AssemblyAIHttpError) {
    return new ProviderError(
      `AssemblyAI answered ${error.statusCode}: ${error.message}${hintFor(error.statusCode)}`,
      {
        ...details,
        kind: kindForStatus(error.statusCode),
        statusCode: error.statusCode,
        retryAfterMs: error.retryAfterMs,
      },
    );
  }
  const name = (error as { name?: string }).name;
  const message = error instanceof Error ? error.message : String(error);
  // Compared by name, not instanceof: fetch's DOMException comes from another realm under Jest.
  if (name === 'TimeoutError') {
    return new ProviderError('AssemblyAI request timed out (ASSEMBLYAI_REQUEST_TIMEOUT_MS)', {
      ...details,
      kind: 'retryable',
    });
  }
  if (message === POLLING_TIMEOUT_MESSAGE) return pollingTimedOut(transcriptId, error);
  // No answer at all (refused, reset, DNS): retryable.
  const cause = (error as { cause?: { code?: string } }).cause;
  return new ProviderError(`AssemblyAI unreachable: ${cause?.code ?? message}`, {
    ...details,
    kind: 'retryable',
  });
}

/** The job is still running there; submitting it again would pay twice and likely wait as long. */
export function pollingTimedOut(transcriptId: string | undefined, cause?: unknown): ProviderError {
  return new ProviderError(
    'AssemblyAI did not finish the transcript within ASSEMBLYAI_POLLING_TIMEOUT_MS; failing over',
    {
      provider: 'assemblyai',
      requestId: transcriptId,
      cause,
      kind: 'permanent',
    },
  );
}

/** A transcript that ended in `status: error`: the audio or the params are at fault, so permanent. */
export function transcriptFailed(transcriptId: string, error: string | undefined): ProviderError {
  return new ProviderError(
    `AssemblyAI transcript ${transcriptId} ended in error: ${error ?? 'no reason given'}`,
    {
      provider: 'assemblyai',
      kind: 'permanent',
      requestId: transcriptId,
    },
  );
}

function hintFor(statusCode: number): string {
  if (statusCode === 401 || statusCode === 403) return ' (check ASSEMBLYAI_API_KEY)';
  return '';
}
