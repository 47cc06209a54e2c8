import { HttpException } from '@nestjs/common';
import { AudioIntake } from '../audio-intake/audio-intake.service';
import { BatchChunkAudio, ChunkBatchResult, rejectedChunk } from './chunk-batch';
import { ChunkBatchItem } from './chunk-batch-body';

/** A chunk's own audio refusals: bad audio, too long once decoded, a type not taken. */
const CHUNK_REFUSALS = new Set([400, 413, 415]);

/**
 * Each chunk of a batch through the same audio checks as a single chunk (`AudioIntake.read`: WAV
 * and L16 inspected, compressed audio decoded), its refusal (400/413/415) becoming that chunk's
 * `rejected` result instead of failing the batch. Anything else (the client left, a bug) still
 * fails the whole request.
 */
export async function readBatchAudio(
  intake: AudioIntake,
  items: readonly ChunkBatchItem[],
  signal?: AbortSignal,
): Promise<{ chunks: BatchChunkAudio[]; rejected: ChunkBatchResult[] }> {
  const chunks: BatchChunkAudio[] = [];
  const rejected: ChunkBatchResult[] = [];
  for (const item of items) {
    if ('problem' in item) {
      rejected.push({
        index: item.index,
        status: 'rejected',
        ...item.problem,
        ...(item.chunkId ? { chunkId: item.chunkId } : {}),
      });
      continue;
    }
    try {
      const { body, audio } = await intake.read(item.audio, item.header.contentType, 'chunk', signal);
      chunks.push({ index: item.index, header: item.header, body, audio });
    } catch (error) {
      if (!(error instanceof HttpException) || !CHUNK_REFUSALS.has(error.getStatus())) throw error;
      rejected.push(rejectedChunk(item.index, error, item.header.chunkId));
    }
  }
  return { chunks, rejected };
}
