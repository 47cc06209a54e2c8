export { DEFAULT_HEALTH_SETTINGS, healthSettingsFrom } from './lib/health-settings';
export type { HealthSettings } from './lib/health-settings';
export { LATENCY_BUCKETS } from './lib/latency-histogram';
export type { ProviderHealth } from './lib/provider-health';
export { ProviderHealthRecorder } from './lib/provider-health.recorder';
export type { ProviderOutcome } from './lib/provider-health.recorder';
export { ProviderHealthReader } from './lib/provider-health.reader';
