/**
 * Which Redis deployment an app talks to: one server (REDIS_URL), a primary found through Redis
 * Sentinel, or a Redis Cluster. REDIS_URL always carries the data nodes' ACL user, password and
 * scheme (rediss:// = TLS, with the REDIS_TLS_* settings); Sentinel and Cluster only say where the
 * nodes are. Read once at startup, like the TLS settings, and required by createRedisConnection,
 * so no connection of an app can be opened against another deployment than the rest.
 */
export interface RedisTopologySettings {
  REDIS_URL: string;
  /** Comma list of `host:port` of the sentinels; set = Sentinel mode. */
  REDIS_SENTINELS: string;
  /** The master name the sentinels monitor (`sentinel monitor <name> …`). */
  REDIS_SENTINEL_MASTER: string;
  /** ACL user on the sentinels themselves, when they require one (`requirepass`/`user`). */
  REDIS_SENTINEL_USERNAME: string;
  REDIS_SENTINEL_PASSWORD: string;
  /** Comma list of `host:port` of some cluster nodes (seeds); set = Redis Cluster mode. */
  REDIS_CLUSTER_NODES: string;
}

export interface RedisNodeAddress {
  host: string;
  port: number;
}

export type RedisTopology =
  | { kind: 'single' }
  | {
      kind: 'sentinel';
      sentinels: RedisNodeAddress[];
      masterName: string;
      sentinelUsername?: string;
      sentinelPassword?: string;
    }
  | { kind: 'cluster'; nodes: RedisNodeAddress[] };

export const SINGLE_REDIS: RedisTopology = { kind: 'single' };

/** The topology the settings describe; throws a message naming the setting when they are wrong. */
export function redisTopologyFrom(settings: RedisTopologySettings): RedisTopology {
  const sentinels = settings.REDIS_SENTINELS.trim();
  const cluster = settings.REDIS_CLUSTER_NODES.trim();
  if (sentinels && cluster)
    throw new Error('REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set: a deployment is one or the other');
  if (cluster) return { kind: 'cluster', nodes: parseNodes('REDIS_CLUSTER_NODES', cluster) };
  if (!sentinels) {
    if (settings.REDIS_SENTINEL_USERNAME || settings.REDIS_SENTINEL_PASSWORD)
      throw new Error('REDIS_SENTINEL_USERNAME/PASSWORD set without REDIS_SENTINELS');
    return SINGLE_REDIS;
  }
  const masterName = settings.REDIS_SENTINEL_MASTER.trim();
  if (!masterName) throw new Error('REDIS_SENTINELS is set but REDIS_SENTINEL_MASTER is empty');
  return {
    kind: 'sentinel',
    sentinels: parseNodes('REDIS_SENTINELS', sentinels),
    masterName,
    ...(settings.REDIS_SENTINEL_USERNAME ? { sentinelUsername: settings.REDIS_SENTINEL_USERNAME } : {}),
    ...(settings.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: settings.REDIS_SENTINEL_PASSWORD } : {}),
  };
}

function parseNodes(setting: string, list: string): RedisNodeAddress[] {
  return list.split(',').map((item) => {
    const text = item.trim();
    const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(text);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65535)
      throw new Error(`${setting}: "${text}" is not host:port (a comma list of host:port is expected)`);
    return { host: match[1].replace(/^\[|\]$/g, ''), port };
  });
}
