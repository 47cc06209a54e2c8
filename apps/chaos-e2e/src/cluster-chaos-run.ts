import { DEFAULT_TENANT, KeyScheme } from '@streamscribe/contracts';
import {
  AppProcess,
  ClusterHarness,
  FakeAssemblyAIServer,
  FakeDeepgramServer,
  TEST_ADMIN_API_KEY,
  WorkerFleet,
  freePort,
  seededRandom,
} from '@streamscribe/testing';
import {
  ChaosOptions,
  ChaosReport,
  FAILURE_MIX,
  Ingestion,
  fleetSpecs,
  formatChaosReport,
  runFigures,
} from './chaos-run';
import {
  AcceptedChunk,
  countResults,
  countResultsFrom,
  judgeChaos,
  pendingInProviderGroups,
} from './chaos-verdict';

export interface ClusterChaosOptions extends Omit<ChaosOptions, 'redisKillAt'> {
  /** REDIS_PARTITIONS of every app: 1 tags everything `{0}` (one slot); more spread sessions. */
  partitions: number;
  /** SIGKILL the primary of the busiest partition's slot once this share of chunks is in. */
  primaryKillAt: number;
  /**
   * REDIS_DURABILITY of the router: `async` (acknowledged once the primary has it) or `replica`
   * (after WAIT for a replica). Unset: what the apps inherit from this process' environment (they
   * are started with it), else the router's default.
   */
  durability?: string;
}

export interface ClusterChaosReport extends ChaosReport {
  partitions: number;
  durability: string;
  /** From the SIGKILL until the cluster says ok with the replica promoted. */
  failoverSeconds: number;
  killedPrimary: string;
  promotedReplica: string;
}

/**
 * The chaos run on Redis Cluster (3 primaries, 3 replicas, `cluster-node-timeout` 1 s): the router
 * and a worker fleet configured with REDIS_CLUSTER_NODES take load while workers are SIGKILLed and
 * providers fail, and the primary serving the busiest partition's slot is SIGKILLed for good; its
 * replica is promoted and the fabric carries on. Judged by the chaos suite's own verdict: every
 * accepted chunk against what the cluster holds. Replication is asynchronous, so in `async`
 * durability a write acknowledged just before the kill can be missing on the promoted replica.
 */
export async function runClusterChaos(options: ClusterChaosOptions): Promise<ClusterChaosReport> {
  const say = options.progress ?? (() => undefined);
  const random = seededRandom(options.seed);
  const started = Date.now();
  const keys = new KeyScheme({ partitions: options.partitions, cluster: true });
  const durability = options.durability ?? '';
  const cluster = await ClusterHarness.start({ nodeTimeoutMs: 1000 });
  const redis = cluster.client();
  const topology = {
    REDIS_CLUSTER_NODES: cluster.seedNodes,
    REDIS_PARTITIONS: String(options.partitions),
  };
  const deepgram = await FakeDeepgramServer.start();
  deepgram.setFailureRate(options.failureRate, FAILURE_MIX, options.seed);
  const latency = seededRandom(options.seed + 1);
  deepgram.setLatency(() => Math.floor(latency() * 40));
  const assemblyai = await FakeAssemblyAIServer.start();
  assemblyai.setFailureRate(options.failureRate / 2, FAILURE_MIX, options.seed + 2);
  const port = await freePort();
  let router: AppProcess | undefined;
  const fleet = new WorkerFleet(
    fleetSpecs(cluster.url, deepgram, assemblyai, { ...options, redisKillAt: undefined }).map((spec) => ({
      ...spec,
      env: { ...spec.env, ...topology },
    })),
    // A start on a loaded machine can take longer than 30 s; a retried start only adds load.
    120_000,
  );
  let killing = true;
  let killer: Promise<void> = Promise.resolve();
  try {
    router = await AppProcess.start(
      'router',
      {
        ...topology,
        ...(durability ? { REDIS_DURABILITY: durability } : {}),
        REDIS_URL: cluster.url,
        PORT: String(port),
        MANAGEMENT_PORT: '0',
        REDIS_COMMAND_TIMEOUT_MS: '1000',
        LOAD_CACHE_MS: '200',
        ADMIN_API_KEY: TEST_ADMIN_API_KEY,
        QUOTAS_ENABLED: 'false',
      },
      120_000,
    );
    await fleet.start();
    say(`cluster up (${cluster.seedNodes}), router on :${port}, ${fleet.ready} workers`);
    killer = (async () => {
      while (killing) {
        const [min, max] = options.killEveryMs;
        await sleep(min + random() * (max - min));
        if (killing) await fleet.killOne(random);
      }
    })();

    const accepted = new Map<string, AcceptedChunk>();
    const ingest = new Ingestion(`http://127.0.0.1:${port}`);
    const killAfter = Math.floor(options.chunks * options.primaryKillAt);
    let failover: Promise<{ seconds: number; killed: string; promoted: string }> | undefined;
    let next = 0;
    const poster = async () => {
      while (next < options.chunks) {
        const i = next++;
        if (i === killAfter)
          failover = killBusiestPrimary(cluster, keys, accepted, say, durability === 'replica');
        const chunk: AcceptedChunk = {
          sessionId: `chaos-${i % options.sessions}`,
          chunkId: `c${String(i).padStart(6, '0')}`,
          text: `chunk ${i} says hello`,
        };
        await ingest.post(chunk, Math.floor(i / options.sessions));
        accepted.set(`${chunk.sessionId}/${chunk.chunkId}`, chunk);
        if (accepted.size % 500 === 0) say(`${accepted.size} chunks accepted, ${fleet.kills} kills so far`);
      }
    };
    await Promise.all(Array.from({ length: options.ingestConcurrency }, poster));
    const failedOver = await (failover as NonNullable<typeof failover>);
    say(`all ${accepted.size} chunks accepted; waiting for results`);

    const sessions = new Set([...accepted.values()].map((c) => c.sessionId));
    const deadline = Date.now() + options.settleTimeoutMs;
    const settled = async () => (await countResults(redis, sessions, keys).catch(() => 0)) >= accepted.size;
    while (Date.now() < deadline && !(await settled())) await sleep(250);
    killing = false;
    await killer;
    while (
      Date.now() < deadline + options.reclaimMinIdleMs * 5 &&
      (await pendingInProviderGroups(redis, keys).catch(() => 1)) > 0
    )
      await sleep(250);
    const finalExitCodes = await fleet.stop();
    const verdict = await judgeChaos(redis, accepted, keys);
    return {
      verdict,
      seconds: (Date.now() - started) / 1000,
      redisRestarts: 0,
      failedOver: await countResultsFrom(redis, sessions, 'assemblyai', keys),
      ...runFigures(fleet, [ingest], [deepgram, assemblyai]),
      reclaimMinIdleMs: options.reclaimMinIdleMs,
      finalExitCodes,
      partitions: options.partitions,
      durability: durability || 'inherited (REDIS_DURABILITY of the environment, else async)',
      failoverSeconds: failedOver.seconds,
      killedPrimary: failedOver.killed,
      promotedReplica: failedOver.promoted,
    };
  } finally {
    killing = false;
    await killer.catch(() => undefined);
    await fleet.stop().catch(() => undefined);
    await router?.stop();
    await deepgram.close();
    await assemblyai.close();
    redis.disconnect();
    await cluster.stop();
  }
}

/**
 * SIGKILLs the primary that serves the partition with the most accepted chunks (every key of a
 * partition shares its `{k}` slot), then waits for its replica's promotion.
 */
async function killBusiestPrimary(
  cluster: ClusterHarness,
  keys: KeyScheme,
  accepted: ReadonlyMap<string, AcceptedChunk>,
  say: (line: string) => void,
  restartKilled: boolean,
): Promise<{ seconds: number; killed: string; promoted: string }> {
  const perPartition = new Map<number, number>();
  for (const chunk of accepted.values()) {
    const k = keys.partitionOf(DEFAULT_TENANT, chunk.sessionId);
    perPartition.set(k, (perPartition.get(k) ?? 0) + 1);
  }
  const [busiest] = [...perPartition].sort((a, b) => b[1] - a[1])[0] ?? [0];
  const tagKey = keys.providerStream('deepgram', busiest);
  const victim = await cluster.primaryFor(tagKey);
  const replica = (await cluster.nodes()).find((node) => node.primaryId === victim.id);
  say(`SIGKILL primary ${victim.address} (slot of ${tagKey}, ${accepted.size} chunks in)`);
  const killedAt = Date.now();
  await cluster.killPrimary(victim);
  await cluster.waitForFailover(60_000);
  const seconds = (Date.now() - killedAt) / 1000;
  const promoted = await cluster.primaryFor(tagKey);
  say(`replica ${promoted.address} promoted after ${seconds.toFixed(1)} s`);
  if (restartKilled) {
    // REDIS_DURABILITY=replica: the promoted primary has no replica until the killed node is back
    // as one, and until then every write to its slots waits WAIT's timeout and is refused.
    await cluster.restartKilled(victim);
    say(
      `killed node ${victim.address} back as a replica after ${((Date.now() - killedAt) / 1000).toFixed(1)} s`,
    );
  }
  const expected = promoted.address === replica?.address ? '' : ` (its replica was ${replica?.address})`;
  return { seconds, killed: victim.address, promoted: `${promoted.address}${expected}` };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The chaos table, with what the cluster run adds. */
export function formatClusterChaosReport(report: ClusterChaosReport): string {
  const extra: Array<[string, string | number]> = [
    ['partitions (REDIS_PARTITIONS)', report.partitions],
    ['durability (REDIS_DURABILITY)', report.durability],
    ['primary SIGKILLed / replica promoted', `${report.killedPrimary} / ${report.promotedReplica}`],
    ['failover: kill to cluster_state ok (s)', report.failoverSeconds.toFixed(1)],
  ];
  const width = Math.max(...extra.map(([name]) => name.length));
  return `${formatChaosReport(report)}\n${extra.map(([n, v]) => `${n.padEnd(width)}  ${v}`).join('\n')}`;
}
