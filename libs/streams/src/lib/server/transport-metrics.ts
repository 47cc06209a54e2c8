import type { MessageHandler } from '@nestjs/microservices';
import type { Counter, Histogram } from 'prom-client';
import { LATENCY_BUCKETS, counter, histogram } from '@streamscribe/observability';

export const transportMetrics = {
  entries: counter({
    name: 'streamscribe_stream_entries_total',
    help: 'Stream entries handled by this process, by outcome (acked: the handler succeeded; failed_pending: it threw, the entry stays pending)',
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
    help: "Pending entries whose data was deleted or trimmed, dropped from the PEL by the reclaim sweep's XCLAIM",
    labelNames: ['stream', 'group'] as const,
  }),
};

/** What the transport needs per entry of one stream, resolved once when it starts consuming. */
export interface StreamBinding {
  handler: MessageHandler;
  handlerSeconds: Histogram.Internal<string>;
  acked: Counter.Internal;
  leftPending: Counter.Internal;
}

export function bindStream(stream: string, group: string, handler: MessageHandler): StreamBinding {
  return {
    handler,
    handlerSeconds: transportMetrics.handlerSeconds.labels(stream, group),
    acked: transportMetrics.entries.labels(stream, group, 'acked'),
    leftPending: transportMetrics.entries.labels(stream, group, 'failed_pending'),
  };
}
