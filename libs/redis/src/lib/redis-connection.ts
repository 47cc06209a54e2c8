import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import { Logger, ReadinessCheck, maskRedisUrl } from '@streamscribe/observability';
import type { RedisTlsOptions } from './redis-tls';
import type { RedisTopology } from './redis-topology';

export interface RedisConnectionOptions {
  /** Shown in CLIENT LIST, so `redis-cli client list` tells who holds which connection. */
  name: string;
  logger: Logger;
  /**
   * Fail commands at once while disconnected instead of queueing them. The router wants this:
   * a request must get a 503 now, not hang until Redis is back.
   */
  failFastWhenDisconnected?: boolean;
  /** Per-command timeout in ms (never on blocking connections). */
  commandTimeoutMs?: number;
  /** Batch commands issued in the same tick into one round trip. */
  autoPipelining?: boolean;
  /**
   * TLS for a rediss:// URL: `redisTlsFrom(settings)`, undefined for plain TCP. Required, so no
   * connection of an app can be opened without the REDIS_TLS_* settings the others use.
   */
  tls: RedisTlsOptions | undefined;
  /**
   * Where the nodes are: `redisTopologyFrom(settings)` (one server, Sentinel or Cluster). Required
   * for the same reason as `tls`.
   */
  topology: RedisTopology;
}

/** Reconnect delay: doubles from 50 ms up to 2 s, with jitter so a fleet does not reconnect in step. */
export function reconnectDelayMs(attempt: number): number {
  const base = Math.min(2000, 50 * 2 ** Math.min(attempt, 6));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/**
 * A connection to the deployment the topology names. With Redis Cluster the client is ioredis'
 * `Cluster`, typed as `Redis`: it takes the same commands and routes each by its first key's slot
 * (every script and pipeline keeps its keys in one `{k}` slot; see KeyScheme). `isClusterClient`
 * tells the few places that must act per node (INFO, SCAN, CLIENT UNBLOCK).
 */
export function createRedisConnection(url: string, options: RedisConnectionOptions): Redis {
  const redisOptions: RedisOptions = {
    connectionName: options.name,
    retryStrategy: reconnectDelayMs,
    enableOfflineQueue: !options.failFastWhenDisconnected,
    maxRetriesPerRequest: options.failFastWhenDisconnected ? 0 : null,
    commandTimeout: options.commandTimeoutMs,
    enableAutoPipelining: options.autoPipelining ?? false,
    lazyConnect: false,
    // No CLIENT SETINFO on connect: one round trip less, and one command less for the ACL users
    // (docs/security.md, securing Redis) to allow; CLIENT SETNAME above already says who holds a connection.
    disableClientInfo: true,
    // A primary demoted by a failover answers writes with READONLY until the client moves on:
    // reconnect (to whatever the sentinels or the cluster name primary now) and resend the command.
    reconnectOnError: (error) => (/^READONLY/.test(error.message) ? 2 : false),
    ...(options.tls ? { tls: options.tls } : {}),
  };
  const client = openClient(url, redisOptions, options);
  let down = false;
  client.on('error', (error: Error) => {
    if (!down)
      options.logger.warn(
        { err: error.message, redis: maskRedisUrl(url), connection: options.name },
        'redis connection error',
      );
    down = true;
  });
  client.on('ready', () => {
    if (down)
      options.logger.info(
        { redis: maskRedisUrl(url), connection: options.name },
        'redis connection restored',
      );
    down = false;
  });
  return client;
}

function openClient(url: string, redisOptions: RedisOptions, options: RedisConnectionOptions): Redis {
  const { topology } = options;
  if (topology.kind === 'single') return new Redis(url, redisOptions);
  if (topology.kind === 'sentinel')
    return new Redis(url, {
      ...redisOptions,
      sentinels: topology.sentinels,
      name: topology.masterName,
      role: 'master',
      sentinelUsername: topology.sentinelUsername,
      sentinelPassword: topology.sentinelPassword,
      // No failoverDetector: in ioredis 5.11 its +switch-master handler disconnects the connector,
      // and when that lands while the client is reconnecting (the primary was killed, so it is),
      // the pending connect fails with "Connection is closed" and the client ends for good (seen in
      // sentinel-chaos: router and worker never came back). Without it the client still moves: a
      // dead primary fails the connection and each reconnect asks the sentinels, and a demoted one
      // answers writes READONLY, which reconnects (reconnectOnError above).
      failoverDetector: false,
      sentinelRetryStrategy: reconnectDelayMs,
      ...(options.tls ? { enableTLSForSentinelMode: true, sentinelTLS: options.tls } : {}),
    });
  const { username, password } = new URL(url);
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      ...redisOptions,
      username: username ? decodeURIComponent(username) : undefined,
      password: password ? decodeURIComponent(password) : undefined,
    },
    clusterRetryStrategy: reconnectDelayMs,
    enableOfflineQueue: redisOptions.enableOfflineQueue,
    enableAutoPipelining: redisOptions.enableAutoPipelining,
    autoPipeliningIgnoredCommands: CLUSTER_AUTO_PIPELINING_IGNORED,
    scaleReads: 'master',
    // A slot moved by a failover: follow MOVED/ASK and retry rather than fail the command.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 200,
    slotsRefreshTimeout: 2000,
    // ioredis refreshes its slot map on a single command's MOVED and on a pipeline whose commands
    // all got the same MOVED, not on a pipeline that partly ran (auto-pipelined commands of several
    // requests): those get 503 until something refreshes it. Off by default in ioredis; every 5 s
    // bounds that to 5 s after a failover, for one CLUSTER SLOTS per client per 5 s.
    slotsRefreshInterval: 5000,
  };
  return new Cluster(topology.nodes, clusterOptions) as unknown as Redis;
}

/**
 * Commands with a subcommand before their key (XINFO GROUPS <key>, XGROUP CREATE <key> …), for
 * which ioredis (5.x) finds no key. Auto-pipelined on a Cluster client, such a command is grouped
 * by the slot of its subcommand's name ("GROUPS") and the pipeline is sent to the node of the
 * other commands' keys, not its own: a MOVED that ioredis does not follow inside a pipeline
 * (every fleet-load read of the router failed so, POST chunk answered 500). They are sent on their
 * own, routed by their key, instead.
 */
export const CLUSTER_AUTO_PIPELINING_IGNORED = ['xinfo', 'xgroup', 'object', 'memory'].flatMap((name) => [
  name,
  name.toUpperCase(),
]);

/** Whether the client is a Redis Cluster client (commands that address one node behave per node). */
export function isClusterClient(client: Redis): boolean {
  return (client as unknown as { isCluster?: boolean }).isCluster === true;
}

/** Resolves once the connection is ready (or rejects after timeoutMs). */
export async function waitUntilReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`redis not ready after ${timeoutMs} ms (status ${client.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}

/** QUIT (pending replies first), or drop the socket when Redis is not there to answer. */
export async function closeRedis(client: Redis): Promise<void> {
  await client.quit().catch(() => client.disconnect());
}

/** Readiness: Redis answers PING on this connection. */
export function redisReadinessCheck(client: Redis): ReadinessCheck {
  return { name: 'redis', check: async () => void (await client.ping()) };
}
