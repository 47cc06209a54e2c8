import type { AudioFormat, ProviderName, WordTiming } from '@streamscribe/contracts';

export interface TranscriptionRequest {
  audio: Buffer;
  format: AudioFormat;
  /** Known for raw PCM (`l16`); a WAV header carries its own. */
  sampleRate?: number;
  channels?: number;
  /** BCP-47 language hint; providers that can detect the language do so when absent. */
  language?: string;
  /** Per-request options; a provider ignores what it cannot do (its capabilities say which). */
  options?: TranscriptionOptions;
}

/** Options a chunk's hints or the worker's config pass through to the provider. */
export interface TranscriptionOptions {
  model?: string;
  detectLanguage?: boolean;
  punctuate?: boolean;
  smartFormat?: boolean;
  diarize?: boolean;
  utterances?: boolean;
  /** Terms to boost; sent as the provider's newest form (Deepgram `keyterm` on Nova-3, else `keywords`). */
  keywords?: string[];
}

/** What a provider can do; the router filters candidates on these before it scores them. */
export interface ProviderCapabilities {
  /** BCP-47 language codes it transcribes, or 'any' for a multilingual model. */
  languages: readonly string[] | 'any';
  diarization: boolean;
  wordTimestamps: boolean;
  streaming: boolean;
  /** Longest audio one request may carry. */
  maxAudioSeconds: number;
}

export interface ProviderTranscript {
  text: string;
  /** 0..1, comparable across providers. */
  confidence: number;
  words: WordTiming[];
  language?: string;
  /** Measured from the audio sent when it could be; else the provider's figure. */
  durationSeconds?: number;
  /** The model that produced the transcript (what the price table is keyed on). */
  model?: string;
  /** The provider's request id, for support tickets and error history. */
  requestId?: string;
  /** The provider's own response, for debugging; never relied on by callers. */
  raw?: unknown;
}

/** One provider behind the single interface every worker uses. */
export interface TranscriptionProvider {
  readonly name: ProviderName;
  readonly capabilities: ProviderCapabilities;
  /**
   * @throws ProviderError `permanent`, before any call, for audio that cannot be transcribed as
   *   declared: malformed, l16 without its sample rate, without any samples, or longer than
   *   `capabilities.maxAudioSeconds`. For what the backend answers, `retryable` or `permanent` as
   *   ProviderErrorKind says. Every provider runs the same conformance suite on this
   *   (`describeTranscriptionProvider`, libs/testing).
   */
  transcribe(request: TranscriptionRequest): Promise<ProviderTranscript>;
  /**
   * Why the provider cannot work at all right now (its last answer rejected the credentials), or
   * undefined. A worker reports not-ready while this says something.
   */
  credentialsProblem?(): string | undefined;
  /** Releases what the provider holds (a self-hosted model's engine thread); called once the worker has drained. */
  close?(): Promise<void>;
}

export const TRANSCRIPTION_PROVIDER = Symbol('TRANSCRIPTION_PROVIDER');
