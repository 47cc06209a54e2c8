import { KeyScheme } from './key-scheme';

/** The settings the key layout follows; every app of a deployment must agree on them. */
export interface KeySchemeSettings {
  /** Partitions per provider stream (REDIS_PARTITIONS, default 1). */
  REDIS_PARTITIONS?: number | string;
  /** Set = Redis Cluster: keys are `{k}`-tagged even with one partition. */
  REDIS_CLUSTER_NODES?: string;
}

/**
 * The key scheme an app runs with: REDIS_PARTITIONS partitions, tagged when there is more than one
 * or on Redis Cluster. One partition on one server (the default) keeps the classic key names.
 * Session code never assumes partition 0: it takes the partition from the session's SessionRef.
 */
export function keySchemeFrom(settings: KeySchemeSettings = {}): KeyScheme {
  const partitions = Number(settings.REDIS_PARTITIONS ?? 1);
  const cluster = (settings.REDIS_CLUSTER_NODES ?? '').trim() !== '';
  return new KeyScheme({ partitions, cluster });
}
