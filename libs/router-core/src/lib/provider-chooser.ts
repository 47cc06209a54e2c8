import { Injectable } from '@nestjs/common';
import { ProviderName } from '@streamscribe/contracts';
import {
  DEFAULT_PROVIDER_PROFILES,
  RoutingReason,
  RoutingRequest,
  selectProvider,
} from '@streamscribe/routing-policy';
import { apiError } from './http/api-error';
import { ProviderStateMonitor } from './provider-state.monitor';

export interface ChosenProvider {
  provider: ProviderName;
  reason: RoutingReason;
  /** This chunk is the probe of a half-open breaker. */
  probe: boolean;
}

/**
 * Runs the routing policy on the current fleet snapshot. When the policy picks a half-open
 * provider, the chunk goes there only if this router wins its probe slot; otherwise the policy
 * runs again without it, so a recovering provider gets one chunk at a time, not a flood.
 */
@Injectable()
export class ProviderChooser {
  constructor(private readonly fleets: ProviderStateMonitor) {}

  /** The longest audio `provider` takes in one call: what its workers declare, else its profile's. */
  async maxAudioSeconds(provider: ProviderName): Promise<number> {
    const { states } = await this.fleets.current();
    const declared = states.find((s) => s.provider === provider)?.capabilities;
    return (declared ?? DEFAULT_PROVIDER_PROFILES[provider].capabilities).maxAudioSeconds;
  }

  async choose(request: RoutingRequest): Promise<ChosenProvider> {
    const { states } = await this.fleets.current();
    const exclude = [...(request.exclude ?? [])];
    for (;;) {
      const decision = selectProvider({ ...request, exclude }, states);
      if (!decision.ok) {
        // What a client asked for that no provider offers is the client's to know; which workers
        // are down or failing is fleet state, for the log and GET /v1/providers.
        throw decision.status === 422
          ? apiError(422, 'no_capable_provider', decision.message)
          : apiError(
              503,
              'no_provider_available',
              'no provider can take this audio now; retry shortly',
              decision.message,
            );
      }
      if (!decision.probe) return decision;
      if (await this.fleets.health.claimProbe(decision.provider)) {
        this.fleets.invalidate();
        return decision;
      }
      exclude.push(decision.provider);
    }
  }
}
