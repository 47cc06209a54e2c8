import { LATENCY_BUCKETS, counter, histogram } from '@streamscribe/observability';

export const workerMetrics = {
  chunks: counter({
    name: 'streamscribe_chunks_processed_total',
    help: 'Chunks a worker finished, by provider and outcome (ok, duplicate, cancelled, provider_error, malformed)',
    labelNames: ['provider', 'outcome'] as const,
  }),
  providerSeconds: histogram({
    name: 'streamscribe_provider_request_seconds',
    help: 'Time one provider call took',
    labelNames: ['provider'] as const,
    buckets: LATENCY_BUCKETS,
  }),
  endToEndSeconds: histogram({
    name: 'streamscribe_chunk_end_to_end_seconds',
    help: 'From the chunk entering the fabric to its result being written',
    labelNames: ['provider'] as const,
    buckets: LATENCY_BUCKETS,
  }),
  audioSeconds: counter({
    name: 'streamscribe_audio_seconds_total',
    help: 'Seconds of audio transcribed',
    labelNames: ['provider'] as const,
  }),
  retries: counter({
    name: 'streamscribe_retries_total',
    help: 'Provider calls retried after a retryable error',
    labelNames: ['provider'] as const,
  }),
  failovers: counter({
    name: 'streamscribe_failovers_total',
    help: 'Chunks moved to the next provider of their chain',
    labelNames: ['from', 'to'] as const,
  }),
  deadLetters: counter({
    name: 'streamscribe_dead_letters_total',
    help: 'Entries moved to transcription:dead-letters, by reason (failed, malformed)',
    labelNames: ['provider', 'reason'] as const,
  }),
};
