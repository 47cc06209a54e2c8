export * from './lib/health-settings';
export * from './lib/latency-histogram';
export * from './lib/provider-health';
export * from './lib/parse-provider-health';
export * from './lib/breaker-metrics';
export * from './lib/provider-health.recorder';
export * from './lib/provider-health.reader';
