export interface AssemblyAIProviderOptions {
  apiKey: string;
  /** API base URL. @defaultValue https://api.assemblyai.com */
  baseUrl: string;
  /** `speech_model`. @defaultValue universal */
  speechModel: string;
  /** Language as BCP-47 or AssemblyAI's code (`en`, `en_us`, `de`); unset: language detection. */
  language?: string;
  /** Time between status polls. @defaultValue 1000 */
  pollingIntervalMs: number;
  /** Longest wait for a submitted transcript to finish; past it the chunk fails over. @defaultValue 120000 */
  pollingTimeoutMs: number;
  /** Per HTTP request (upload, submit, one poll). @defaultValue 30000 */
  requestTimeoutMs: number;
  /** @defaultValue true */
  punctuate: boolean;
  /** AssemblyAI's `format_text` (casing, numerals). @defaultValue true */
  formatText: boolean;
  /** `speaker_labels` on every request. @defaultValue false */
  speakerLabels: boolean;
  /** Terms to boost on every request, as `keyterms_prompt` (universal, slam-1) or `word_boost`. */
  keyterms: string[];
  /** Longest audio sent in one request; longer is refused unsent. @defaultValue 36000 (10 h) */
  maxAudioSeconds?: number;
}

export const ASSEMBLYAI_DEFAULT_BASE_URL = 'https://api.assemblyai.com';

/** AssemblyAI takes files up to 10 hours (and 2.2 GB per upload). */
export const ASSEMBLYAI_DEFAULT_MAX_AUDIO_SECONDS = 10 * 3600;
