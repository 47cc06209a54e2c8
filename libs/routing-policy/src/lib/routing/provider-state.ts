import type { ProviderLoad } from '@streamscribe/contracts';
import type { RoutingCapabilities } from './provider-profile';

/**
 * `closed`: healthy. `open`: failing, not chosen until its open period ends. `half_open`: the open
 * period ended; one probe chunk may go, and its outcome closes or reopens the breaker.
 */
export type BreakerState = 'closed' | 'half_open' | 'open';

/** A fleet's load plus what its workers measured over the health window. */
export interface ProviderState extends ProviderLoad {
  /** @defaultValue 'closed' */
  breaker?: BreakerState;
  /** Measured mean provider seconds per audio second; absent → the profile's prior. */
  latencyPerAudioSecond?: number;
  /** Measured mean seconds one chunk holds a worker slot; absent → prior latency × chunk length. */
  serviceSeconds?: number;
  /** Chunks each consumer works on at once. @defaultValue 1 */
  slotsPerConsumer?: number;
  /** What the fleet's workers declare they can do; absent → the profile's. */
  capabilities?: RoutingCapabilities;
}
