import { performance } from 'node:perf_hooks';
import type Redis from 'ioredis';
import type { EncodedFields } from '@streamscribe/contracts';
import { chunkFields } from './audio-payloads';
import { DeliveryTally } from './delivery-tally';

export const BENCH_STREAM = 'bench:audio';
export const BENCH_GROUP = 'bench_workers';

/** One measured run: N entries from a producer until every one is handled and acknowledged. */
export interface BenchRun {
  url: string;
  entries: number;
  payloads: Buffer[];
  batch: number;
  concurrency: number;
  blockMs: number;
  /** Shared connections: the producer's, and one for setup and XPENDING polls. */
  producer: Redis;
  monitor: Redis;
}

export interface RunResult {
  elapsedMs: number;
  chunksPerSecond: number;
  latenciesMs: Float64Array;
}

/** Sends the run's entries in pipelined batches, one batch in flight at a time. */
export async function produceInBatches(
  run: BenchRun,
  send: (batch: EncodedFields[]) => Promise<unknown>,
): Promise<void> {
  for (let first = 0; first < run.entries; first += run.batch) {
    const sentAt = performance.now().toFixed(3);
    const batch: EncodedFields[] = [];
    for (let i = first; i < Math.min(first + run.batch, run.entries); i += 1) {
      batch.push(chunkFields(run.payloads[i % run.payloads.length], sentAt));
    }
    await send(batch);
  }
}

/**
 * Resolves with the time at which every entry was handled and XPENDING reported nothing pending.
 * Polls XPENDING only after the last entry was handled, every millisecond, so the end is at most
 * about one millisecond late on either path.
 */
export async function allAcknowledgedAt(
  run: BenchRun,
  tally: DeliveryTally,
  timeoutMs: number,
): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`only ${tally.handled} of ${tally.expected} entries handled after ${timeoutMs} ms`)),
      timeoutMs,
    );
    // A run that failed elsewhere (the producer threw) must not keep the process alive.
    timer.unref();
  });
  try {
    await Promise.race([tally.allHandled, timedOut]);
  } finally {
    clearTimeout(timer);
  }
  for (;;) {
    const [pending] = (await run.monitor.xpending(BENCH_STREAM, BENCH_GROUP)) as [number];
    if (pending === 0) return performance.now();
    if (performance.now() > deadline)
      throw new Error(`${pending} entries still pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

export function runResult(
  entries: number,
  startedAt: number,
  finishedAt: number,
  tally: DeliveryTally,
): RunResult {
  const elapsedMs = finishedAt - startedAt;
  return { elapsedMs, chunksPerSecond: (entries / elapsedMs) * 1000, latenciesMs: tally.latenciesMs };
}
