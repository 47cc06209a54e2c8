import type { ProviderName } from './providers';

/** What the router knows about one provider's fleet when it routes a chunk. */
export interface ProviderLoad {
  provider: ProviderName;
  /** Entries waiting in the group (not yet delivered). */
  lag: number;
  /** Entries delivered and not yet acknowledged. */
  pending: number;
  /** Consumers with a recent heartbeat. */
  liveConsumers: number;
}
