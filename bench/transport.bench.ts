// Chunks per second through ServerRedisStreams (Nest microservice, no-op handler, fed by
// StreamProducer.appendMany) against a raw ioredis XREADGROUP/XACK loop, in the same process and
// run. `npm run bench:transport [-- --reps=5 --n-640=20000 ...]`; see BENCHMARKS.md.
import './transport/silent-logs';
import { RedisHarness } from '@streamscribe/testing';
import { randomAudio } from './transport/audio-payloads';
import { BenchOptions, readBenchOptions } from './transport/bench-options';
import { BenchRun, RunResult } from './transport/bench-run';
import { machineInfo } from './transport/machine-info';
import { runRawLoop } from './transport/run-raw-loop';
import { runServerRedisStreams } from './transport/run-server-redis-streams';
import { formatTable, summarize } from './transport/summary';

/** One run that takes longer than this has stalled (a lost entry, a dead connection). */
const RUN_TIMEOUT_MS = 60_000;
/** The whole benchmark gives up after this, so it never hangs a CI job. */
const BENCH_TIMEOUT_MS = 10 * 60_000;
/** Distinct random buffers per payload size; entries cycle through them. */
const DISTINCT_PAYLOADS = 16;

interface PayloadCase {
  label: string;
  bytes: number;
  entries: number;
}

interface Path {
  name: 'raw' | 'ours';
  run: (run: BenchRun, timeoutMs: number) => Promise<RunResult>;
}

const RAW: Path = { name: 'raw', run: runRawLoop };
const OURS: Path = { name: 'ours', run: runServerRedisStreams };

async function main(options: BenchOptions): Promise<void> {
  // Own redis-server on a free port unless REDIS_URL is set (then its database 1, flushed).
  const harness = await RedisHarness.start({ ownServer: !process.env['REDIS_URL'] });
  const producer = harness.client();
  const monitor = harness.client();
  try {
    const machine = await machineInfo(monitor);
    const cases: PayloadCase[] = [
      { label: '640 B', bytes: 640, entries: options.entriesSmall },
      { label: '64 KB', bytes: 64 * 1024, entries: options.entriesLarge },
    ];
    const rows = [
      ['payload', 'N', 'raw chunks/s', 'ours chunks/s', 'ours/raw', 'raw p50/p99 ms', 'ours p50/p99 ms'],
    ];
    const runLines: string[] = [];
    for (const payloadCase of cases) {
      const base: BenchRun = {
        url: harness.url,
        entries: payloadCase.entries,
        payloads: randomAudio(payloadCase.bytes, DISTINCT_PAYLOADS),
        batch: options.batch,
        concurrency: options.concurrency,
        blockMs: options.blockMs,
        producer,
        monitor,
      };
      const results = await measureCase(base, payloadCase, options);
      const raw = summarize(results.raw);
      const ours = summarize(results.ours);
      rows.push([
        payloadCase.label,
        String(payloadCase.entries),
        raw.chunksPerSecond.toFixed(0),
        ours.chunksPerSecond.toFixed(0),
        percent(ours.chunksPerSecond / raw.chunksPerSecond),
        `${raw.p50Ms.toFixed(1)} / ${raw.p99Ms.toFixed(1)}`,
        `${ours.p50Ms.toFixed(1)} / ${ours.p99Ms.toFixed(1)}`,
      ]);
      const label = payloadCase.label.padEnd(6);
      const perRep = (path: Path) => results[path.name].map((result) => result.chunksPerSecond.toFixed(0));
      const pairedRatios = results.ours.map((result, rep) =>
        percent(result.chunksPerSecond / results.raw[rep].chunksPerSecond),
      );
      runLines.push(
        `${label} raw  chunks/s per rep: ${perRep(RAW).join(', ')}`,
        `${label} ours chunks/s per rep: ${perRep(OURS).join(', ')}`,
        `${label} ours/raw per rep:      ${pairedRatios.join(', ')}`,
      );
    }
    console.log(
      [
        'Transport benchmark: ServerRedisStreams ("ours") vs raw ioredis XREADGROUP/XACK loop ("raw")',
        ...machine,
        `settings: reps=${options.reps} concurrency/COUNT=${options.concurrency} producer batch=${options.batch} blockMs=${options.blockMs}`,
        '',
        formatTable(rows),
        '',
        'chunks/s: median over reps, from first XADD until all handled and XPENDING is 0.',
        "latency: XADD batch sent -> handler, median over reps of each run's p50/p99 (under saturation: mostly queueing).",
        '',
        ...runLines,
      ].join('\n'),
    );
  } finally {
    // An external REDIS_URL keeps its database; leave it as empty as the harness found it.
    await monitor.flushdb().catch(() => undefined);
    producer.disconnect();
    monitor.disconnect();
    await harness.close();
  }
}

/**
 * One unmeasured run of each path (JIT, and Redis growing its memory for the first time: the first
 * 64 KB run is otherwise about half as fast), then `reps` rounds alternating which path goes first.
 */
async function measureCase(
  base: BenchRun,
  payloadCase: PayloadCase,
  options: BenchOptions,
): Promise<Record<Path['name'], RunResult[]>> {
  for (const path of [RAW, OURS]) await runFresh(path, base);
  const results: Record<Path['name'], RunResult[]> = { raw: [], ours: [] };
  for (let rep = 0; rep < options.reps; rep += 1) {
    for (const path of rep % 2 === 0 ? [RAW, OURS] : [OURS, RAW]) {
      const result = await runFresh(path, base);
      results[path.name].push(result);
      process.stderr.write(
        `${payloadCase.label} rep ${rep + 1}/${options.reps} ${path.name}: ${result.chunksPerSecond.toFixed(0)} chunks/s (${result.elapsedMs.toFixed(0)} ms)\n`,
      );
    }
  }
  return results;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(0)}%`;
}

async function runFresh(path: Path, run: BenchRun): Promise<RunResult> {
  await run.monitor.flushdb();
  return path.run(run, RUN_TIMEOUT_MS);
}

const watchdog = setTimeout(() => {
  console.error(`transport bench still running after ${BENCH_TIMEOUT_MS / 60_000} min; aborting`);
  process.exit(1);
}, BENCH_TIMEOUT_MS);
watchdog.unref();

let benchOptions: BenchOptions;
try {
  benchOptions = readBenchOptions(process.argv.slice(2), process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}

main(benchOptions).catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
