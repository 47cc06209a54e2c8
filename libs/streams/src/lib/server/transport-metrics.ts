import { LATENCY_BUCKETS, counter, histogram } from '@streamscribe/observability';

export const transportMetrics = {
  entries: counter({
    name: 'streamscribe_stream_entries_total',
    help: 'Stream entries handled by this process, by outcome (acked, failed_settled, failed_pending)',
    labelNames: ['stream', 'group', 'outcome'] as const,
  }),
  handlerSeconds: histogram({
    name: 'streamscribe_stream_handler_seconds',
    help: 'Time from dispatch to the handler finishing, per entry',
    labelNames: ['stream', 'group'] as const,
    buckets: LATENCY_BUCKETS,
  }),
  readErrors: counter({
    name: 'streamscribe_stream_read_errors_total',
    help: 'XREADGROUP calls that failed (Redis unreachable, timeouts)',
    labelNames: ['group'] as const,
  }),
  reclaimed: counter({
    name: 'streamscribe_reclaimed_total',
    help: 'Entries claimed from consumers that left them pending past the min-idle time',
    labelNames: ['stream', 'group'] as const,
  }),
  ghostsRemoved: counter({
    name: 'streamscribe_reclaim_ghosts_removed_total',
    help: 'Pending entries whose data was deleted or trimmed, dropped from the PEL by XAUTOCLAIM',
    labelNames: ['stream', 'group'] as const,
  }),
};
