import type { AudioFormat, ProviderName, WordTiming } from '@streamscribe/contracts';

/*
 * `@streamscribe/providers`' TranscriptionProvider, restated as the shapes the conformance suite and
 * the fake provider use. The testing lib cannot import providers: it is shared by router and worker
 * code while providers is worker-only, and providers' own specs import testing, so the import would
 * make a cycle. TypeScript checks the two agree wherever a spec hands a real provider to the suite
 * or the fake to ChunkProcessor.
 */

export interface ProviderRequestShape {
  audio: Buffer;
  format: AudioFormat;
  sampleRate?: number;
  channels?: number;
  language?: string;
  options?: { diarize?: boolean; detectLanguage?: boolean; keywords?: string[] };
}

export interface ProviderCapabilitiesShape {
  languages: readonly string[] | 'any';
  diarization: boolean;
  wordTimestamps: boolean;
  streaming: boolean;
  maxAudioSeconds: number;
}

export interface ProviderTranscriptShape {
  text: string;
  confidence: number;
  words: WordTiming[];
  language?: string;
  durationSeconds?: number;
  model?: string;
  requestId?: string;
}

export interface TranscriptionProviderShape {
  readonly name: ProviderName;
  readonly capabilities: ProviderCapabilitiesShape;
  transcribe(request: ProviderRequestShape): Promise<ProviderTranscriptShape>;
  credentialsProblem?(): string | undefined;
}

/** A ProviderError as the suite sees it: classified, and naming its provider. */
export interface ProviderErrorShape {
  name: string;
  message: string;
  provider: ProviderName;
  kind: 'retryable' | 'permanent';
  statusCode?: number;
  retryAfterMs?: number;
}
