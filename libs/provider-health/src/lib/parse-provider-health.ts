import type { BreakerState, RoutingCapabilities } from '@streamscribe/routing-policy';
import { HealthSettings } from './health-settings';
import { LATENCY_BUCKETS, latencyQuantile } from './latency-histogram';
import { ProviderHealth } from './provider-health';

/** Reads a provider health hash (HGETALL) at `nowMs`; slots older than the window are ignored. */
export function parseProviderHealth(
  hash: Record<string, string>,
  settings: HealthSettings,
  nowMs: number,
): ProviderHealth {
  let okCount = 0;
  let errorCount = 0;
  let providerMs = 0;
  let audioSeconds = 0;
  const histogram = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (let i = 0; i < settings.slots; i++) {
    const slot = `s${i}`;
    const start = Number(hash[slot] ?? -1);
    if (!(start > nowMs - settings.windowMs)) continue;
    okCount += num(hash[`${slot}:ok`]);
    errorCount += num(hash[`${slot}:err`]);
    providerMs += num(hash[`${slot}:ms`]);
    audioSeconds += num(hash[`${slot}:audio`]);
    for (let k = 0; k < LATENCY_BUCKETS; k++) histogram[k] += num(hash[`${slot}:h${k}`]);
  }
  const stored = (hash['state'] as BreakerState | undefined) ?? 'closed';
  const openUntil = hash['open_until'] ? Number(hash['open_until']) : undefined;
  const state = stored === 'open' && openUntil !== undefined && nowMs >= openUntil ? 'half_open' : stored;
  const p50 = latencyQuantile(histogram, 0.5);
  const p95 = latencyQuantile(histogram, 0.95);
  const calls = okCount + errorCount;
  return {
    breaker: {
      state,
      openUntil: state === 'open' ? openUntil : undefined,
      reason: hash['reason'] || undefined,
    },
    okCount,
    errorCount,
    errorRate: calls === 0 ? 0 : errorCount / calls,
    latencyPerAudioSecond: audioSeconds > 0 ? providerMs / 1000 / audioSeconds : undefined,
    latencyPerAudioSecondP50: p50 === undefined ? undefined : p50 / 1000,
    latencyPerAudioSecondP95: p95 === undefined ? undefined : p95 / 1000,
    serviceSeconds: okCount > 0 ? providerMs / 1000 / okCount : undefined,
    slotsPerConsumer: hash['slots_per_consumer'] ? Number(hash['slots_per_consumer']) : undefined,
    capabilities: parseCapabilities(hash['capabilities']),
    audioSecondsTotal: num(hash['audio_seconds_total']),
    okTotal: num(hash['ok_total']),
    errorTotal: num(hash['error_total']),
  };
}

/** Announced capabilities, or undefined when absent or not what a worker writes. */
function parseCapabilities(json: string | undefined): RoutingCapabilities | undefined {
  if (!json) return undefined;
  try {
    const c = JSON.parse(json) as RoutingCapabilities;
    const languagesOk =
      c.languages === 'any' ||
      (Array.isArray(c.languages) && c.languages.every((l) => typeof l === 'string'));
    return languagesOk && typeof c.maxAudioSeconds === 'number' ? c : undefined;
  } catch {
    return undefined;
  }
}

function num(value: string | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}
