// Router-to-result latency of the fabric with an instant provider, at offered loads of 100, 1,000
// and 5,000 chunks/s, and its highest sustained throughput; beside it, in the same run, the same
// path through raw ioredis calls, and the fabric with authentication and quotas off (a router
// without the API-key guard, QUOTAS_ENABLED=false) against on (a stored API key, every quota
// checked and counted). Since issue 14 also the bulk path (POST /v1/sessions/{id}/chunks/batch,
// `--batch=N` chunks per request, same router, auth and quotas on) at its highest sustained
// throughput, and each path's throughput as a same-run ratio to raw (per rep, then the median).
// `npm run bench:e2e [-- --reps=5 --batch=50] [-- --cpu-prof=DIR]`; see BENCHMARKS.md.
// --cpu-prof=DIR: the router and the instant worker write CPU profiles there as they exit
// (summarise them with bench/e2e/cpu-profile-summary.ts).
import './transport/silent-logs';
import { Agent } from 'node:http';
import { encodeWav } from '@streamscribe/audio';
import { AppProcess, RedisHarness, TEST_ADMIN_API_KEY, freePort } from '@streamscribe/testing';
import { batchingSender } from './e2e/batch-sender';
import { LoadResult, SendChunk, runLoad } from './e2e/load';
import { profiled, startProfiling } from './e2e/profiled';
import { RAW_RESULTS, RAW_STREAM } from './e2e/raw-keys';
import { ResultTail } from './e2e/result-tail';
import { mintKey, postChunk } from './e2e/router-http';
import { machineInfo } from './transport/machine-info';
import { formatTable, median } from './transport/summary';

const BENCH_TIMEOUT_MS = 15 * 60_000;
const CHUNKS_PER_SESSION = 100;
/** 100 ms of 16 kHz mono silence as WAV: small, so the fabric is what is measured. */
const CHUNK = encodeWav(Buffer.alloc(3200), { sampleRate: 16_000, channels: 1 });

type Plan = { label: string; paths: readonly Path[] } & (
  { rate: number; seconds: number } | { rate: 'max'; total: number; inFlight: number }
);
const ONE_CHUNK_PATHS: readonly Path[] = ['raw', 'open', 'ours'];
/** The bulk path's closed loop: this many batches outstanding (each of `batch` chunks). */
const BULK_BATCHES_IN_FLIGHT = 8;
const MAX_LABEL = 'max (closed loop, 64 in flight)';
const BULK_LABEL = 'bulk max (closed loop)';

/**
 * `--quick`: for a loaded machine, the plans the targets need only (100/s, 1000/s, max,
 * bulk max), without the auth-off router, a third of the chunks in the closed loops.
 */
function plansFor(batch: number, quick: boolean): Plan[] {
  if (quick)
    return [
      { label: '100/s', rate: 100, seconds: 3, paths: ['raw', 'ours'] },
      { label: '1000/s', rate: 1000, seconds: 2, paths: ['raw', 'ours'] },
      { label: MAX_LABEL, rate: 'max', total: 2000, inFlight: 64, paths: ['raw', 'ours'] },
      {
        label: BULK_LABEL,
        rate: 'max',
        total: 4000,
        inFlight: batch * BULK_BATCHES_IN_FLIGHT,
        paths: ['raw', 'bulk'],
      },
    ];
  return [
    { label: '100/s', rate: 100, seconds: 3, paths: ONE_CHUNK_PATHS },
    { label: '1000/s', rate: 1000, seconds: 3, paths: ONE_CHUNK_PATHS },
    { label: '5000/s', rate: 5000, seconds: 2, paths: ONE_CHUNK_PATHS },
    { label: MAX_LABEL, rate: 'max', total: 6000, inFlight: 64, paths: ONE_CHUNK_PATHS },
    // The bulk path against raw again, both closed loop with as many chunks outstanding.
    {
      label: BULK_LABEL,
      rate: 'max',
      total: 12_000,
      inFlight: batch * BULK_BATCHES_IN_FLIGHT,
      paths: ['raw', 'bulk'],
    },
  ];
}

async function main(reps: number, batch: number, quick: boolean): Promise<void> {
  const PLANS = plansFor(batch, quick);
  const harness = await RedisHarness.start({ ownServer: !process.env['REDIS_URL'] });
  const admin = harness.client();
  const producer = harness.client();
  const port = await freePort();
  const openPort = await freePort();
  const processes: AppProcess[] = [];
  // Both routers write to the same results stream, followed once for the three fabric paths (each
  // run's sessions have their own prefix): three tails of one stream cost the load generator three
  // times the CPU the raw path's one costs, taken from the fabric under test.
  const fabricTail = new ResultTail(harness.client(), 'transcription:results:all');
  const tails = {
    ours: fabricTail,
    bulk: fabricTail,
    open: fabricTail,
    raw: new ResultTail(harness.client(), RAW_RESULTS),
  };
  try {
    const common = { REDIS_URL: harness.url, WORKER_CONCURRENCY: '64', WORKER_BLOCK_MS: '100', PORT: '0' };
    processes.push(
      await AppProcess.startEntry('instant-worker', 'bench/e2e/instant-worker.main.ts', {
        ...common,
        ...profiled(),
      }),
    );
    processes.push(await AppProcess.startEntry('raw-worker', 'bench/e2e/raw-worker.main.ts', common));
    processes.push(
      await AppProcess.start('router', {
        REDIS_URL: harness.url,
        PORT: String(port),
        MANAGEMENT_PORT: '0',
        ADMIN_API_KEY: TEST_ADMIN_API_KEY,
        // Quotas on, each checked and counted per request and chunk, with limits the run never reaches.
        QUOTAS_ENABLED: 'true',
        QUOTA_REQUESTS_PER_SECOND: '1000000',
        QUOTA_BURST: '1000000',
        QUOTA_AUDIO_SECONDS_PER_DAY: '1000000000',
        QUOTA_SPEND_MICRO_USD_PER_MONTH: '1000000000000',
        ...profiled(),
      }),
    );
    processes.push(
      await AppProcess.startEntry('open-router', 'bench/e2e/open-router.main.ts', {
        REDIS_URL: harness.url,
        PORT: String(openPort),
        QUOTAS_ENABLED: 'false',
      }),
    );
    const apiKey = await mintKey(port, 'bench:e2e');

    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    let run = 0;
    const paths: Record<Path, () => SendChunk> = {
      ours: () => {
        const prefix = `bench-${++run}`;
        return (i) =>
          postChunk(agent, port, CHUNK, `${prefix}-${Math.floor(i / CHUNKS_PER_SESSION)}`, `c${i}`, {
            authorization: `Bearer ${apiKey}`,
          });
      },
      open: () => {
        const prefix = `bench-${++run}`;
        return (i) =>
          postChunk(agent, openPort, CHUNK, `${prefix}-${Math.floor(i / CHUNKS_PER_SESSION)}`, `c${i}`, {});
      },
      bulk: () => {
        const prefix = `bench-${++run}`;
        return batchingSender({
          agent,
          port,
          apiKey,
          chunk: CHUNK,
          batchSize: batch,
          sessionOf: (i) => `${prefix}-${Math.floor(i / CHUNKS_PER_SESSION)}`,
        });
      },
      raw: () => {
        const prefix = `bench-${++run}`;
        return async (i) => {
          const sessionId = `${prefix}-${Math.floor(i / CHUNKS_PER_SESSION)}`;
          const chunkId = `c${i}`;
          await producer.xadd(
            RAW_STREAM,
            '*',
            'audio',
            CHUNK,
            'session_id',
            sessionId,
            'chunk_id',
            chunkId,
            'seq',
            String(i % CHUNKS_PER_SESSION),
            'timestamp',
            String(Date.now() / 1000),
          );
          return { sessionId, chunkId };
        };
      },
    };
    // Warm-up (JIT, connections, Redis memory), unmeasured.
    for (const path of PATHS.filter((p) => !quick || p !== 'open'))
      await runLoad(paths[path](), tails[path], { rate: 'max', total: 1000, inFlight: 64 });
    // Only the two started with profiled(): SIGUSR2 would end the others.
    startProfiling(processes.filter((p) => ['router', 'instant-worker'].includes(p.name)).map((p) => p.pid));
    await admin.xtrim('audio:stream:deepgram', 'MAXLEN', 0);

    const results: Record<string, Record<Path, LoadResult[]>> = {};
    for (let rep = 0; rep < reps; rep++) {
      for (const plan of PLANS) {
        results[plan.label] ??= { raw: [], open: [], ours: [], bulk: [] };
        // The order turns each rep, so no path always runs first (or last) on a warming machine.
        for (const path of plan.paths.map((_, i) => plan.paths[(i + rep) % plan.paths.length])) {
          const result = await runLoad(paths[path](), tails[path], plan);
          results[plan.label][path].push(result);
          // Everything is acknowledged by now: drop the audio so memory stays flat across runs.
          await admin.xtrim('audio:stream:deepgram', 'MAXLEN', 0);
          await admin.xtrim(RAW_STREAM, 'MAXLEN', 0);
          process.stderr.write(
            `rep ${rep + 1}/${reps} ${plan.label} ${path}: ${result.completed}/${result.sent} done, ${result.throughput.toFixed(0)}/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms\n`,
          );
        }
      }
    }
    const rows = [
      [
        'offered load',
        'raw p50 / p99 ms',
        'fabric p50 / p99 ms',
        'overhead p50 / p99 ms',
        'raw done/s',
        'fabric done/s',
        'fabric / raw',
        'fabric lost',
        'auth+quotas off done/s',
        'on / off',
        'off p50 / p99 ms',
      ],
    ];
    for (const plan of PLANS) {
      const got = results[plan.label];
      const raw = summarize(got.raw);
      const bulk = plan.paths.includes('bulk');
      const ours = summarize(bulk ? got.bulk : got.ours);
      const open = bulk || got.open.length === 0 ? undefined : summarize(got.open);
      rows.push([
        bulk ? `${plan.label}, batch ${batch}` : plan.label,
        `${raw.p50.toFixed(1)} / ${raw.p99.toFixed(1)}`,
        `${ours.p50.toFixed(1)} / ${ours.p99.toFixed(1)}`,
        // Closed loop, each path runs at its own pace: the latencies are not at the same load.
        plan.rate === 'max'
          ? 'n/a'
          : `${(ours.p50 - raw.p50).toFixed(1)} / ${(ours.p99 - raw.p99).toFixed(1)}`,
        raw.throughput.toFixed(0),
        ours.throughput.toFixed(0),
        plan.rate === 'max' ? ratioToRaw(got.raw, bulk ? got.bulk : got.ours).toFixed(3) : 'n/a',
        String(ours.lost + (open?.lost ?? 0)),
        open ? open.throughput.toFixed(0) : 'n/a',
        open ? (ours.throughput / open.throughput).toFixed(2) : 'n/a',
        open ? `${open.p50.toFixed(1)} / ${open.p99.toFixed(1)}` : 'n/a',
      ]);
    }
    const overheadAt = (label: string) => {
      const raw = summarize(results[label].raw);
      const ours = summarize(results[label].ours);
      return `${(ours.p50 - raw.p50).toFixed(1)} / ${(ours.p99 - raw.p99).toFixed(1)} ms`;
    };
    const targets = [
      `one chunk per request, highest sustained: ${pct(ratioToRaw(results[MAX_LABEL].raw, results[MAX_LABEL].ours))} of raw (issue 14 target >= 25%)`,
      `bulk (batch ${batch}), highest sustained: ${pct(ratioToRaw(results[BULK_LABEL].raw, results[BULK_LABEL].bulk))} of raw (target >= 40%)`,
      `overhead p50 / p99 at 100/s: ${overheadAt('100/s')} (target <= 1 / 5 ms)`,
      `overhead p50 / p99 at 1000/s: ${overheadAt('1000/s')} (target <= 2 / 10 ms)`,
    ];
    console.log(
      [
        'End-to-end benchmark: router HTTP -> stream -> worker (instant provider) -> result ("fabric") vs raw ioredis XADD -> XREADGROUP -> XADD result + XACK ("raw")',
        ...(await machineInfo(admin)),
        `settings: ${quick ? '--quick, ' : ''}reps=${reps} chunk=${CHUNK.length} B WAV, ${CHUNKS_PER_SESSION} chunks per session, worker concurrency 64, HTTP keep-alive 64 sockets, bulk batch ${batch} chunks (${BULK_BATCHES_IN_FLIGHT} batches in flight)`,
        '',
        formatTable(rows),
        '',
        ...targets,
        '',
        "latency: from the send (HTTP POST started / XADD issued) to the result seen on an XREAD of the results stream; median over reps of each run's p50 / p99.",
        'done/s: results per second from the first send to the last result, median over reps; under open loop it cannot exceed the offered rate.',
        'fabric lost: chunks sent (202) without a result within 30 s after the run (summed over reps, both routers); should be 0.',
        'fabric: the router with authentication (a stored API key) and quotas (rate, audio seconds, spend) on; auth+quotas off: the same chunk route without the API-key guard and with QUOTAS_ENABLED=false; on / off: the ratio of their done/s.',
        'max: closed loop, 64 requests outstanding; its done/s is the highest sustained throughput, its latency is queueing at that load.',
        `bulk max: POST /v1/sessions/{id}/chunks/batch (binary frames, ${batch} chunks of one session per request, ${BULK_BATCHES_IN_FLIGHT} requests outstanding) on the router with auth and quotas on, against raw with as many chunks outstanding; latency counts from the chunk's hand-over to the batcher.`,
        'fabric / raw: per rep the ratio of done/s in that same rep, then the median over reps (same-run ratios).',
      ].join('\n'),
    );
    agent.destroy();
  } finally {
    await fabricTail.close();
    await tails.raw.close();
    for (const p of processes.reverse()) await p.stop();
    await admin.flushdb().catch(() => undefined);
    admin.disconnect();
    producer.disconnect();
    await harness.close();
  }
}

/** The median over reps of each rep's done/s ratio to raw in that same rep. */
function ratioToRaw(raw: LoadResult[], path: LoadResult[]): number {
  return median(path.map((run, rep) => run.throughput / raw[rep].throughput));
}

function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

function summarize(runs: LoadResult[]) {
  return {
    p50: median(runs.map((r) => r.p50Ms)),
    p99: median(runs.map((r) => r.p99Ms)),
    throughput: median(runs.map((r) => r.throughput)),
    lost: runs.reduce((sum, r) => sum + (r.sent - r.completed) + r.failedSends, 0),
  };
}

type Path = 'raw' | 'open' | 'ours' | 'bulk';
const PATHS: readonly Path[] = ['raw', 'open', 'ours', 'bulk'];

const watchdog = setTimeout(() => {
  console.error(`e2e bench still running after ${BENCH_TIMEOUT_MS / 60_000} min; aborting`);
  process.exit(1);
}, BENCH_TIMEOUT_MS);
watchdog.unref();

const repsArg = process.argv.find((a) => a.startsWith('--reps='));
const reps = Number(repsArg?.slice('--reps='.length) ?? process.env['BENCH_REPS'] ?? 5);
if (!Number.isInteger(reps) || reps < 1) {
  console.error('--reps (or BENCH_REPS) must be a positive integer');
  process.exit(2);
}
const batchArg = process.argv.find((a) => a.startsWith('--batch='));
const batch = Number(batchArg?.slice('--batch='.length) ?? 50);
if (!Number.isInteger(batch) || batch < 1 || batch > CHUNKS_PER_SESSION) {
  console.error(`--batch must be an integer in 1..${CHUNKS_PER_SESSION}`);
  process.exit(2);
}
main(reps, batch, process.argv.includes('--quick')).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
