import { AudioChunkEntry } from '@streamscribe/contracts';
import { inspectAudio } from '@streamscribe/audio';

/** Seconds of audio in a chunk, for latency per audio second when the provider does not say. */
export function chunkAudioSeconds(chunk: AudioChunkEntry): number {
  if (chunk.audioFormat === 'l16' && chunk.sampleRate)
    return chunk.audio.length / 2 / (chunk.channels ?? 1) / chunk.sampleRate;
  try {
    return inspectAudio(chunk.audio, 'audio/wav').durationSeconds;
  } catch {
    return 0;
  }
}
