import { Inject, Injectable } from '@nestjs/common';
import { AudioIntake } from '../audio-intake/audio-intake.service';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT } from '../tokens';
import { readBatchAudio } from './batch-audio';
import { BatchChunkAudio, ChunkBatchResult } from './chunk-batch';
import { readChunkBatch } from './chunk-batch-body';

/**
 * Reads a batched-ingest body into chunks ready to queue and chunks rejected (with their reasons),
 * within MAX_BATCH_CHUNKS and, per chunk, MAX_CHUNK_BYTES (the body as a whole is held to
 * MAX_BATCH_BYTES before it is read, see configureRouterHttp).
 */
@Injectable()
export class ChunkBatchReader {
  constructor(
    private readonly intake: AudioIntake,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
  ) {}

  read(
    body: unknown,
    contentType: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ chunks: BatchChunkAudio[]; rejected: ChunkBatchResult[] }> {
    const items = readChunkBatch(body, contentType, {
      maxChunks: this.env.MAX_BATCH_CHUNKS,
      maxChunkBytes: this.env.MAX_CHUNK_BYTES,
    });
    return readBatchAudio(this.intake, items, signal);
  }
}
