import type { DynamicModule } from '@nestjs/common';
import { keywordList } from '@streamscribe/contracts';
import { reachableCheck } from '@streamscribe/observability';
import { AssemblyAILiveTranscriber, AssemblyAIProvider } from '@streamscribe/providers';
import { TranscriptionWorkerModule } from '@streamscribe/worker-runtime';
import { AssemblyAIWorkerEnvironment } from './assemblyai-worker.environment';

/** The batch worker, serving live sessions too: AssemblyAI Universal-Streaming v3. */
export const AssemblyAIWorkerModule: DynamicModule = TranscriptionWorkerModule.forProvider({
  provider: 'assemblyai',
  environment: AssemblyAIWorkerEnvironment,
  createProvider: (env) => {
    return new AssemblyAIProvider({
      apiKey: env.ASSEMBLYAI_API_KEY,
      baseUrl: env.ASSEMBLYAI_BASE_URL,
      speechModel: env.ASSEMBLYAI_SPEECH_MODEL,
      language: env.ASSEMBLYAI_LANGUAGE || undefined,
      pollingIntervalMs: env.ASSEMBLYAI_POLLING_INTERVAL_MS,
      pollingTimeoutMs: env.ASSEMBLYAI_POLLING_TIMEOUT_MS,
      requestTimeoutMs: env.ASSEMBLYAI_REQUEST_TIMEOUT_MS,
      punctuate: env.ASSEMBLYAI_PUNCTUATE,
      formatText: env.ASSEMBLYAI_FORMAT_TEXT,
      speakerLabels: env.ASSEMBLYAI_SPEAKER_LABELS,
      keyterms: keywordList(env.ASSEMBLYAI_KEYTERMS),
    });
  },
  readinessChecks: (env) => [reachableCheck('assemblyai-api', env.ASSEMBLYAI_BASE_URL)],
  createLiveTranscriber: (env) =>
    new AssemblyAILiveTranscriber({
      apiKey: env.ASSEMBLYAI_API_KEY,
      baseUrl: env.ASSEMBLYAI_BASE_URL,
      streamingUrl: env.ASSEMBLYAI_STREAMING_URL || undefined,
      speechModel: env.ASSEMBLYAI_STREAMING_MODEL || undefined,
    }),
});
