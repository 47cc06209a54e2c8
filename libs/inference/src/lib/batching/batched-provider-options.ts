import type { MicroBatcherOptions } from './micro-batcher';

/** What every self-hosted provider takes: how to batch, and how long a chunk may be. */
export interface BatchedProviderOptions {
  batch: MicroBatcherOptions;
  /** Longest chunk accepted, in seconds; each provider documents its default. */
  maxAudioSeconds?: number;
}
