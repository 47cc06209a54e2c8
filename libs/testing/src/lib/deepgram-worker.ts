import { AppProcess } from './app-process';
import { FakeDeepgramServer } from './fake-deepgram-server';

/** The settings that point worker-deepgram at a Redis and a fake Deepgram; `overrides` win. */
export function deepgramWorkerEnv(
  redisUrl: string,
  fake: FakeDeepgramServer,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    DEEPGRAM_API_KEY: fake.apiKey,
    DEEPGRAM_API_URL: fake.url,
    PORT: '0',
    ...overrides,
  };
}

/** worker-deepgram as a real process against `fake`, once it reports ready. */
export function startDeepgramWorker(
  redisUrl: string,
  fake: FakeDeepgramServer,
  overrides: Record<string, string> = {},
): Promise<AppProcess> {
  return AppProcess.start('worker-deepgram', deepgramWorkerEnv(redisUrl, fake, overrides));
}
