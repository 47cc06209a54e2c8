// Tests only: the real engine thread, except that a batch holding a window of exactly
// CRASH_MARKER_SAMPLES samples ends the thread (process.exit in a worker thread ends only that
// thread), as a native abort or an out-of-memory would. Registered before the engine's own
// listener (which waits for the model to load), so the batch never reaches the model.
import { parentPort } from 'node:worker_threads';
import type { RunBatch } from './engine-thread-messages';
import './engine-thread.main';

const CRASH_MARKER_SAMPLES = 12_345;

parentPort?.on('message', ({ items }: RunBatch) => {
  if (items.some((item) => (item as { samples?: Float32Array }).samples?.length === CRASH_MARKER_SAMPLES))
    process.exit(70);
});
