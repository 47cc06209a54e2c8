import type Redis from 'ioredis';
import type { ChainableCommander, Cluster } from 'ioredis';
import { counter, histogram } from '@streamscribe/observability';
import { isClusterClient } from './redis-connection';

/**
 * When a write counts as stored (REDIS_DURABILITY): `async` once the primary has it (Redis'
 * replication is asynchronous, so a primary that dies can take its last writes with it), `replica`
 * once `WAIT` says REDIS_WAIT_REPLICAS replicas have it too.
 */
export const REDIS_DURABILITY_MODES = ['async', 'replica'] as const;
export type RedisDurabilityMode = (typeof REDIS_DURABILITY_MODES)[number];

export interface ReplicaDurabilitySettings {
  REDIS_DURABILITY: string;
  REDIS_WAIT_REPLICAS: number;
  REDIS_WAIT_TIMEOUT_MS: number;
}

/** What WAIT answered after a write: how many replicas have it, against how many were asked for. */
export interface ReplicationReport {
  replicas: number;
  wanted: number;
  /** False when the write was refused before it was sent (the primary had too few replicas). */
  written?: boolean;
}

/** A primary's `connected_slaves` and when it was read (epoch ms). */
interface ReplicaReading {
  connected: number;
  atMs: number;
}

const waitMetrics = {
  shortfalls: counter({
    name: 'streamscribe_redis_wait_shortfall_total',
    help: 'Writes that WAIT did not see on REDIS_WAIT_REPLICAS replicas within REDIS_WAIT_TIMEOUT_MS (answered 503, retry safe), by what was written',
    labelNames: ['write'] as const,
  }),
  seconds: histogram({
    name: 'streamscribe_redis_replicated_write_seconds',
    help: 'A write and its WAIT for replicas, one round trip, in seconds, by what was written',
    labelNames: ['write'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  }),
};

/**
 * The write was applied on the primary, but WAIT did not see it on enough replicas in time (or
 * could not be asked: the connection broke, the node was demoted). It may survive or not; writes
 * that are idempotent can simply be sent again.
 */
export class NotReplicatedError extends Error {
  constructor(
    readonly report: ReplicationReport,
    cause?: unknown,
  ) {
    super(
      report.written === false
        ? `not written: the Redis primary has ${report.replicas} of the ${report.wanted} replicas asked for connected`
        : `written on the Redis primary but confirmed on ${report.replicas} of ${report.wanted} replicas`,
      cause === undefined ? undefined : { cause },
    );
    this.name = 'NotReplicatedError';
  }
}

/**
 * The `replica` durability mode: `WAIT <replicas> <timeout>` sent right after the writes it
 * covers, in the same pipeline. WAIT only counts the writes of the connection it is sent on, so it
 * must travel with them: one pipeline goes to one node over one socket (on Redis Cluster, the node
 * owning the pipeline's slot), where sending WAIT as a command of its own could land on another
 * socket after a reconnect and confirm nothing.
 */
export class ReplicaDurability {
  /** `connected_slaves` of the primary at the last reading, and when it was read (epoch ms). */
  private replicaReading?: ReplicaReading;
  /** On Redis Cluster: the same per primary, by node key (`host:port`). */
  private readonly nodeReadings = new Map<string, ReplicaReading>();
  private cluster?: Cluster;

  constructor(
    readonly replicas: number,
    readonly timeoutMs: number,
  ) {
    if (!Number.isInteger(replicas) || replicas < 1)
      throw new Error(`REDIS_WAIT_REPLICAS must be an integer ≥ 1, got ${replicas}`);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
      throw new Error(
        `REDIS_WAIT_TIMEOUT_MS must be an integer ≥ 1 (0 would wait forever), got ${timeoutMs}`,
      );
  }

  /** The `replica` mode's WAIT, or undefined in `async` mode (nothing to wait for). */
  static from(settings: ReplicaDurabilitySettings, primary?: Redis): ReplicaDurability | undefined {
    const durability = ReplicaDurability.parse(settings);
    if (durability && primary) durability.watchReplicas(primary);
    return durability;
  }

  private static parse(settings: ReplicaDurabilitySettings): ReplicaDurability | undefined {
    const mode = settings.REDIS_DURABILITY;
    if (mode === 'async') return undefined;
    if (mode !== 'replica')
      throw new Error(`REDIS_DURABILITY must be ${REDIS_DURABILITY_MODES.join(' or ')}, got "${mode}"`);
    return new ReplicaDurability(settings.REDIS_WAIT_REPLICAS, settings.REDIS_WAIT_TIMEOUT_MS);
  }

  /**
   * Runs `pipeline` (the writes) with WAIT appended: the writes' replies, or NotReplicatedError
   * when WAIT reports fewer replicas than asked (or failed). `write` labels the metrics (`chunk`…).
   */
  async exec(pipeline: ChainableCommander, write: string): Promise<[Error | null, unknown][]> {
    this.refuseWithoutReplicas(write, pipeline);
    pipeline.call('WAIT', this.replicas, this.timeoutMs);
    const started = process.hrtime.bigint();
    const replies = (await pipeline.exec()) ?? [];
    waitMetrics.seconds.observe({ write }, Number(process.hrtime.bigint() - started) / 1e9);
    const waitReply = replies.at(-1);
    const writes = replies.slice(0, -1);
    const [error, replicas] = waitReply ?? [new Error('WAIT got no reply'), 0];
    const report = { replicas: !error && typeof replicas === 'number' ? replicas : 0, wanted: this.replicas };
    if (error || report.replicas < this.replicas) {
      waitMetrics.shortfalls.inc({ write });
      // A write that failed outright is that failure, not a replication shortfall.
      const failed = writes.find(([writeError]) => writeError)?.[0];
      if (failed) throw failed;
      throw new NotReplicatedError(report, error ?? undefined);
    }
    return writes;
  }

  /**
   * Reads the primary's `connected_slaves` every half WAIT timeout (INFO replication, on the
   * app's own connection, in the background). WAIT blocks the connection it is sent on until it
   * answers: with no replica connected (the moment after a failover, before the old primary comes
   * back as a replica) every write would hold the connection for the whole timeout and the
   * commands behind it would time out one after another. So while the primary says it has fewer
   * replicas than asked for, writes are refused before they are sent (nothing stored; 503, retry).
   * On Redis Cluster every primary is read, and a write is judged by the primary of its slot.
   */
  private watchReplicas(primary: Redis): void {
    const cluster = isClusterClient(primary) ? (primary as unknown as Cluster) : undefined;
    this.cluster = cluster;
    const read = cluster
      ? () => this.readClusterPrimaries(cluster)
      : () =>
          readReplicas(primary).then((reading) => {
            if (reading) this.replicaReading = reading;
          });
    void read();
    setInterval(read, Math.max(100, Math.floor(this.timeoutMs / 2))).unref();
  }

  /** Every primary's reading, by the node key (`host:port`) the slot map names it with. */
  private async readClusterPrimaries(cluster: Cluster): Promise<void> {
    await Promise.all(
      cluster.nodes('master').map(async (node) => {
        const reading = await readReplicas(node);
        if (reading) this.nodeReadings.set(`${node.options.host}:${node.options.port}`, reading);
      }),
    );
  }

  /** The reading that judges this pipeline: the primary's, or on Cluster its slot's primary's. */
  private readingFor(pipeline: ChainableCommander): ReplicaReading | undefined {
    if (!this.cluster) return this.replicaReading;
    // ioredis keeps a pipeline's commands in `_queue`; the first one's slot is the pipeline's
    // (a Cluster pipeline stays in one slot).
    const queued = (pipeline as unknown as { _queue?: Array<{ getSlot(): number | null }> })._queue;
    const slot = queued?.[0]?.getSlot();
    const owner = slot === undefined || slot === null ? undefined : this.cluster.slots[slot]?.[0];
    return owner === undefined ? undefined : this.nodeReadings.get(owner);
  }

  /** Refuses a write at once when a fresh reading says its primary has too few replicas now. */
  private refuseWithoutReplicas(write: string, pipeline: ChainableCommander): void {
    const reading = this.readingFor(pipeline);
    if (!reading || Date.now() - reading.atMs > this.timeoutMs * 2) return;
    if (reading.connected >= this.replicas) return;
    waitMetrics.shortfalls.inc({ write });
    throw new NotReplicatedError({ replicas: reading.connected, wanted: this.replicas, written: false });
  }
}

/** A node's `connected_slaves` now (INFO replication), or undefined when it cannot be read. */
async function readReplicas(node: Redis): Promise<ReplicaReading | undefined> {
  const info = await node.info('replication').catch(() => undefined);
  const connected = Number(/^connected_slaves:(\d+)/m.exec(info ?? '')?.[1] ?? NaN);
  return Number.isFinite(connected) ? { connected, atMs: Date.now() } : undefined;
}
