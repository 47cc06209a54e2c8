import { DeepgramEnvironment, type DeepgramEnvironmentUrls } from '@deepgram/sdk';
import { DEEPGRAM_DEFAULT_BASE_URL } from './deepgram-provider.options';

export interface DeepgramLiveOptions {
  apiKey: string;
  /** The API's http(s) base URL (`DEEPGRAM_API_URL`); the live socket is its ws(s) twin. @defaultValue https://api.deepgram.com */
  baseUrl: string;
  /** The model when the session names no Deepgram model. @defaultValue nova-3 */
  model: string;
  /** BCP-47 language when the session names none; unset: Deepgram's default. */
  language?: string;
  /** @defaultValue true */
  punctuate: boolean;
  /** @defaultValue true */
  smartFormat: boolean;
  /** Terms boosted on every connection (`keyterm` on Nova-3, `keywords` before), before the session's own. */
  keyterms?: string[];
  /** A `KeepAlive` goes out after this long without audio (Deepgram closes after ~10 s of nothing). @defaultValue 3000 */
  keepAliveMs?: number;
  /** How long the socket may take to open. @defaultValue 10000 */
  connectTimeoutMs?: number;
  /** How long `close()` waits, after `CloseStream`, for Deepgram's last results and its close. @defaultValue 10000 */
  closeTimeoutMs?: number;
}

export const DEEPGRAM_LIVE_KEEPALIVE_MS = 3000;
export const DEEPGRAM_LIVE_CONNECT_TIMEOUT_MS = 10_000;
export const DEEPGRAM_LIVE_CLOSE_TIMEOUT_MS = 10_000;

/**
 * The SDK's environment for an API base URL: REST on `base`, the live socket on `production`
 * (http → ws, https → wss, same host and path). Deepgram's own URL keeps the SDK's environment.
 */
export function deepgramLiveEnvironment(baseUrl: string): DeepgramEnvironmentUrls {
  const base = baseUrl.replace(/\/+$/, '');
  if (base === DEEPGRAM_DEFAULT_BASE_URL) return DeepgramEnvironment.Production;
  const url = new URL(base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(`the Deepgram API URL must be http(s), got ${baseUrl}`);
  }
  const socket = `${url.protocol === 'https:' ? 'wss:' : 'ws:'}${base.slice(url.protocol.length)}`;
  return { base, production: socket, agent: socket, agentRest: base };
}
