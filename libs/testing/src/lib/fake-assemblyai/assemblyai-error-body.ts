import { STATUS_CODES } from 'node:http';

/** The JSON body AssemblyAI's async API answers errors with (the SDK throws its `error`). */
export interface AssemblyAIErrorBody {
  error: string;
}

// The messages AssemblyAI's async API answers these with.
const DOCUMENTED: Record<number, string> = {
  401: 'Authentication error, API token missing/invalid',
  404: 'Transcript lookup error, transcript id not found',
  429: 'Too Many Requests: you have exceeded your rate limit',
};

/** The error body for a status; `detail` replaces the message, to say what the fake objected to. */
export function assemblyAIErrorBody(status: number, detail?: string): AssemblyAIErrorBody {
  return { error: detail ?? DOCUMENTED[status] ?? `${STATUS_CODES[status] ?? 'Error'}` };
}
