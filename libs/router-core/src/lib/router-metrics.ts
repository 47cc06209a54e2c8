import { counter } from '@streamscribe/observability';

export const routerMetrics = {
  chunksIngested: counter({
    name: 'streamscribe_chunks_ingested_total',
    help: 'Chunks accepted by the router, by provider and routing reason',
    labelNames: ['provider', 'reason'] as const,
  }),
  filesQueued: counter({
    name: 'streamscribe_files_queued_total',
    help: 'Whole-file uploads queued, by how they went to the provider (whole or chunks) and why',
    labelNames: ['mode', 'reason'] as const,
  }),
  fileCuts: counter({
    name: 'streamscribe_file_cuts_total',
    help: 'Cuts made in whole files: fixed (every chunkSeconds), pause (where the VAD found no speech), forced (inside speech, overlapped)',
    labelNames: ['cut'] as const,
  }),
  rejected: counter({
    name: 'streamscribe_requests_rejected_total',
    help: 'Requests refused, by HTTP status',
    labelNames: ['status'] as const,
  }),
};
