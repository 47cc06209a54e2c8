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
}

export const DEEPGRAM_DEFAULT_BASE_URL = 'https://api.deepgram.com';
