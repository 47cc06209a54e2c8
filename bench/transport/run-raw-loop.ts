import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { waitUntilReady } from '@streamscribe/redis';
import {
  BENCH_GROUP,
  BENCH_STREAM,
  BenchRun,
  RunResult,
  allAcknowledgedAt,
  produceInBatches,
  runResult,
} from './bench-run';
import { DeliveryTally } from './delivery-tally';

type XReadGroupReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

const CONSUMER = 'bench-raw';

/**
 * The baseline: plain ioredis, no Nest. The producer pipelines XADD like StreamProducer; the
 * consumer reads with XREADGROUP COUNT BLOCK on one connection and acknowledges each batch with one
 * XACK on another, then reads again. Same stream, group and delivery semantics as our path.
 */
export async function runRawLoop(run: BenchRun, timeoutMs: number): Promise<RunResult> {
  await run.monitor.xgroup('CREATE', BENCH_STREAM, BENCH_GROUP, '0', 'MKSTREAM');
  const reader = new Redis(run.url);
  const acker = new Redis(run.url);
  try {
    await Promise.all([waitUntilReady(reader, 5000), waitUntilReady(acker, 5000)]);
    const tally = new DeliveryTally(run.entries);
    const startedAt = performance.now();
    const [, , finishedAt] = await Promise.all([
      produceInBatches(run, async (batch) => {
        const pipeline = run.producer.pipeline();
        for (const fields of batch) pipeline.xadd(BENCH_STREAM, '*', ...fields);
        const failed = ((await pipeline.exec()) ?? []).find(([error]) => error);
        if (failed) throw failed[0];
      }),
      consume(run, reader, acker, tally),
      allAcknowledgedAt(run, tally, timeoutMs),
    ]);
    return runResult(run.entries, startedAt, finishedAt, tally);
  } finally {
    reader.disconnect();
    acker.disconnect();
  }
}

async function consume(run: BenchRun, reader: Redis, acker: Redis, tally: DeliveryTally): Promise<void> {
  while (tally.handled < run.entries) {
    const reply = (await reader.callBuffer(
      'XREADGROUP',
      'GROUP',
      BENCH_GROUP,
      CONSUMER,
      'COUNT',
      run.concurrency,
      'BLOCK',
      run.blockMs,
      'STREAMS',
      BENCH_STREAM,
      '>',
    )) as XReadGroupReply;
    for (const [, entries] of reply ?? []) {
      const ids: Buffer[] = [];
      for (const [id, flat] of entries) {
        tally.record(flat[1]);
        ids.push(id);
      }
      if (ids.length > 0) await acker.xack(BENCH_STREAM, BENCH_GROUP, ...ids);
    }
  }
}
