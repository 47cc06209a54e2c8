import Redis from 'ioredis';
import {
  AppProcess,
  FakeAssemblyAIServer,
  FakeDeepgramServer,
  InjectedFailure,
  KEYED,
  RedisHarness,
  TEST_ADMIN_API_KEY,
  WorkerFleet,
  WorkerLifetime,
  WorkerSpec,
  deepgramWorkerEnv,
  freePort,
  seededRandom,
  speechWav,
  logRecords,
} from '@streamscribe/testing';
import {
  AcceptedChunk,
  ChaosVerdict,
  countResults,
  countResultsFrom,
  judgeChaos,
  pendingInProviderGroups,
} from './chaos-verdict';
import { BatchIngestion, batchPlan } from './batch-ingestion';
import { retryPauseMs } from './retry-pause';
import { reclaimWaitsWithLivePeer, reclaimedStarts } from './reclaim-with-peer';

export interface ChaosOptions {
  chunks: number;
  sessions: number;
  /** Deepgram worker processes: every chunk is posted to Deepgram first. */
  workers: number;
  /**
   * AssemblyAI worker processes, the fallback: a chunk Deepgram gives up on fails over to them
   * (one atomic move), so failover runs under the same kills. 0 leaves Deepgram alone.
   */
  fallbackWorkers: number;
  /** A ready worker is SIGKILLed every this many ms (uniformly between the two), and restarted. */
  killEveryMs: [number, number];
  /** Share of provider calls that fail, with a mix of retryable and permanent errors. */
  failureRate: number;
  /** Kill Redis (SIGKILL, AOF with appendfsync always) once this share of chunks is in, and restart it. */
  redisKillAt?: number;
  reclaimMinIdleMs: number;
  /** Chunks posted at once (batches, with `ingestBatch`). */
  ingestConcurrency: number;
  /**
   * Post through the batched ingest (`POST …/chunks/batch`), this many chunks of a session per
   * request, instead of one chunk per request. The same chunks, ids, seqs and verdict.
   */
  ingestBatch?: number;
  /** How long, after the last chunk is in, everything may take to settle. */
  settleTimeoutMs: number;
  seed: number;
  progress?: (line: string) => void;
}

export interface ChaosReport {
  verdict: ChaosVerdict;
  seconds: number;
  kills: number;
  workerIncarnations: number;
  workerStartFailures: number;
  redisRestarts: number;
  ingestRetries: number;
  providerCalls: number;
  injectedFailures: number;
  ingestRetryReasons: Array<[string, number]>;
  /** Chunks whose result came from AssemblyAI after Deepgram gave up on them. */
  failedOver: number;
  reclaims: number;
  /**
   * How long reclaimed entries waited, from their previous owner's last delivery or lease renewal
   * until a live worker started them (idle at the claim plus the time queued for a slot), from the
   * workers' "reclaimed entry started" logs: what a dead worker costs its chunks.
   */
  reclaimWaitMs: IdleStats;
  /** The same for the Deepgram stream alone. */
  reclaimWaitMsDeepgram: IdleStats;
  /**
   * Deepgram entries whose owner was SIGKILLed while a Deepgram peer stayed ready until the claim
   * (the target's case; see reclaimWaitsWithLivePeer), and how many there were.
   */
  reclaimWaitMsDeepgramWithPeer: IdleStats & { count: number };
  /** The idle time at the claim alone ("entry reclaimed" logs), all streams and Deepgram. */
  reclaimIdleMs: IdleStats;
  reclaimIdleMsDeepgram: IdleStats;
  reclaimMinIdleMs: number;
  /** Exit codes of the workers alive at the end, stopped with SIGTERM. */
  finalExitCodes: Array<number | null>;
}

/** Retryable (5xx, 429, resets, hangs past the timeout) and permanent (400, 401) failures. */
export const FAILURE_MIX: InjectedFailure[] = [
  { status: 500 },
  { status: 502 },
  { status: 503 },
  { status: 429, retryAfterSeconds: 1 },
  { kind: 'reset' },
  { kind: 'hang' },
  { status: 400 },
  { status: 401 },
];

/**
 * The chaos run: real redis-server (AOF, appendfsync always), a real router process and a fleet
 * of real worker-deepgram processes against a fake Deepgram that fails and stalls at random,
 * while workers are SIGKILLed and restarted and Redis itself is killed and restarted. Then it
 * judges what Redis holds against every chunk the router acknowledged.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const say = options.progress ?? (() => undefined);
  const random = seededRandom(options.seed);
  const started = Date.now();
  const harness = await RedisHarness.start({ ownServer: true, appendOnly: true });
  const redis = new Redis(harness.url, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined); // it reconnects by itself across the Redis restart
  const deepgram = await FakeDeepgramServer.start();
  deepgram.setFailureRate(options.failureRate, FAILURE_MIX, options.seed);
  const latency = seededRandom(options.seed + 1);
  deepgram.setLatency(() => Math.floor(latency() * 40));
  const assemblyai = await FakeAssemblyAIServer.start();
  assemblyai.setFailureRate(options.failureRate / 2, FAILURE_MIX, options.seed + 2);
  const port = await freePort();
  const router = await AppProcess.start('router', {
    REDIS_URL: harness.url,
    PORT: String(port),
    MANAGEMENT_PORT: '0',
    REDIS_COMMAND_TIMEOUT_MS: '1000',
    LOAD_CACHE_MS: '200',
    ADMIN_API_KEY: TEST_ADMIN_API_KEY,
    // The run posts as fast as the router takes chunks; quotas have their own suite (quotas.e2e).
    QUOTAS_ENABLED: 'false',
  });
  const fleet = new WorkerFleet(fleetSpecs(harness.url, deepgram, assemblyai, options));
  let redisRestarts = 0;
  let killing = true;
  let killer: Promise<void> = Promise.resolve();
  try {
    await fleet.start();
    say(
      `stack up: router on :${port}, ${options.workers} deepgram and ${options.fallbackWorkers} assemblyai workers`,
    );
    killer = (async () => {
      while (killing) {
        const [min, max] = options.killEveryMs;
        await sleep(min + random() * (max - min));
        if (killing) await fleet.killOne(random);
      }
    })();

    const accepted = new Map<string, AcceptedChunk>();
    const ingest = new Ingestion(`http://127.0.0.1:${port}`);
    const batches = new BatchIngestion(`http://127.0.0.1:${port}`, retryReason);
    let next = 0;
    let redisKill: Promise<void> | undefined;
    const killRedisAfter =
      options.redisKillAt === undefined ? Infinity : Math.floor(options.chunks * options.redisKillAt);
    // Chunk i: its session (round robin), id and the words its audio says.
    const chunkOf = (i: number): AcceptedChunk => ({
      sessionId: `chaos-${i % options.sessions}`,
      chunkId: `c${String(i).padStart(6, '0')}`,
      text: `chunk ${i} says hello`,
    });
    const poster = async () => {
      while (next < options.chunks) {
        const i = next++;
        if (i === killRedisAfter) {
          redisKill = (async () => {
            say(`killing redis-server after ${i} chunks`);
            await harness.kill();
            await sleep(500);
            await harness.restart();
            redisRestarts += 1;
            say('redis-server restarted from its AOF');
          })();
        }
        const chunk = chunkOf(i);
        await ingest.post(chunk, Math.floor(i / options.sessions));
        accepted.set(`${chunk.sessionId}/${chunk.chunkId}`, chunk);
        if (accepted.size % 500 === 0) say(`${accepted.size} chunks accepted, ${fleet.kills} kills so far`);
      }
    };
    const plan = options.ingestBatch
      ? batchPlan(options.chunks, options.sessions, options.ingestBatch, chunkOf)
      : [];
    const batchPoster = async () => {
      for (let batch = plan.shift(); batch; batch = plan.shift()) {
        if (!redisKill && batch.some(({ i }) => i >= killRedisAfter)) {
          redisKill = (async () => {
            say(`killing redis-server after ${accepted.size} chunks (batched ingest)`);
            await harness.kill();
            await sleep(500);
            await harness.restart();
            redisRestarts += 1;
            say('redis-server restarted from its AOF');
          })();
        }
        await batches.post(batch);
        for (const { chunk } of batch) accepted.set(`${chunk.sessionId}/${chunk.chunkId}`, chunk);
        say(
          `${accepted.size} chunks accepted (batches of ${options.ingestBatch}), ${fleet.kills} kills so far`,
        );
      }
    };
    await Promise.all(
      Array.from({ length: options.ingestConcurrency }, options.ingestBatch ? batchPoster : poster),
    );
    await redisKill;
    say(`all ${accepted.size} chunks accepted; waiting for results`);

    const sessions = new Set([...accepted.values()].map((c) => c.sessionId));
    const deadline = Date.now() + options.settleTimeoutMs;
    while (Date.now() < deadline && (await countResults(redis, sessions)) < accepted.size) await sleep(250);
    killing = false;
    await killer;
    // Entries whose owner wrote the result and died before its XACK are acked by the peer that reclaims them.
    while (Date.now() < deadline + options.reclaimMinIdleMs * 5 && (await pendingInProviderGroups(redis)) > 0)
      await sleep(250);
    const finalExitCodes = await fleet.stop();
    const verdict = await judgeChaos(redis, accepted);
    const failedOver = await countResultsFrom(redis, sessions, 'assemblyai');
    return {
      verdict,
      seconds: (Date.now() - started) / 1000,
      redisRestarts,
      failedOver,
      ...runFigures(fleet, [ingest, batches], [deepgram, assemblyai]),
      reclaimMinIdleMs: options.reclaimMinIdleMs,
      finalExitCodes,
    };
  } finally {
    killing = false;
    await killer.catch(() => undefined);
    await fleet.stop().catch(() => undefined);
    await router.stop();
    await deepgram.close();
    await assemblyai.close();
    redis.disconnect();
    await harness.close();
  }
}

export function fleetSpecs(
  redisUrl: string,
  deepgram: FakeDeepgramServer,
  assemblyai: FakeAssemblyAIServer,
  options: ChaosOptions,
): WorkerSpec[] {
  const common = workerEnv(redisUrl, options);
  const deepgramWorker: WorkerSpec = {
    app: 'worker-deepgram',
    env: deepgramWorkerEnv(redisUrl, deepgram, { ...common, DEEPGRAM_TIMEOUT_MS: '500' }),
  };
  const assemblyaiWorker: WorkerSpec = {
    app: 'worker-assemblyai',
    env: {
      ...common,
      ASSEMBLYAI_API_KEY: FakeAssemblyAIServer.DEFAULT_API_KEY,
      ASSEMBLYAI_BASE_URL: assemblyai.url,
      ASSEMBLYAI_REQUEST_TIMEOUT_MS: '500',
      ASSEMBLYAI_POLLING_INTERVAL_MS: '50',
      ASSEMBLYAI_POLLING_TIMEOUT_MS: '5000',
    },
  };
  return [
    ...Array<WorkerSpec>(options.workers).fill(deepgramWorker),
    ...Array<WorkerSpec>(options.fallbackWorkers).fill(assemblyaiWorker),
  ];
}

function workerEnv(redisUrl: string, options: ChaosOptions): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    PORT: '0',
    WORKER_CONCURRENCY: '8',
    WORKER_BLOCK_MS: '200',
    HEARTBEAT_INTERVAL_MS: '250',
    RETRY_MAX_ATTEMPTS: '3',
    RETRY_BASE_MS: '20',
    RETRY_MAX_MS: '1500',
    RECLAIM_MIN_IDLE_MS: String(options.reclaimMinIdleMs),
    RECLAIM_INTERVAL_MS: '200',
    // Kills every few hundred ms can hand one chunk to several doomed workers in a row.
    MAX_DELIVERIES: '20',
    DRAIN_TIMEOUT_MS: '5000',
    STREAM_MAINTENANCE_INTERVAL_MS: '500',
  };
}

/** Posts chunks to the router, retrying 503s, backlog 429s and connection errors with the same chunk id. */
export class Ingestion {
  retries = 0;
  /** Retries by why the router refused: status and the start of its message. */
  readonly retryReasons = new Map<string, number>();

  constructor(private readonly base: string) {}

  async post(chunk: AcceptedChunk, seq: number): Promise<void> {
    // Deepgram first; while its breaker is open the router sends a chunk straight to AssemblyAI,
    // and a chunk that fails at one of the two fails over to the other.
    const url = `${this.base}/v1/sessions/${chunk.sessionId}/chunks?chunkId=${chunk.chunkId}&seq=${seq}&provider=deepgram&fallback=assemblyai,deepgram`;
    const body = speechWav(chunk.text);
    for (;;) {
      let status: number;
      let detail = '';
      let retryAfter: string | null = null;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'audio/wav', ...KEYED },
          body,
          signal: AbortSignal.timeout(5000),
        });
        status = response.status;
        detail = await response.text();
        retryAfter = response.headers.get('retry-after');
      } catch (error) {
        status = 0;
        detail = (error as Error).message;
      }
      if (status === 200 || status === 202) return;
      const pause = retryPauseMs(status, detail, retryAfter);
      if (pause === undefined)
        throw new Error(`router refused ${chunk.sessionId}/${chunk.chunkId} with ${status}: ${detail}`);
      this.retries += 1;
      const reason = `${status || 'no connection'}: ${retryReason(detail)}`;
      this.retryReasons.set(reason, (this.retryReasons.get(reason) ?? 0) + 1);
      await sleep(pause);
    }
  }
}

export interface IdleStats {
  p50?: number;
  p99?: number;
  max?: number;
}

/** The workers' "entry reclaimed" lines: which stream, and the idle time at the claim (ms). */
function claimsLogged(logs: string): Array<{ stream: string; ms: number }> {
  return logRecords<{ stream: string; idleMs: number }>(logs, 'entry reclaimed').map((record) => ({
    stream: record.stream,
    ms: record.idleMs,
  }));
}

/** What a run's fleet, producers and fake providers counted, for its report. */
export function runFigures(
  fleet: WorkerFleet,
  producers: ReadonlyArray<{ retries: number; retryReasons: ReadonlyMap<string, number> }>,
  providers: ReadonlyArray<{ requests: ReadonlyArray<{ dropped?: unknown; status?: number }> }>,
): Pick<
  ChaosReport,
  | 'kills'
  | 'workerIncarnations'
  | 'workerStartFailures'
  | 'ingestRetries'
  | 'ingestRetryReasons'
  | 'providerCalls'
  | 'injectedFailures'
> &
  ReclaimFigures {
  const requests = providers.flatMap((provider) => provider.requests);
  return {
    kills: fleet.kills,
    workerIncarnations: fleet.incarnations.length,
    workerStartFailures: fleet.startFailures,
    ingestRetries: producers.reduce((sum, producer) => sum + producer.retries, 0),
    ingestRetryReasons: producers
      .flatMap((producer) => [...producer.retryReasons])
      .sort((a, b) => b[1] - a[1]),
    providerCalls: requests.length,
    injectedFailures: requests.filter((r) => r.dropped || (r.status ?? 200) >= 400).length,
    ...reclaimFigures(
      fleet.incarnations.map((p) => p.logs),
      fleet.lifetimes,
    ),
  };
}

type ReclaimFigures = Pick<
  ChaosReport,
  | 'reclaims'
  | 'reclaimWaitMs'
  | 'reclaimWaitMsDeepgram'
  | 'reclaimWaitMsDeepgramWithPeer'
  | 'reclaimIdleMs'
  | 'reclaimIdleMsDeepgram'
>;

/**
 * The reclaim figures of a run, from its workers' logs ("entry reclaimed", "reclaimed entry
 * started") and, for the Deepgram entries that had a live peer, the fleet's kill and ready times.
 */
export function reclaimFigures(workerLogs: string[], lifetimes: readonly WorkerLifetime[]): ReclaimFigures {
  const claims = workerLogs.flatMap(claimsLogged);
  const starts = workerLogs.flatMap(reclaimedStarts);
  const onDeepgram = (stream: string) => stream.startsWith('audio:stream:deepgram');
  const withPeer = reclaimWaitsWithLivePeer(starts, lifetimes, onDeepgram);
  return {
    reclaims: claims.length,
    reclaimWaitMs: idleStats(starts.map((r) => r.waitMs)),
    reclaimWaitMsDeepgram: idleStats(starts.filter((r) => onDeepgram(r.stream)).map((r) => r.waitMs)),
    reclaimWaitMsDeepgramWithPeer: { ...idleStats(withPeer), count: withPeer.length },
    reclaimIdleMs: idleStats(claims.map((r) => r.ms)),
    reclaimIdleMsDeepgram: idleStats(claims.filter((r) => onDeepgram(r.stream)).map((r) => r.ms)),
  };
}

export function idleStats(values: number[]): IdleStats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length === 0 ? undefined : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/** The router's message without ids and numbers, so refusals of one kind count together. */
function retryReason(detail: string): string {
  let message = detail;
  try {
    message = (JSON.parse(detail) as { message?: string }).message ?? detail;
  } catch {
    // not JSON: a connection error's text
  }
  return message.replace(/\d+/g, 'N').slice(0, 200);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const formatIdle = (idle: IdleStats) => `${idle.p50 ?? '-'} / ${idle.p99 ?? '-'} / ${idle.max ?? '-'}`;

/** The report as the table `npm run chaos` prints and BENCHMARKS.md records. */
export function formatChaosReport(report: ChaosReport): string {
  const v = report.verdict;
  const rows: Array<[string, string | number | undefined]> = [
    ['chunks accepted by the router', v.accepted],
    ['chunks lost (must be 0)', v.lost],
    ['duplicate results (must be 0)', v.duplicateResults],
    [
      'transcript rows duplicated / missing (must be 0)',
      `${v.transcriptDuplicates} / ${v.transcriptMissing}`,
    ],
    ['wrong text (must be 0)', v.wrongText],
    ['dead-letter mismatches (must be 0)', v.deadLetterMismatches],
    ['entries pending in groups at the end (must be 0)', v.pending],
    ['transcribed (ok)', v.ok],
    ['failed, each with one dead letter', v.failed],
    ['dead letters', v.deadLetters],
    ['failed results superseded by ok', v.superseded],
    [
      'worker processes SIGKILLed / started / failed to start',
      `${report.kills} / ${report.workerIncarnations} / ${report.workerStartFailures}`,
    ],
    ['redis-server kills + restarts', report.redisRestarts],
    ['ingest retries (503s, refused connections)', report.ingestRetries],
    ['provider calls / injected failures', `${report.providerCalls} / ${report.injectedFailures}`],
    [
      'transcribed by AssemblyAI (failed over, or routed there while the Deepgram breaker was open)',
      report.failedOver,
    ],
    ['reclaims', report.reclaims],
    ['reclaim wait until started p50 / p99 / max (ms), all streams', formatIdle(report.reclaimWaitMs)],
    ['  the same, Deepgram stream', formatIdle(report.reclaimWaitMsDeepgram)],
    [
      '  Deepgram, owner killed while a Deepgram peer stayed up (count)',
      `${formatIdle(report.reclaimWaitMsDeepgramWithPeer)} (${report.reclaimWaitMsDeepgramWithPeer.count})`,
    ],
    ['reclaim idle at the claim p50 / p99 / max (ms), all streams', formatIdle(report.reclaimIdleMs)],
    ['  the same, Deepgram stream', formatIdle(report.reclaimIdleMsDeepgram)],
    ['reclaim min-idle (ms)', report.reclaimMinIdleMs],
    ['final SIGTERM exit codes', report.finalExitCodes.join(' ')],
    ['wall time (s)', report.seconds.toFixed(1)],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const table = rows.map(([name, value]) => `${name.padEnd(width)}  ${value}`).join('\n');
  const reasons = report.ingestRetryReasons
    .map(([reason, count]) => `  ${String(count).padStart(6)}  ${reason}`)
    .join('\n');
  return reasons ? `${table}\ningest retries by reason:\n${reasons}` : table;
}
