export { DEFAULT_PROVIDER_PROFILES } from './lib/routing/provider-profile';
export type { RoutingCapabilities } from './lib/routing/provider-profile';
export type { BreakerState, ProviderState } from './lib/routing/provider-state';
export type { RoutingRequirements } from './lib/routing/capability-filter';
export { selectProvider } from './lib/routing/select-provider';
export type { RoutingReason, RoutingRequest } from './lib/routing/select-provider';
export { nextProvider } from './lib/failover';
export { retryDelayMs } from './lib/retry-backoff';
