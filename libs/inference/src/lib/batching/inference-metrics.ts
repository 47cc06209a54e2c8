import { LATENCY_BUCKETS, histogram } from '@streamscribe/observability';
import type { ProviderName } from '@streamscribe/contracts';

export const inferenceMetrics = {
  batchSize: histogram({
    name: 'streamscribe_inference_batch_size',
    help: 'Items (chunk windows) one model batch held: how well the micro-batcher fills the encoder',
    labelNames: ['provider'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64],
  }),
  batchSeconds: histogram({
    name: 'streamscribe_inference_batch_seconds',
    help: 'Time one model batch took, features to decoded text',
    labelNames: ['provider'] as const,
    buckets: LATENCY_BUCKETS,
  }),
};

/** The batch function, counted: batch sizes and how long each batch took. */
export function observedBatch<I, O>(
  provider: ProviderName,
  run: (items: I[]) => Promise<O[]>,
): (items: I[]) => Promise<O[]> {
  return async (items) => {
    inferenceMetrics.batchSize.observe({ provider }, items.length);
    const end = inferenceMetrics.batchSeconds.startTimer({ provider });
    try {
      return await run(items);
    } finally {
      end();
    }
  };
}
