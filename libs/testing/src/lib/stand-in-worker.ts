import type { FakeDeepgramServer } from './fake-deepgram-server';
import { AppProcess } from './app-process';

/**
 * TEST ONLY. Starts a worker process that consumes `audio:stream:<provider>` but transcribes
 * through the Deepgram SDK against `fake` (libs/testing-workers, DeepgramProtocolStandIn): a
 * second fleet for routing, breaker and consensus tests, clearly not the real provider.
 */
export function startStandInWorker(
  provider: 'whisper' | 'parakeet' | 'assemblyai',
  fake: FakeDeepgramServer,
  env: Record<string, string>,
): Promise<AppProcess> {
  return AppProcess.startEntry(`stand-in-${provider}`, 'libs/testing-workers/src/stand-in-worker.main.ts', {
    STAND_IN_PROVIDER: provider,
    STAND_IN_FAKE_URL: fake.url,
    STAND_IN_FAKE_API_KEY: fake.apiKey,
    ...env,
  });
}
