import type { BreakerState, RoutingCapabilities } from '@streamscribe/routing-policy';

/** One provider's health over the window, as the health hash tells it. */
export interface ProviderHealth {
  breaker: {
    state: BreakerState;
    /** Epoch ms when an open breaker lets a probe through. */
    openUntil?: number;
    /** Why it last moved. */
    reason?: string;
  };
  /** Calls in the window. */
  okCount: number;
  errorCount: number;
  /** errors / calls over the window; 0 without calls. */
  errorRate: number;
  /** Mean provider seconds per audio second over the window. */
  latencyPerAudioSecond?: number;
  /** p50 and p95 of provider seconds per audio second over the window. */
  latencyPerAudioSecondP50?: number;
  latencyPerAudioSecondP95?: number;
  /** Mean seconds one successful call took. */
  serviceSeconds?: number;
  slotsPerConsumer?: number;
  /** As the fleet's workers announced them. */
  capabilities?: RoutingCapabilities;
  /** Since the hash was created. */
  audioSecondsTotal: number;
  okTotal: number;
  errorTotal: number;
}
