export * from './lib/routing/provider-profile';
export * from './lib/routing/provider-state';
export * from './lib/routing/capability-filter';
export * from './lib/routing/select-provider';
export * from './lib/failover';
export * from './lib/retry-backoff';
export * from './lib/consensus/rover';
