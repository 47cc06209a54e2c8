import { AudioFormatError } from './audio-format.error';
import { AudioShape } from './validate/validate-audio';
import { ChunkPlan } from './validate/plan-chunks';
import { WAV_HEADER_BYTES, encodeWav } from './wav/encode-wav';

/**
 * Cuts a stream of samples into standalone WAV chunks as it arrives, following `plan`: each chunk
 * is yielded as soon as its last byte is in, so at most one chunk (plus what the source hands over
 * at once) is held. Samples are copied straight into the chunk's WAV, never gathered and copied
 * again. Bytes past `plan.totalBytes` (a WAV's trailing metadata chunks) are read and dropped.
 *
 * @throws AudioFormatError when the source ends before `plan.totalBytes` (a truncated upload).
 */
export async function* splitAudioStream(
  samples: AsyncIterable<Buffer>,
  shape: AudioShape,
  plan: ChunkPlan,
): AsyncGenerator<Buffer> {
  let chunkIndex = 0;
  let chunk: { wav: Buffer; samples: number } | undefined = newChunk(shape, plan, chunkIndex);
  let filled = 0;
  let received = 0;
  for await (const piece of samples) {
    let offset = 0;
    while (offset < piece.length && chunk) {
      const take = Math.min(piece.length - offset, chunk.samples - filled);
      piece.copy(chunk.wav, WAV_HEADER_BYTES + filled, offset, offset + take);
      filled += take;
      offset += take;
      received += take;
      if (filled === chunk.samples) {
        yield chunk.wav;
        chunkIndex += 1;
        chunk = chunkIndex < plan.chunkCount ? newChunk(shape, plan, chunkIndex) : undefined;
        filled = 0;
      }
    }
  }
  if (chunk) {
    throw new AudioFormatError(
      `the audio ended after ${received} of the ${plan.totalBytes} bytes of samples its length promised: the upload was cut short`,
    );
  }
}

function newChunk(shape: AudioShape, plan: ChunkPlan, index: number): { wav: Buffer; samples: number } {
  const samples =
    index < plan.chunkCount - 1 ? plan.chunkBytes : plan.totalBytes - plan.chunkBytes * (plan.chunkCount - 1);
  const pad = samples & 1;
  // Allocated uninitialised, as every sample byte is written before the chunk is yielded.
  const wav = Buffer.allocUnsafe(WAV_HEADER_BYTES + samples + pad);
  encodeWav(Buffer.alloc(0), shape).copy(wav, 0);
  wav.writeUInt32LE(WAV_HEADER_BYTES - 8 + samples + pad, 4);
  wav.writeUInt32LE(samples, 40);
  if (pad) wav[wav.length - 1] = 0;
  return { wav, samples };
}
