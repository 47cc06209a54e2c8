import type Redis from 'ioredis';
import type { Gauge } from 'prom-client';
import { Logger, STREAM_METRICS, counter, gauge } from '@streamscribe/observability';
import { GroupStats, WatchedGroup, readStreamStats } from './stream-stats.reader';

export interface StreamLagCollectorOptions {
  /** The provider fleets to report: each stream's length, its group's lag, pending and consumers. */
  groups: readonly WatchedGroup[];
  /** Streams reported by length only (failures, dead letters). */
  plainStreams?: readonly string[];
  /** A consumer idle longer than this (ms) is not counted live. */
  livenessMs: number;
  /** A scrape waits this long (ms) for Redis, then reports the streams as unknown. */
  timeoutMs: number;
  logger: Logger;
}

type Snapshot = { groups: GroupStats[]; streamLengths: Map<string, number> };

/** Collectors started in this process; every scrape reads them all, once. */
const active = new Set<StreamLagCollector>();
let inFlight: Promise<Snapshot[]> | undefined;

/**
 * One Redis read per scrape, shared by every gauge: prom-client calls each gauge's `collect`
 * in the same tick, so they all get the read already in flight.
 */
function readActiveCollectors(): Promise<Snapshot[]> {
  inFlight ??= Promise.all([...active].map((collector) => collector.read())).finally(
    () => (inFlight = undefined),
  );
  return inFlight;
}

/** Fills a gauge from a fresh read at scrape time, so it shows what Redis says now, never a stale value. */
function collectedGauge(
  name: string,
  help: string,
  labelNames: readonly string[],
  fill: (g: Gauge, s: Snapshot) => void,
): Gauge {
  return gauge({
    name,
    help,
    labelNames,
    async collect() {
      const snapshots = await readActiveCollectors();
      this.reset();
      for (const snapshot of snapshots) fill(this, snapshot);
    },
  });
}

/**
 * `partition` is the provider stream's partition (REDIS_PARTITIONS; "0" with one): a fleet's lag
 * is the sum over its partitions, and every process that collects reports the same Redis value,
 * so dashboards and alerts read `sum by (provider) (max by (provider, partition) (...))`.
 */
const GROUP_LABELS = ['provider', 'partition', 'stream', 'group'] as const;

/** A gauge of one figure per existing consumer group (one per provider and partition). */
function groupGauge(name: string, help: string, figure: (group: GroupStats) => number): Gauge {
  return collectedGauge(name, help, GROUP_LABELS, (g, s) => {
    for (const group of s.groups) {
      if (group.exists)
        g.set(
          {
            provider: group.provider,
            partition: String(group.partition),
            stream: group.stream,
            group: group.group,
          },
          figure(group),
        );
    }
  });
}

export const streamLagMetrics = {
  length: collectedGauge(
    STREAM_METRICS.length,
    'Entries in the stream (XLEN), acknowledged or not',
    ['provider', 'partition', 'stream'],
    (g, s) => {
      for (const group of s.groups)
        g.set(
          { provider: group.provider, partition: String(group.partition), stream: group.stream },
          group.length,
        );
      for (const [stream, length] of s.streamLengths) g.set({ stream }, length);
    },
  ),
  lag: groupGauge(
    STREAM_METRICS.lag,
    "Entries not yet delivered to the provider's consumer group (XINFO GROUPS lag)",
    (group) => group.lag,
  ),
  pending: groupGauge(
    STREAM_METRICS.pending,
    'Entries delivered to a consumer and not yet acknowledged (XINFO GROUPS pending)',
    (group) => group.pending,
  ),
  consumers: groupGauge(
    STREAM_METRICS.consumers,
    'Consumers registered in the group, alive or not (XINFO GROUPS consumers)',
    (group) => group.consumers,
  ),
  liveConsumers: groupGauge(
    STREAM_METRICS.liveConsumers,
    'Consumers whose heartbeat is within the liveness window',
    (group) => group.liveConsumers,
  ),
  idlePending: groupGauge(
    STREAM_METRICS.idlePending,
    'Pending entries held by consumers idle past the liveness window (XINFO CONSUMERS): stuck until reclaimed',
    (group) => group.idlePending,
  ),
  collectErrors: counter({
    name: STREAM_METRICS.collectErrors,
    help: 'Scrapes whose stream read failed or timed out; the stream gauges are absent then',
  }),
};

/**
 * The lag collector: while started, every /metrics scrape reads XLEN, XINFO GROUPS, XINFO
 * CONSUMERS and the heartbeats for its groups and exports them as the `streamscribe_stream_*` gauges. The router
 * watches every provider; each worker watches its own stream, so a fleet's lag is visible even
 * with no router running. Several processes report the same Redis value: aggregate with max() per
 * partition, then sum the partitions.
 */
export class StreamLagCollector {
  constructor(
    private readonly redis: Redis,
    private readonly options: StreamLagCollectorOptions,
  ) {}

  start(): void {
    active.add(this);
  }

  stop(): void {
    active.delete(this);
  }

  /** Nest lifecycle: report while the app runs. */
  onModuleInit(): void {
    this.start();
  }

  onModuleDestroy(): void {
    this.stop();
  }

  /** Called from the gauges; a failure yields an empty snapshot (absent series), not a failed scrape. */
  async read(): Promise<Snapshot> {
    const { groups, plainStreams = [], livenessMs, timeoutMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([readStreamStats(this.redis, groups, plainStreams, livenessMs), timeout]);
    } catch (error) {
      streamLagMetrics.collectErrors.inc();
      this.options.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'stream lag collection failed',
      );
      return { groups: [], streamLengths: new Map() };
    } finally {
      clearTimeout(timer);
    }
  }
}
