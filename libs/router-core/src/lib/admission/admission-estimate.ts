import type { ProviderName } from '@streamscribe/contracts';

/**
 * Admission control's arithmetic, pure: how long a new chunk would wait behind a provider's
 * backlog, how far Redis memory is into its reserved headroom, and what Retry-After to send.
 */

/** One provider fleet's backlog, summed over the stream's partitions, with its measured service time. */
export interface ProviderBacklog {
  provider: ProviderName;
  /** Entries not yet delivered plus delivered and not acknowledged (XINFO GROUPS lag + pending). */
  backlog: number;
  liveConsumers: number;
  /** Chunks the fleet works on at once: live consumers × their announced slots. */
  slots: number;
  /** Mean seconds one chunk holds a worker slot (the health window, else the last one measured). */
  serviceSeconds?: number;
  /** How long a chunk queued now would wait for a slot; undefined when unknown (no live consumer, no measurement). */
  estimatedWaitMs?: number;
}

/** Redis memory as INFO memory reports it; `maxmemoryBytes` 0 means no limit. */
export interface RedisMemory {
  usedBytes: number;
  maxmemoryBytes: number;
}

/** A provider over the wait bound, and by how much. */
export interface BacklogOverload {
  provider: ProviderName;
  estimatedWaitMs: number;
  maxWaitMs: number;
  overByMs: number;
  backlog: number;
  slots: number;
  serviceSeconds: number;
}

/** Redis memory inside its reserved headroom, and by how much. */
export interface MemoryOverload {
  usedBytes: number;
  /** maxmemory × (1 − headroom): new work stops here. */
  limitBytes: number;
  maxmemoryBytes: number;
  overByBytes: number;
}

/** backlog × service time / slots: the queue ahead of the chunk, worked off `slots` at a time. */
export function estimateWaitMs(backlog: number, serviceSeconds: number, slots: number): number {
  if (backlog <= 0) return 0;
  return (backlog * serviceSeconds * 1000) / Math.max(1, slots);
}

/** The backlog reading with its estimate: unknown without a live consumer or a measured service time. */
export function withEstimate(backlog: Omit<ProviderBacklog, 'estimatedWaitMs'>): ProviderBacklog {
  const known = backlog.liveConsumers > 0 && backlog.serviceSeconds !== undefined;
  return {
    ...backlog,
    estimatedWaitMs: known
      ? estimateWaitMs(backlog.backlog, backlog.serviceSeconds as number, backlog.slots)
      : undefined,
  };
}

/** The provider's overload when its estimate is over `maxWaitMs` (0 turns the check off). */
export function backlogOverload(backlog: ProviderBacklog, maxWaitMs: number): BacklogOverload | undefined {
  const wait = backlog.estimatedWaitMs;
  if (maxWaitMs <= 0 || wait === undefined || wait <= maxWaitMs) return undefined;
  return {
    provider: backlog.provider,
    estimatedWaitMs: Math.round(wait),
    maxWaitMs,
    overByMs: Math.round(wait - maxWaitMs),
    backlog: backlog.backlog,
    slots: backlog.slots,
    serviceSeconds: backlog.serviceSeconds as number,
  };
}

/**
 * Memory's overload once used memory reaches maxmemory × (1 − headroom); none without a maxmemory
 * (0: Redis has no limit, nothing to measure against) or with a headroom of 0 (check off).
 */
export function memoryOverload(
  memory: RedisMemory | undefined,
  headroom: number,
): MemoryOverload | undefined {
  if (!memory || memory.maxmemoryBytes <= 0 || headroom <= 0) return undefined;
  const limitBytes = Math.floor(memory.maxmemoryBytes * (1 - headroom));
  if (memory.usedBytes < limitBytes) return undefined;
  return {
    usedBytes: memory.usedBytes,
    limitBytes,
    maxmemoryBytes: memory.maxmemoryBytes,
    overByBytes: memory.usedBytes - limitBytes,
  };
}

/**
 * Retry-After for a backlog refusal: with no new arrivals the estimate falls one second per second
 * (the fleet works the queue off at slots / service time), so the bound is met again after
 * `overByMs`. When several providers could take the chunk, the first to fall under it counts.
 */
export function backlogRetryAfterSeconds(overloads: readonly BacklogOverload[]): number {
  const soonest = Math.min(...overloads.map((o) => o.overByMs));
  return clampSeconds(soonest / 1000, 1, MAX_RETRY_AFTER_SECONDS);
}

/**
 * Retry-After for a memory refusal: at the rate memory fell between the last two readings, when
 * it did; otherwise the time the longest backlog needs to drain (its acknowledged entries are
 * then trimmed). At least MIN_MEMORY_RETRY_AFTER_SECONDS: memory seldom frees within a second.
 */
export function memoryRetryAfterSeconds(
  overload: MemoryOverload,
  fallingBytesPerSecond: number | undefined,
  longestWaitMs: number,
): number {
  const seconds =
    fallingBytesPerSecond !== undefined && fallingBytesPerSecond > 0
      ? overload.overByBytes / fallingBytesPerSecond
      : longestWaitMs / 1000;
  return clampSeconds(seconds, MIN_MEMORY_RETRY_AFTER_SECONDS, MAX_RETRY_AFTER_SECONDS);
}

/** `used_memory` and `maxmemory` from an INFO memory reply; undefined when either is missing. */
export function parseInfoMemory(info: string): RedisMemory | undefined {
  const used = /^used_memory:(\d+)/m.exec(info)?.[1];
  const max = /^maxmemory:(\d+)/m.exec(info)?.[1];
  if (used === undefined || max === undefined) return undefined;
  return { usedBytes: Number(used), maxmemoryBytes: Number(max) };
}

/** Of several servers (Cluster primaries), the one deepest into its headroom (or closest to it). */
export function tightestMemory(readings: readonly RedisMemory[]): RedisMemory | undefined {
  const limited = readings.filter((m) => m.maxmemoryBytes > 0);
  if (limited.length === 0) return readings[0];
  return limited.reduce((a, b) => (b.usedBytes / b.maxmemoryBytes > a.usedBytes / a.maxmemoryBytes ? b : a));
}

export const MIN_MEMORY_RETRY_AFTER_SECONDS = 5;
export const MAX_RETRY_AFTER_SECONDS = 300;

function clampSeconds(seconds: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.ceil(seconds)));
}
