import { BREAKER_STATE_METRIC } from './metric-names';
import { gauge } from './metrics';

/**
 * Declared here, not where it is set, so every app exports the same family with the same labels
 * and the dashboards' breaker panels have one name to query: the routing work sets the breaker
 * state (router and workers share it through Redis). The cost counter (COST_METRIC) lives with the
 * cost accounting in worker-runtime, which increments it as results are written.
 */
export const routingAndCostMetrics = {
  breakerState: gauge({
    name: BREAKER_STATE_METRIC,
    help: 'Circuit breaker per provider: 0 closed, 1 half-open, 2 open',
    labelNames: ['provider'] as const,
  }),
};
