import type { AudioFormat, ProviderName, WordTiming } from '@streamscribe/contracts';

export interface TranscriptionRequest {
  audio: Buffer;
  format: AudioFormat;
  /** Known for raw PCM (`l16`); a WAV header carries its own. */
  sampleRate?: number;
  channels?: number;
  /** BCP-47 language hint; providers that can detect the language do so when absent. */
  language?: string;
}

export interface ProviderTranscript {
  text: string;
  /** 0..1, comparable across providers. */
  confidence: number;
  words: WordTiming[];
  language?: string;
  durationSeconds?: number;
  /** The provider's request id, for support tickets and error history. */
  requestId?: string;
}

/** One provider behind the single interface every worker uses. */
export interface TranscriptionProvider {
  readonly name: ProviderName;
  transcribe(request: TranscriptionRequest): Promise<ProviderTranscript>;
}

export const TRANSCRIPTION_PROVIDER = Symbol('TRANSCRIPTION_PROVIDER');
