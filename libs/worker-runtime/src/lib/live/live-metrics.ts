import { counter, gauge } from '@streamscribe/observability';

export const liveMetrics = {
  active: gauge({
    name: 'streamscribe_live_sessions_active',
    help: 'Live sessions this worker serves now',
    labelNames: ['provider'] as const,
  }),
  taken: counter({
    name: 'streamscribe_live_sessions_taken_total',
    help: 'Live session assignments this worker took the lease of',
    labelNames: ['provider'] as const,
  }),
  failures: counter({
    name: 'streamscribe_live_failures_total',
    help: 'Live sessions a worker gave up, by code (provider_dropped, provider_stalled, provider_error, provider_refused, worker_draining) or lost (lease_lost)',
    labelNames: ['provider', 'code'] as const,
  }),
  finals: counter({
    name: 'streamscribe_live_finals_total',
    help: 'Final live results written (epoch-fenced, finalized offset advanced)',
    labelNames: ['provider'] as const,
  }),
  replayedBytes: counter({
    name: 'streamscribe_live_replayed_bytes_total',
    help: "Audio bytes a worker replayed from a live session's log backlog (takeovers and late starts)",
    labelNames: ['provider'] as const,
  }),
  malformedEntries: counter({
    name: 'streamscribe_live_malformed_log_entries_total',
    help: 'Audio-log entries skipped because they did not decode',
    labelNames: ['provider'] as const,
  }),
};
