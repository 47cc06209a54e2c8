export { createLogger, maskRedisUrl } from './lib/logger';
export type { Logger } from './lib/logger';
export { counter, gauge, histogram, LATENCY_BUCKETS, metricsRegistry } from './lib/metrics';
export { READINESS_CHECKS } from './lib/health/readiness-check';
export type { ReadinessCheck } from './lib/health/readiness-check';
export { NestJsonLogger } from './lib/nest-logger';
export { exitCleanlyOnSignals } from './lib/exit-cleanly-on-signals';
export { BREAKER_STATE_METRIC, COST_METRIC, STREAM_METRICS } from './lib/metric-names';
export { reachableCheck } from './lib/health/reachable-check';
export {
  REDACTED,
  SECRET_VARIABLE_NAME,
  redactText,
  redactValue,
  registerSecret,
  registerSecretsFromEnvironment,
} from './lib/redaction/redact';
export { exitOnStartFailure } from './lib/exit-on-start-failure';
export { ManagementServer } from './lib/management/management-server';
export type { ManagementEndpoint } from './lib/management/management-server';
