import { Gauge } from 'prom-client';
import { counter, metricsRegistry } from '@streamscribe/observability';
import type { BreakerState } from '@streamscribe/routing-policy';

const BREAKER_STATE_NAME = 'streamscribe_breaker_state';

/** Gauge values for Grafana: 0 closed, 1 half-open, 2 open. */
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  half_open: 1,
  open: 2,
};

export const breakerMetrics = {
  state:
    (metricsRegistry.getSingleMetric(BREAKER_STATE_NAME) as Gauge<'provider'> | undefined) ??
    new Gauge({
      name: BREAKER_STATE_NAME,
      help: 'Circuit breaker state per provider as this process last saw it: 0 closed, 1 half-open, 2 open',
      labelNames: ['provider'] as const,
      registers: [metricsRegistry],
    }),
  transitions: counter({
    name: 'streamscribe_breaker_transitions_total',
    help: 'Circuit breaker transitions this process caused, by provider and new state (open, closed)',
    labelNames: ['provider', 'to'] as const,
  }),
  probes: counter({
    name: 'streamscribe_breaker_probes_total',
    help: 'Half-open probe claims by this router, by provider and whether it got the probe (granted, refused)',
    labelNames: ['provider', 'outcome'] as const,
  }),
};
