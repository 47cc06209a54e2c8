import { BREAKER_STATE_METRIC, COST_METRIC } from './metric-names';
import { counter, gauge } from './metrics';

/**
 * Declared here, not where they are set, so every app exports the same families with the same
 * labels and the dashboards' breaker and cost panels have one name to query: the routing work
 * sets the breaker state (router and workers share it through Redis), the cost accounting
 * increments the cost as results are written.
 */
export const routingAndCostMetrics = {
  breakerState: gauge({
    name: BREAKER_STATE_METRIC,
    help: 'Circuit breaker per provider: 0 closed, 1 half-open, 2 open',
    labelNames: ['provider'] as const,
  }),
  costUsd: counter({
    name: COST_METRIC,
    help: 'Transcription cost in US dollars, from the configured price table',
    labelNames: ['provider'] as const,
  }),
};
