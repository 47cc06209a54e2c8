import type { ActiveDevice } from '../runtime/onnx-session.factory';

/** An Error as it crosses the thread boundary (structured clone keeps only message and name). */
export interface ThreadError {
  name: string;
  message: string;
  stack?: string;
}

/** Host → thread: run one batch. The thread answers every id exactly once, in order. */
export interface RunBatch {
  type: 'run';
  id: number;
  items: unknown[];
}

/** Thread → host. */
export type ThreadReply =
  | { type: 'ready'; device: ActiveDevice; loadMs: number }
  | { type: 'load-failed'; error: ThreadError }
  | { type: 'done'; id: number; outputs: unknown[] }
  | { type: 'failed'; id: number; error: ThreadError };

export function toThreadError(error: unknown): ThreadError {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: 'Error', message: String(error) };
}

/** The thread's error, rebuilt on the host with its name (CudaUnavailableError, …) and message. */
export function fromThreadError(error: ThreadError): Error {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  if (error.stack) rebuilt.stack = error.stack;
  return rebuilt;
}
