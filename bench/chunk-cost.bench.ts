// What one chunk costs the fabric, in CPU time and Redis commands, measured where a shared or
// noisy machine does not blur it: the CPU time the router, the worker and Redis spent (from
// /proc and INFO) over N chunks, divided by N, and the commands each process sent Redis per chunk
// (MONITOR over a short run). One chunk per HTTP request (or, with --batch=N, N chunks of a session
// per POST /v1/sessions/{id}/chunks/batch, 8 batches in flight), authentication and quotas on, the
// instant provider of bench:e2e. The capacity model of BENCHMARKS.md is built from these figures.
// Each rep also sends chunks at an even 100/s and measures the same costs there, where every process
// sleeps between chunks (what the low-load latency is made of).
// `npm run bench:chunk-cost [-- --chunks=3000 --reps=3 --batch=50 --cpu-prof=DIR]`; with --cpu-prof the router
// and the worker write CPU profiles into DIR (summarise: bench/e2e/cpu-profile-summary.ts).
import './transport/silent-logs';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'node:http';
import Redis from 'ioredis';
import { encodeWav } from '@streamscribe/audio';
import { AppProcess, RedisHarness, TEST_ADMIN_API_KEY, freePort } from '@streamscribe/testing';
import { batchingSender } from './e2e/batch-sender';
import { SendChunk, runLoad } from './e2e/load';
import { profiled, startProfiling } from './e2e/profiled';
import { ResultTail } from './e2e/result-tail';
import { mintKey, postChunk } from './e2e/router-http';
import { machineInfo } from './transport/machine-info';
import { formatTable, median } from './transport/summary';

const CHUNK = encodeWav(Buffer.alloc(3200), { sampleRate: 16_000, channels: 1 });
const CHUNKS_PER_SESSION = 100;
/** Requests outstanding in the closed loop (one chunk each); with --batch, batches outstanding. */
const IN_FLIGHT = 64;
const BATCHES_IN_FLIGHT = 8;
const MONITORED_CHUNKS = 200;
const TICKS_PER_SECOND = 100;
/** The paced run after each closed loop: an even, low load (the bench:e2e 100/s row's). */
const PACED_RATE = 100;
const PACED_SECONDS = 3;
const COST_NAMES = ['router', 'worker', 'redis', 'rate', 'p50'] as const;
type Costs = Record<(typeof COST_NAMES)[number], number>;

function emptyCosts(): Record<(typeof COST_NAMES)[number], number[]> {
  return { router: [], worker: [], redis: [], rate: [], p50: [] };
}

function option(name: string, fallback: number): number {
  const flag = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const value = Number(flag ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

/** User + system CPU seconds a process has used so far (Linux). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

async function redisCpuSeconds(admin: Redis): Promise<number> {
  const info = await admin.info('cpu');
  const read = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return read('used_cpu_user') + read('used_cpu_sys');
}

async function main(): Promise<void> {
  const chunks = option('chunks', 3000);
  const reps = option('reps', 3);
  const batch = process.argv.some((a) => a.startsWith('--batch=')) ? option('batch', 1) : undefined;
  const inFlight = batch ? batch * BATCHES_IN_FLIGHT : IN_FLIGHT;
  const harness = await RedisHarness.start({ ownServer: true });
  const admin = harness.client();
  const port = await freePort();
  const processes: AppProcess[] = [];
  const tail = new ResultTail(harness.client(), 'transcription:results:all');
  try {
    const worker = await AppProcess.startEntry('instant-worker', 'bench/e2e/instant-worker.main.ts', {
      REDIS_URL: harness.url,
      WORKER_CONCURRENCY: '64',
      WORKER_BLOCK_MS: '100',
      PORT: '0',
      ...profiled(),
    });
    processes.push(worker);
    const router = await AppProcess.start('router', {
      REDIS_URL: harness.url,
      PORT: String(port),
      MANAGEMENT_PORT: '0',
      ADMIN_API_KEY: TEST_ADMIN_API_KEY,
      QUOTAS_ENABLED: 'true',
      QUOTA_REQUESTS_PER_SECOND: '1000000',
      QUOTA_BURST: '1000000',
      QUOTA_AUDIO_SECONDS_PER_DAY: '1000000000',
      QUOTA_SPEND_MICRO_USD_PER_MONTH: '1000000000000',
      ...profiled(),
    });
    processes.push(router);
    const apiKey = await mintKey(port, 'bench:chunk-cost');
    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    let run = 0;
    const send = (): SendChunk => {
      const prefix = `cost-${++run}`;
      const sessionOf = (i: number) => `${prefix}-${Math.floor(i / CHUNKS_PER_SESSION)}`;
      if (batch)
        return batchingSender({
          agent,
          port,
          apiKey,
          chunk: CHUNK,
          batchSize: batch,
          sessionOf,
        });
      return (i: number) =>
        postChunk(agent, port, CHUNK, sessionOf(i), `c${i}`, { authorization: `Bearer ${apiKey}` });
    };
    await runLoad(send(), tail, { rate: 'max', total: 1000, inFlight }); // warm-up
    startProfiling([router.pid, worker.pid]);

    const cpuNow = async () => ({
      router: cpuSeconds(router.pid as number),
      worker: cpuSeconds(worker.pid as number),
      redis: await redisCpuSeconds(admin),
    });
    /** What `during` resolved with, and each process's CPU µs per chunk over it for a chunk count. */
    const measured = async <T>(during: () => Promise<T>) => {
      const before = await cpuNow();
      const value = await during();
      const after = await cpuNow();
      const us = (name: 'router' | 'worker' | 'redis', chunks: number) =>
        ((after[name] - before[name]) * 1e6) / chunks;
      const perChunk = (chunks: number) => ({
        router: us('router', chunks),
        worker: us('worker', chunks),
        redis: us('redis', chunks),
      });
      return { value, perChunk };
    };
    const costOf = async (plan: Parameters<typeof runLoad>[2]): Promise<Costs> => {
      const { value: result, perChunk } = await measured(() => runLoad(send(), tail, plan));
      if (result.completed !== result.sent || result.failedSends > 0)
        throw new Error(`${result.sent - result.completed + result.failedSends} chunks got no result`);
      await admin.xtrim('audio:stream:deepgram', 'MAXLEN', 0);
      return { ...perChunk(result.completed), rate: result.throughput, p50: result.p50Ms };
    };
    /** CPU each process spends with no chunks (timers, heartbeats, Redis's cron) over a paced run's time, per paced chunk. */
    const idleCost = async (): Promise<Costs> => {
      const { perChunk } = await measured(
        () => new Promise((resolve) => setTimeout(resolve, PACED_SECONDS * 1000)),
      );
      return { ...perChunk(PACED_RATE * PACED_SECONDS), rate: 0, p50: 0 };
    };
    const saturatedRuns = emptyCosts();
    const paced = emptyCosts();
    const idle = emptyCosts();
    for (let rep = 0; rep < reps; rep++) {
      const saturated = await costOf({ rate: 'max', total: chunks, inFlight });
      // The same chunks at a low, even pace: what each costs when every process waits between them.
      const slow = await costOf({ rate: PACED_RATE, seconds: PACED_SECONDS });
      const background = await idleCost();
      for (const name of COST_NAMES) {
        saturatedRuns[name].push(saturated[name]);
        paced[name].push(slow[name]);
        idle[name].push(background[name]);
      }
      process.stderr.write(
        `rep ${rep + 1}/${reps}: router ${saturated.router.toFixed(0)} µs, worker ${saturated.worker.toFixed(0)} µs, redis ${saturated.redis.toFixed(0)} µs per chunk; ${saturated.rate.toFixed(0)} chunks/s; at ${PACED_RATE}/s: ${slow.router.toFixed(0)} / ${slow.worker.toFixed(0)} / ${slow.redis.toFixed(0)} µs\n`,
      );
    }
    // Monitored at a gentle load: 8 requests in flight, or one batch.
    const commands = await monitoredCommands(harness, admin, send(), tail, batch ?? 8);
    agent.destroy();
    console.log(
      [
        'Cost per chunk: router HTTP (stored API key, quotas on) -> stream -> worker (instant provider) -> result',
        ...(await machineInfo(admin)),
        `settings: reps=${reps}, ${chunks} chunks per rep, closed loop ${inFlight} chunks in flight${batch ? ` (batches of ${batch})` : ' (one per request)'}, chunk ${CHUNK.length} B WAV`,
        '',
        formatTable([
          [
            'process',
            'CPU µs per chunk (median)',
            'chunks/s per core at that cost',
            `CPU µs per chunk at ${PACED_RATE}/s`,
            'of which idle background',
            '(paced - idle) / saturated',
          ],
          ...(['router', 'worker', 'redis'] as const).map((name) => [
            name,
            median(saturatedRuns[name]).toFixed(0),
            (1e6 / median(saturatedRuns[name])).toFixed(0),
            median(paced[name]).toFixed(0),
            median(idle[name]).toFixed(0),
            ((median(paced[name]) - median(idle[name])) / median(saturatedRuns[name])).toFixed(1),
          ]),
        ]),
        `wall-clock throughput (noisy on a shared machine): ${median(saturatedRuns.rate).toFixed(0)} chunks/s; latency p50 at ${PACED_RATE}/s: ${median(paced.p50).toFixed(1)} ms`,
        `at ${PACED_RATE}/s every process sleeps between chunks, and waking it (a loopback write to a sleeping`,
        'process) is paid per message: the paced column is what the low-load latency is made of. Idle',
        `background: each process's CPU over ${PACED_SECONDS} s without chunks, per chunk of a paced run.`,
        '',
        `Redis commands per chunk (MONITOR over ${MONITORED_CHUNKS} chunks; "in Lua": run by a script):`,
        formatTable([
          ['client', 'command', 'per chunk'],
          ...commands.map(([client, command, count]) => [
            client,
            command,
            (count / MONITORED_CHUNKS).toFixed(2),
          ]),
        ]),
      ].join('\n'),
    );
  } catch (error) {
    // A process that died says why in its log.
    for (const p of processes) process.stderr.write(`--- ${p.name}:\n${p.logs.slice(-3000)}\n`);
    throw error;
  } finally {
    await tail.close();
    for (const p of processes.reverse()) await p.stop();
    admin.disconnect();
    await harness.close();
  }
}

/**
 * The commands sent to Redis while MONITORED_CHUNKS chunks go through, per client (its connection
 * name; "in Lua" for a script's own calls) and command, EVALSHA named by its script.
 */
async function monitoredCommands(
  harness: RedisHarness,
  admin: Redis,
  send: (i: number) => Promise<{ sessionId: string; chunkId: string }>,
  tail: ResultTail,
  inFlight: number,
): Promise<Array<[string, string, number]>> {
  const names = new Map<string, string>();
  for (const line of ((await admin.client('LIST')) as string).split('\n')) {
    const addr = /\baddr=(\S+)/.exec(line)?.[1];
    const name = /\bname=(\S*)/.exec(line)?.[1];
    if (addr) names.set(addr, name || '(unnamed)');
  }
  const scripts = new Map<string, string>();
  const counts = new Map<string, number>();
  const monitor = await harness.client().monitor();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const client = source === 'lua' ? 'in Lua' : (names.get(source) ?? source);
    let command = String(args[0]).toUpperCase();
    if (command === 'EVALSHA') command = `EVALSHA ${scripts.get(args[1]) ?? args[1].slice(0, 8)}`;
    if (['INFO', 'CLIENT', 'MONITOR'].includes(command)) return;
    const key = `${client}\u0000${command}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  nameScripts(scripts);
  await runLoad(send, tail, { rate: 'max', total: MONITORED_CHUNKS, inFlight });
  monitor.disconnect();
  return [...counts]
    .map(([key, count]): [string, string, number] => {
      const [client, command] = key.split('\u0000');
      return [client, command, count];
    })
    .sort((a, b) => a[0].localeCompare(b[0]) || b[2] - a[2]);
}

/** Script names by SHA1: every `*.script.ts` of the libs, as ioredis registers them (defineCommand). */
function nameScripts(scripts: Map<string, string>): void {
  const root = join(__dirname, '..', 'libs');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) =>
    f.endsWith('.script.ts'),
  );
  for (const file of files) {
    const module = require(join(root, file)) as Record<string, unknown>;
    for (const value of Object.values(module)) {
      const definition = (value as { definition?: { name?: string; lua?: string } } | undefined)?.definition;
      if (definition?.lua && definition.name)
        scripts.set(createHash('sha1').update(definition.lua).digest('hex'), definition.name);
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
