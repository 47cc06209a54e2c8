import { keywordList } from '@streamscribe/contracts';
import { DeepgramLiveTranscriber } from '@streamscribe/providers';
import { DeepgramWorkerEnvironment } from './deepgram-worker.environment';

/** Live sessions through Deepgram's streaming API, from the same settings as pre-recorded chunks. */
export function createDeepgramLiveTranscriber(env: DeepgramWorkerEnvironment): DeepgramLiveTranscriber {
  return new DeepgramLiveTranscriber({
    apiKey: env.DEEPGRAM_API_KEY,
    baseUrl: env.DEEPGRAM_API_URL,
    model: env.DEEPGRAM_MODEL,
    language: env.DEEPGRAM_LANGUAGE || undefined,
    punctuate: env.DEEPGRAM_PUNCTUATE,
    smartFormat: env.DEEPGRAM_SMART_FORMAT,
    keyterms: keywordList(env.DEEPGRAM_KEYTERMS),
    keepAliveMs: env.DEEPGRAM_LIVE_KEEPALIVE_MS,
    connectTimeoutMs: env.DEEPGRAM_TIMEOUT_MS,
    closeTimeoutMs: env.DEEPGRAM_LIVE_CLOSE_TIMEOUT_MS,
  });
}
