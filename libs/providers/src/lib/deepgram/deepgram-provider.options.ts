export interface DeepgramProviderOptions {
  apiKey: string;
  /** API base URL. @defaultValue https://api.deepgram.com */
  baseUrl: string;
  /** @defaultValue nova-3 */
  model: string;
  /** Per-request timeout. @defaultValue 30000 */
  timeoutMs: number;
  /** BCP-47 language; when unset Deepgram detects it. */
  language?: string;
  /** @defaultValue true */
  punctuate: boolean;
  /** @defaultValue true */
  smartFormat: boolean;
  /** Speaker labels on every word. @defaultValue false */
  diarize?: boolean;
  /** Deepgram's `utterances` segmentation. @defaultValue false */
  utterances?: boolean;
  /** Terms to boost on every request (`keyterm` on Nova-3, `keywords` on older models). */
  keyterms?: string[];
  /** Longest audio sent in one request; longer is refused unsent. @defaultValue 14400 (4 h) */
  maxAudioSeconds?: number;
}

export const DEEPGRAM_DEFAULT_BASE_URL = 'https://api.deepgram.com';

/** Deepgram accepts up to 2 GB per pre-recorded request; 4 h is a safe bound for one chunk. */
export const DEEPGRAM_DEFAULT_MAX_AUDIO_SECONDS = 4 * 3600;
