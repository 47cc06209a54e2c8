import { counter, gauge } from '@streamscribe/observability';

export const admissionMetrics = {
  refusals: counter({
    name: 'streamscribe_admission_refusals_total',
    help: 'New work refused by admission control, by reason (backlog: 429, redis_memory: 503) and provider (`all` for memory)',
    labelNames: ['reason', 'provider'] as const,
  }),
  estimatedWait: gauge({
    name: 'streamscribe_admission_estimated_wait_seconds',
    help: "How long a chunk queued now would wait for a worker slot: the provider's backlog (lag + pending, all partitions) × measured service time / slots; absent when unknown",
    labelNames: ['provider'] as const,
  }),
  memoryUsedRatio: gauge({
    name: 'streamscribe_admission_redis_memory_used_ratio',
    help: 'used_memory / maxmemory of the Redis server (the fullest Cluster primary) as admission control last read it; absent without maxmemory',
  }),
};
