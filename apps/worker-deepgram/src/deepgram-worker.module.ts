import type { DynamicModule } from '@nestjs/common';
import { keywordList } from '@streamscribe/contracts';
import { reachableCheck } from '@streamscribe/observability';
import { DeepgramProvider } from '@streamscribe/providers';
import { TranscriptionWorkerModule } from '@streamscribe/worker-runtime';
import { createDeepgramLiveTranscriber } from './deepgram-live.provider';
import { DeepgramWorkerEnvironment } from './deepgram-worker.environment';

/** The transcription worker; it serves live sessions too, through Deepgram's streaming API. */
export const DeepgramWorkerModule: DynamicModule = TranscriptionWorkerModule.forProvider({
  provider: 'deepgram',
  environment: DeepgramWorkerEnvironment,
  createProvider: (env) =>
    new DeepgramProvider({
      apiKey: env.DEEPGRAM_API_KEY,
      baseUrl: env.DEEPGRAM_API_URL,
      model: env.DEEPGRAM_MODEL,
      timeoutMs: env.DEEPGRAM_TIMEOUT_MS,
      language: env.DEEPGRAM_LANGUAGE || undefined,
      punctuate: env.DEEPGRAM_PUNCTUATE,
      smartFormat: env.DEEPGRAM_SMART_FORMAT,
      diarize: env.DEEPGRAM_DIARIZE,
      utterances: env.DEEPGRAM_UTTERANCES,
      keyterms: keywordList(env.DEEPGRAM_KEYTERMS),
    }),
  readinessChecks: (env) => [reachableCheck('deepgram-api', env.DEEPGRAM_API_URL)],
  createLiveTranscriber: createDeepgramLiveTranscriber,
});
