// What the lag collector costs a /metrics scrape: `StreamLagCollector.read()` (one pipeline of
// XLEN, XINFO GROUPS, XINFO CONSUMERS and ZCOUNT per provider, parsed) against the same pipeline
// sent raw through ioredis, and a whole registry scrape with and without the collector, in the
// same process and run. `npm run bench:lag-collector [-- --reps=5 --iterations=300]`; see BENCHMARKS.md.
import './transport/silent-logs';
import { performance } from 'node:perf_hooks';
import type Redis from 'ioredis';
import {
  KeyScheme,
  PROVIDERS,
  ProviderName,
  providerGroup,
  providerHeartbeatKey,
} from '@streamscribe/contracts';

import { createLogger, metricsRegistry } from '@streamscribe/observability';
import { StreamLagCollector, providerFleets } from '@streamscribe/fleet';
import { RedisHarness } from '@streamscribe/testing';
import { machineInfo } from './transport/machine-info';
import { formatTable, median } from './transport/summary';

const providerStream = (provider: ProviderName) => new KeyScheme().providerStream(provider);

const LIVENESS_MS = 10_000;
const flag = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const REPS = flag('reps', 5);
const ITERATIONS = flag('iterations', 300);
const ENTRIES = flag('entries', 10_000);
const CONSUMERS = flag('consumers', 50);

/** Per provider: ENTRIES in the stream, CONSUMERS that each hold a few pending entries, heartbeats. */
async function backlog(redis: Redis): Promise<void> {
  for (const provider of PROVIDERS) {
    const stream = providerStream(provider);
    await redis.xgroup('CREATE', stream, providerGroup(provider), '0', 'MKSTREAM');
    for (let done = 0; done < ENTRIES; done += 1000) {
      const pipeline = redis.pipeline();
      for (let i = 0; i < 1000; i++) pipeline.xadd(stream, '*', 'chunk_id', `c${done + i}`);
      await pipeline.exec();
    }
    for (let c = 0; c < CONSUMERS; c++) {
      await redis.xreadgroup(
        'GROUP',
        providerGroup(provider),
        `consumer-${c}`,
        'COUNT',
        4,
        'STREAMS',
        stream,
        '>',
      );
      await redis.zadd(providerHeartbeatKey(provider), Date.now(), `consumer-${c}`);
    }
  }
}

/** The collector's commands, unparsed: the floor any reader of these numbers pays. */
async function rawPipeline(redis: Redis): Promise<void> {
  const pipeline = redis.pipeline();
  for (const provider of PROVIDERS) {
    pipeline.xlen(providerStream(provider));
    pipeline.xinfo('GROUPS', providerStream(provider));
    pipeline.xinfo('CONSUMERS', providerStream(provider), providerGroup(provider));
    pipeline.zcount(providerHeartbeatKey(provider), Date.now() - LIVENESS_MS, '+inf');
  }
  await pipeline.exec();
}

/** Median microseconds per call of `fn` over ITERATIONS sequential calls. */
async function timePerCall(fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    await fn();
    samples.push((performance.now() - start) * 1000);
  }
  return median(samples);
}

async function main(): Promise<void> {
  const harness = await RedisHarness.start({ ownServer: !process.env['REDIS_URL'] });
  const redis = harness.client();
  const collector = new StreamLagCollector(redis, {
    groups: providerFleets(PROVIDERS, new KeyScheme()),
    livenessMs: LIVENESS_MS,
    timeoutMs: 5000,
    logger: createLogger('bench'),
  });
  try {
    await backlog(redis);
    const paths: Record<string, () => Promise<unknown>> = {
      'raw pipeline (baseline)': () => rawPipeline(redis),
      'collector.read()': () => collector.read(),
      'scrape without collector': () => metricsRegistry.metrics(),
      'scrape with collector': async () => {
        collector.start();
        try {
          await metricsRegistry.metrics();
        } finally {
          collector.stop();
        }
      },
    };
    const results: Record<string, number[]> = Object.fromEntries(
      Object.keys(paths).map((name) => [name, []]),
    );
    for (const fn of Object.values(paths)) await timePerCall(fn); // warm-up, discarded
    for (let rep = 0; rep < REPS; rep++) {
      for (const [name, fn] of Object.entries(paths)) results[name].push(await timePerCall(fn));
    }
    const medians = Object.fromEntries(Object.entries(results).map(([name, runs]) => [name, median(runs)]));
    const rows = [
      ['path', 'median µs/call', 'vs its baseline'],
      ['raw pipeline (baseline)', medians['raw pipeline (baseline)'].toFixed(0), '1.00'],
      [
        'collector.read()',
        medians['collector.read()'].toFixed(0),
        (medians['collector.read()'] / medians['raw pipeline (baseline)']).toFixed(2),
      ],
      ['scrape without collector', medians['scrape without collector'].toFixed(0), '1.00'],
      [
        'scrape with collector',
        medians['scrape with collector'].toFixed(0),
        (medians['scrape with collector'] / medians['scrape without collector']).toFixed(2),
      ],
    ];
    process.stdout.write(
      [
        `lag collector: ${PROVIDERS.length} provider streams x ${ENTRIES} entries, ${CONSUMERS} consumers each holding 4 pending`,
        `${REPS} reps x ${ITERATIONS} sequential calls per path, interleaved; medians of per-rep medians`,
        ...(await machineInfo(redis)),
        '',
        formatTable(rows),
        '',
      ].join('\n'),
    );
  } finally {
    redis.disconnect();
    await harness.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `lag-collector bench failed: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
