export * from './lib/select-provider';
export * from './lib/failover';
export * from './lib/retry-backoff';
