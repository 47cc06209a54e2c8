import { ResultTail } from './result-tail';

/** Sends chunk `i` of a run: the path under test. Resolves once the path accepted it. */
export type SendChunk = (i: number) => Promise<{ sessionId: string; chunkId: string }>;

export interface LoadResult {
  offered: number | 'max';
  sent: number;
  completed: number;
  /** Completions per second, first send to last result. */
  throughput: number;
  p50Ms: number;
  p99Ms: number;
  failedSends: number;
}

const SETTLE_TIMEOUT_MS = 30_000;

/**
 * Open loop: `rate` chunks per second for `seconds`, whatever the system does (a slow system
 * queues, its latency grows: that is the point). With rate 'max', closed loop instead: `inFlight`
 * sends outstanding at all times for `total` chunks, which finds the highest sustained throughput.
 */
export async function runLoad(
  send: SendChunk,
  tail: ResultTail,
  plan: { rate: number; seconds: number } | { rate: 'max'; total: number; inFlight: number },
): Promise<LoadResult> {
  const sentAt = new Map<string, number>();
  let failedSends = 0;
  const sendOne = async (i: number) => {
    const startedAt = performance.now();
    try {
      const { sessionId, chunkId } = await send(i);
      sentAt.set(`${sessionId}/${chunkId}`, startedAt);
    } catch {
      failedSends++;
    }
  };
  const start = performance.now();
  const sends: Promise<void>[] = [];
  if (plan.rate === 'max') {
    let next = 0;
    const worker = async () => {
      while (next < plan.total) await sendOne(next++);
    };
    await Promise.all(Array.from({ length: plan.inFlight }, worker));
  } else {
    const total = Math.round(plan.rate * plan.seconds);
    let issued = 0;
    while (issued < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * plan.rate) + 1);
      while (issued < due) sends.push(sendOne(issued++));
      // Sleep until the next send is due. Not setImmediate: polling the clock kept this process at
      // a full core, taken from the router and worker under test (each send stamps its own start,
      // so a late wake-up adds nothing to the latency measured).
      const nextDueMs = (issued / plan.rate) * 1000 - (performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextDueMs)));
    }
    await Promise.all(sends);
  }
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  while ([...sentAt.keys()].some((key) => !tail.seenAt.has(key)) && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const latencies: number[] = [];
  let last = start;
  for (const [key, at] of sentAt) {
    const seen = tail.seenAt.get(key);
    if (seen === undefined) continue;
    latencies.push(seen - at);
    last = Math.max(last, seen);
  }
  latencies.sort((a, b) => a - b);
  const rank = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(p * latencies.length) - 1))] ?? NaN;
  return {
    offered: plan.rate,
    sent: sentAt.size,
    completed: latencies.length,
    throughput: latencies.length / ((last - start) / 1000),
    p50Ms: rank(0.5),
    p99Ms: rank(0.99),
    failedSends,
  };
}
