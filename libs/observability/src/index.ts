export * from './lib/logger';
export * from './lib/metrics';
export * from './lib/metrics.controller';
export * from './lib/health/readiness-check';
export * from './lib/health/health.controller';
export * from './lib/observability.module';
export * from './lib/nest-logger';
export * from './lib/exit-cleanly-on-signals';
