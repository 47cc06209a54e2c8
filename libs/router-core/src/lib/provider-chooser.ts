import { Injectable } from '@nestjs/common';
import { ProviderName } from '@streamscribe/contracts';
import {
  DEFAULT_PROVIDER_PROFILES,
  RoutingReason,
  RoutingRequest,
  selectProvider,
} from '@streamscribe/routing-policy';
import { AdmissionControl } from './admission/admission-control';
import { BacklogOverload } from './admission/admission-estimate';
import { apiError } from './http/api-error';
import { ProviderStateMonitor } from './provider-state.monitor';

export interface ChosenProvider {
  provider: ProviderName;
  reason: RoutingReason;
  /** This chunk is the probe of a half-open breaker. */
  probe: boolean;
}

/** `admission: false` for work already in the system (a live session's failover), which is never refused. */
export interface ChooseOptions {
  admission?: boolean;
}

/**
 * A refusal for want of a live provider is only trusted from a reading this fresh: a worker that
 * joined after the cached reading (the first request after `npm start`) must not get a 503 for
 * up to LOAD_CACHE_MS. During a real outage this bounds the extra readings to one per this long.
 */
const REFUSAL_MAX_AGE_MS = 25;

/**
 * Runs the routing policy on the current fleet snapshot. When the policy picks a half-open
 * provider, the chunk goes there only if this router wins its probe slot; otherwise the policy
 * runs again without it, so a recovering provider gets one chunk at a time, not a flood.
 *
 * Admission control (AdmissionControl, from its background snapshot: no Redis round trip) runs
 * here too, since all new work is routed here: Redis memory in its headroom refuses at once
 * (503); a provider whose backlog is over the bound is set aside like a refused probe, and the
 * policy runs again, so the chunk is refused (429) only when every provider it may go to is over.
 */
@Injectable()
export class ProviderChooser {
  constructor(
    private readonly fleets: ProviderStateMonitor,
    private readonly admission: AdmissionControl,
  ) {}

  /** Admission for work sent to several providers at once (consensus): all must be under the bound. */
  assertAdmitsAll(providers: readonly ProviderName[]): void {
    this.admission.assertAdmitsAll(providers);
  }

  /** The longest audio `provider` takes in one call: what its workers declare, else its profile's. */
  async maxAudioSeconds(provider: ProviderName): Promise<number> {
    const { states } = await this.fleets.current();
    const declared = states.find((s) => s.provider === provider)?.capabilities;
    return (declared ?? DEFAULT_PROVIDER_PROFILES[provider].capabilities).maxAudioSeconds;
  }

  async choose(request: RoutingRequest, options: ChooseOptions = {}): Promise<ChosenProvider> {
    const admit = options.admission !== false;
    const memory = admit ? this.admission.memoryRefusal() : undefined;
    if (memory) throw memory;
    let snapshot = await this.fleets.current();
    const exclude = [...(request.exclude ?? [])];
    const overloaded: BacklogOverload[] = [];
    let reread = false;
    for (;;) {
      const decision = selectProvider({ ...request, exclude }, snapshot.states);
      if (
        !decision.ok &&
        decision.status === 503 &&
        !reread &&
        Date.now() - snapshot.at > REFUSAL_MAX_AGE_MS
      ) {
        reread = true;
        snapshot = await this.fleets.current(REFUSAL_MAX_AGE_MS);
        continue;
      }
      if (!decision.ok && overloaded.length > 0 && decision.status === 503)
        throw this.admission.backlogRefusal(overloaded);
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
      const over = admit ? this.admission.backlogOf(decision.provider) : undefined;
      if (over) {
        overloaded.push(over);
        exclude.push(decision.provider);
        continue;
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
