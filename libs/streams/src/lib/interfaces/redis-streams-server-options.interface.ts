import type { Logger } from '@streamscribe/observability';
import type { RedisTlsOptions, RedisTopology } from '@streamscribe/redis';

export interface RedisStreamsServerOptions {
  /** Redis URL, e.g. redis://127.0.0.1:6379. */
  url: string;
  /** TLS for a rediss:// URL, on every connection the transport opens (`redisTlsFrom`); undefined for plain TCP. */
  tls: RedisTlsOptions | undefined;
  /** Where the nodes are (`redisTopologyFrom`): one server, Sentinel or Cluster. */
  topology: RedisTopology;
  /** Consumer group for a stream (handlers are registered by stream key). */
  groupFor: (stream: string) => string;
  /** Consumer name, unique per process across hosts. */
  consumer: string;
  /**
   * Entries handled at once by this process.
   * @defaultValue 8
   */
  concurrency?: number;
  /**
   * How long one XREADGROUP blocks waiting for entries, in ms. Also bounds how long `close()`
   * waits for the read loop to notice it should stop.
   * @defaultValue 2000
   */
  blockMs?: number;
  /** Sorted set a heartbeat is written to (consumer → time), so routers see live consumers. */
  presenceKeyFor?: (group: string) => string;
  /**
   * Heartbeat period in ms.
   * @defaultValue 2000
   */
  presenceIntervalMs?: number;
  /**
   * How long `close()` lets in-flight handlers finish before giving up on them (they stay pending
   * for a peer to reclaim), in ms.
   * @defaultValue 10000
   */
  drainTimeoutMs?: number;
  /**
   * Reclaims entries other consumers (crashed, killed) left pending longer than `minIdleMs`.
   * Off when absent.
   */
  reclaim?: ReclaimOptions;
  /** Retention and housekeeping of the streams and groups this server consumes. Off when absent. */
  maintenance?: MaintenanceOptions;
  logger: Logger;
}

export interface MaintenanceOptions {
  /** How often to run, in ms. */
  intervalMs: number;
  /** Trim each stream below what every group delivered and acknowledged. */
  trim: boolean;
  /** Delete consumers (and heartbeats) idle this long with nothing pending, in ms. */
  reapIdleMs: number;
}

export interface ReclaimOptions {
  /** Pending this long without an ack means its consumer is gone, in ms. Longer than the slowest chunk. */
  minIdleMs: number;
  /** How often to sweep, in ms. */
  intervalMs: number;
}
