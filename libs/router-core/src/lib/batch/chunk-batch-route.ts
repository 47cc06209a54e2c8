import type { Request } from 'express';

/** The batched ingest's route under `/v1/sessions` (the path as a middleware mounted there sees it). */
const CHUNK_BATCH_PATH = /^\/[^/]+\/chunks\/batch\/?$/;

/** Whether the request is `POST /v1/sessions/{id}/chunks/batch`, whose body limit is MAX_BATCH_BYTES. */
export function isChunkBatch(request: Request): boolean {
  return request.method === 'POST' && CHUNK_BATCH_PATH.test(request.path);
}

export function notChunkBatch(request: Request): boolean {
  return !isChunkBatch(request);
}
