import type Redis from 'ioredis';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KeyScheme, SINGLE_NODE_KEYS, recordFromPairs } from '@streamscribe/contracts';
import { aclSetUserArgs, redisAclUser } from '@streamscribe/redis';
import {
  AppProcess,
  FakeDeepgramServer,
  SentinelHarness,
  TEST_ADMIN_API_KEY,
  freePort,
  keyedFetch,
  speechWav,
  startDeepgramWorker,
} from '@streamscribe/testing';

export interface SentinelChaosOptions {
  /** REDIS_DURABILITY of the router. */
  durability: 'async' | 'replica';
  /** Chunks the load generator sends, one HTTP request each. */
  chunks: number;
  /** Steady send rate, chunks per second (each on its own timer: a slow answer does not slow the load). */
  chunksPerSecond: number;
  /** The primary is SIGKILLed once this many chunks were sent. */
  killAtChunk: number;
  /** How long results may take to arrive after the last chunk. */
  settleTimeoutMs: number;
}

export interface SentinelChaosReport {
  mode: 'async' | 'replica';
  sent: number;
  /** 2xx */
  accepted: number;
  /** 503 (`not_replicated`, `redis_unavailable`) */
  refused: number;
  /** Anything else: other statuses, or no answer at all. */
  failed: number;
  /** Acknowledged with a 2xx, but its chunk index entry or its result never showed up on the new primary. */
  acceptedButLost: number;
  /** Accepted chunks in the session's chunk index on the new primary. */
  indexed: number;
  /** Accepted chunks with a result on the new primary. */
  withResult: number;
  /** Chunk ids with more than one result. */
  duplicates: number;
  /** SIGKILL to the sentinels naming the promoted replica. */
  failoverMs: number;
  /** SIGKILL to the first 2xx of a chunk sent after it. */
  firstAcceptedAfterKillMs: number;
  /** 503 bodies by code. */
  refusalCodes: Record<string, number>;
  /** Commands the apps' ACL users were refused on the new primary (should be none). */
  aclDenials: number;
}

const ROUTER_PASSWORD = 'sentinel-chaos-router';
const WORKER_PASSWORD = 'sentinel-chaos-worker';
const SESSION = 'sentinel-chaos';
const CHUNK = speechWav('alpha');
/** Where the session's keys are: one node's names (Sentinel keeps one primary, REDIS_PARTITIONS=1). */
const KEYS = new KeyScheme(SINGLE_NODE_KEYS);
const SESSION_REF = KEYS.session('default', SESSION);

/**
 * Router and worker-deepgram as real processes on a Sentinel-managed primary, a load generator
 * posting chunks at a steady rate with their own chunk ids, and the primary SIGKILLed mid-run.
 * Counted afterwards on the promoted primary: every chunk the router acknowledged must be in the
 * session's chunk index and have exactly one result.
 */
export async function runSentinelChaos(options: SentinelChaosOptions): Promise<SentinelChaosReport> {
  const redis = await SentinelHarness.start({
    aclUsers: [
      aclSetUserArgs(redisAclUser('router'), ROUTER_PASSWORD),
      aclSetUserArgs(redisAclUser('worker'), WORKER_PASSWORD),
    ],
  });
  const deepgram = await FakeDeepgramServer.start();
  const apps: AppProcess[] = [];
  try {
    // REDIS_URL's host is never used behind Sentinel: only its user, password and scheme.
    const sentinel = { REDIS_SENTINELS: redis.sentinels, REDIS_SENTINEL_MASTER: redis.masterName };
    apps.push(
      await startDeepgramWorker(
        `redis://streamscribe-worker:${WORKER_PASSWORD}@sentinel-managed:6379`,
        deepgram,
        {
          ...sentinel,
          HEARTBEAT_INTERVAL_MS: '200',
          WORKER_CONCURRENCY: '8',
        },
      ),
    );
    const [port, managementPort] = [await freePort(), await freePort()];
    apps.push(
      await AppProcess.start('router', {
        ...sentinel,
        REDIS_URL: `redis://streamscribe-router:${ROUTER_PASSWORD}@sentinel-managed:6379`,
        REDIS_DURABILITY: options.durability,
        REDIS_WAIT_REPLICAS: '1',
        REDIS_WAIT_TIMEOUT_MS: '500',
        PORT: String(port),
        MANAGEMENT_PORT: String(managementPort),
        LOAD_CACHE_MS: '0',
        ADMIN_API_KEY: TEST_ADMIN_API_KEY,
      }),
    );
    return await drive(redis, `http://127.0.0.1:${port}`, options);
  } finally {
    // SENTINEL_CHAOS_LOGS=<dir>: the apps' logs, for a run that went wrong.
    const logDir = process.env['SENTINEL_CHAOS_LOGS'];
    if (logDir) mkdirSync(logDir, { recursive: true });
    if (logDir)
      for (const app of apps) writeFileSync(join(logDir, `${options.durability}-${app.name}.log`), app.logs);
    for (const app of apps.reverse()) await app.stop('SIGKILL');
    await deepgram.close();
    await redis.stop();
  }
}

async function drive(
  redis: SentinelHarness,
  base: string,
  options: SentinelChaosOptions,
): Promise<SentinelChaosReport> {
  const accepted = new Set<string>();
  const refusalCodes: Record<string, number> = {};
  let refused = 0;
  let failed = 0;
  let killedAt = 0;
  let firstAcceptedAfterKill = 0;
  let failover: Promise<{ waitedMs: number }> | undefined;
  const requests: Promise<void>[] = [];
  const send = async (chunkId: string) => {
    const sentAfterKill = killedAt > 0;
    try {
      const response = await keyedFetch(`${base}/v1/sessions/${SESSION}/chunks?chunkId=${chunkId}`, {
        method: 'POST',
        headers: { 'content-type': 'audio/wav' },
        body: CHUNK,
      });
      const body = (await response.json().catch(() => ({}))) as { code?: string };
      if (response.ok) {
        accepted.add(chunkId);
        if (sentAfterKill && !firstAcceptedAfterKill) firstAcceptedAfterKill = Date.now();
      } else if (response.status === 503) {
        refused += 1;
        refusalCodes[body.code ?? 'none'] = (refusalCodes[body.code ?? 'none'] ?? 0) + 1;
      } else failed += 1;
    } catch {
      failed += 1;
    }
  };
  const started = Date.now();
  for (let i = 0; i < options.chunks; i += 1) {
    // Steady rate against the clock, so a stall (the failover) does not stretch the schedule.
    const due = started + (i * 1000) / options.chunksPerSecond;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    if (i === options.killAtChunk) {
      killedAt = Date.now();
      await redis.killPrimary();
      failover = redis.waitForFailover().then(async (promoted) => {
        // Back as the promoted node's replica, so WAIT has a replica to count again.
        await redis.restartKilledAsReplica();
        return promoted;
      });
    }
    requests.push(send(`c-${String(i).padStart(6, '0')}`));
  }
  await Promise.all(requests);
  const { waitedMs } = await (failover ?? Promise.resolve({ waitedMs: 0 }));
  const counted = await countOnPrimary(redis, accepted, options.settleTimeoutMs);
  return {
    mode: options.durability,
    sent: options.chunks,
    accepted: accepted.size,
    refused,
    failed,
    ...counted,
    failoverMs: waitedMs,
    firstAcceptedAfterKillMs: firstAcceptedAfterKill ? firstAcceptedAfterKill - killedAt : -1,
    refusalCodes,
  };
}

/**
 * On the promoted primary: accepted chunks missing from the session's chunk index, or with no
 * result once results stop arriving (or settleTimeoutMs passes), and chunk ids with two results.
 */
async function countOnPrimary(
  redis: SentinelHarness,
  accepted: ReadonlySet<string>,
  settleTimeoutMs: number,
): Promise<
  Pick<SentinelChaosReport, 'acceptedButLost' | 'indexed' | 'withResult' | 'duplicates' | 'aclDenials'>
> {
  const client = redis.primary.client();
  try {
    // The chunk index holds `c:<chunk id>` for every chunk ingested (ingest-chunk script).
    const indexed = new Set(
      Object.keys(await client.hgetall(KEYS.sessionChunksKey(SESSION_REF)))
        .filter((field) => field.startsWith('c:'))
        .map((field) => field.slice(2)),
    );
    const results = await resultsWhenSettled(client, accepted, settleTimeoutMs);
    const lost = [...accepted].filter((id) => !indexed.has(id) || !results.has(id));
    const duplicates = [...results.values()].filter((count) => count > 1).length;
    const aclDenials = ((await client.call('ACL', 'LOG')) as unknown[]).length;
    return {
      acceptedButLost: lost.length,
      indexed: [...accepted].filter((id) => indexed.has(id)).length,
      withResult: [...accepted].filter((id) => results.has(id)).length,
      duplicates,
      aclDenials,
    };
  } finally {
    client.disconnect();
  }
}

/** Results per chunk id, read until every accepted chunk has one or nothing new came for 5 s. */
async function resultsWhenSettled(
  client: Redis,
  accepted: ReadonlySet<string>,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  let quietSince = Date.now();
  for (;;) {
    const entries = await client.xrange(KEYS.sessionResultsStream(SESSION_REF), '-', '+');
    const counts = new Map<string, number>();
    for (const [, flat] of entries) {
      const id = recordFromPairs(flat)['chunk_id'];
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    if ([...accepted].every((id) => counts.has(id))) return counts;
    if (entries.length !== last) [last, quietSince] = [entries.length, Date.now()];
    if (Date.now() > deadline || Date.now() - quietSince > 5000) return counts;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function formatSentinelChaosTable(reports: readonly SentinelChaosReport[]): string {
  const header = [
    'mode',
    'sent',
    'accepted',
    'refused (503)',
    'other failures',
    'accepted-but-lost',
    'duplicates',
    'failover ms',
    'first 2xx after kill ms',
  ];
  const rows = reports.map((r) => [
    r.mode,
    r.sent,
    r.accepted,
    r.refused,
    r.failed,
    r.acceptedButLost,
    r.duplicates,
    r.failoverMs,
    r.firstAcceptedAfterKillMs,
  ]);
  const lines = [header, ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  lines.splice(1, 0, `|${header.map(() => ' --- ').join('|')}|`);
  const codes = reports.map(
    (r) =>
      `${r.mode}: accepted ${r.accepted}, in the chunk index ${r.indexed}, with a result ${r.withResult}; 503 codes ${JSON.stringify(r.refusalCodes)}, ACL denials ${r.aclDenials}`,
  );
  return [...lines, ...codes].join('\n');
}
