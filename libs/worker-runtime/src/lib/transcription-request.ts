import type { AudioChunkEntry } from '@streamscribe/contracts';
import type { TranscriptionRequest } from '@streamscribe/providers';

/** A chunk as a provider request: its audio and what the client asked of the transcription. */
export function transcriptionRequestFor(chunk: AudioChunkEntry): TranscriptionRequest {
  const hints = chunk.transcription;
  return {
    audio: chunk.audio,
    format: chunk.audioFormat,
    sampleRate: chunk.sampleRate,
    channels: chunk.channels,
    language: hints?.language,
    options: { diarize: hints?.diarize, keywords: hints?.keywords },
  };
}
