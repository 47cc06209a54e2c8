import type Redis from 'ioredis';
import { ProviderName, providerGroup, providerHeartbeatKey } from '@streamscribe/contracts';
import { readGroupLoads } from '../load/group-load.reader';

/** Why a provider stream cannot take a re-driven letter now. */
export type RedriveRefusal = 'no_consumer_group' | 'no_live_worker';

export interface RedriveTargetOptions {
  /** The provider stream the letter would go to (KeyScheme.providerStream). */
  stream: string;
  /** A worker whose heartbeat is older than this is not live, in ms (CONSUMER_LIVENESS_MS). */
  livenessMs: number;
  /** Fleets of classic consumers write no heartbeat: a registered consumer counts as live. */
  classicFleets?: readonly ProviderName[];
}

/**
 * Whether a re-drive to `provider` would be read: its stream needs the fleet's consumer group
 * (an XADD to a stream with no group is never delivered; one created later starts at `$` and
 * skips it) and a live worker. Either missing, the letter would leave the dead-letter stream and
 * be orphaned, so the re-drive is refused and the letter stays where an operator can see it.
 */
export async function redriveRefusal(
  client: Redis,
  provider: ProviderName,
  options: RedriveTargetOptions,
): Promise<RedriveRefusal | undefined> {
  const [load] = await readGroupLoads(
    client,
    [
      {
        stream: options.stream,
        group: providerGroup(provider),
        presenceKey: providerHeartbeatKey(provider),
      },
    ],
    options.livenessMs,
  );
  if (!load.exists) return 'no_consumer_group';
  // A classic fleet's idle consumers are invisible until handed an entry: its group is enough.
  if (load.liveConsumers === 0 && !options.classicFleets?.includes(provider)) return 'no_live_worker';
  return undefined;
}
