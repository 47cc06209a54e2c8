/**
 * Names of the metrics that more than one part of the system agrees on: the lag collector's
 * gauges (dashboards, alerts and the prometheus-adapter rule query them), and the breaker and
 * cost metrics that the routing and cloud work set. One place, so a rename cannot silently
 * empty a Grafana panel (tools/deploy-checks scrapes the apps and checks every panel's query).
 */
export const STREAM_METRICS = {
  /** XLEN of each provider stream and of the failures and dead-letter streams. */
  length: 'streamscribe_stream_length',
  /** XINFO GROUPS `lag`: entries in the stream not yet delivered to the group. */
  lag: 'streamscribe_stream_lag',
  /** XINFO GROUPS `pending`: delivered, not yet acknowledged. */
  pending: 'streamscribe_stream_pending',
  /** XINFO GROUPS `consumers`: registered in the group, alive or not. */
  consumers: 'streamscribe_stream_consumers',
  /** Consumers whose heartbeat is within the liveness window (what the router routes on). */
  liveConsumers: 'streamscribe_stream_live_consumers',
  /** XINFO CONSUMERS: pending entries held by consumers idle past the liveness window (stuck work). */
  idlePending: 'streamscribe_stream_idle_consumer_pending',
  /** Scrapes where reading the streams failed (Redis unreachable or too slow): no gauges then. */
  collectErrors: 'streamscribe_stream_lag_collect_errors_total',
} as const;

/** Circuit breaker per provider: 0 closed, 1 half-open, 2 open. Labels: provider. */
export const BREAKER_STATE_METRIC = 'streamscribe_breaker_state';
export const BREAKER_STATE_VALUES = { closed: 0, half_open: 1, open: 2 } as const;

/** What transcription cost, in US dollars, from the price table. Labels: provider, model. */
export const COST_METRIC = 'streamscribe_cost_usd_total';
