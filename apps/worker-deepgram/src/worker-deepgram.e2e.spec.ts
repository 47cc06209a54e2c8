import Redis from 'ioredis';
import { AppProcess, FakeDeepgramServer, RedisHarness } from '@streamscribe/testing';

describe('worker-deepgram process', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let deepgram: FakeDeepgramServer;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    deepgram = await FakeDeepgramServer.start();
  });
  afterAll(async () => {
    redis.disconnect();
    await deepgram.close();
    await harness.close();
  });

  const env = (overrides: Record<string, string> = {}) => ({
    REDIS_URL: harness.url,
    DEEPGRAM_API_KEY: FakeDeepgramServer.DEFAULT_API_KEY,
    DEEPGRAM_API_URL: deepgram.url,
    PORT: '0',
    CONSUMER_NAME: 'deepgram-test-consumer',
    ...overrides,
  });

  it('refuses to start without an API key, and says which variable to set', async () => {
    await expect(AppProcess.start('worker-deepgram', env({ DEEPGRAM_API_KEY: '' }))).rejects.toThrow(
      /DEEPGRAM_API_KEY is required/,
    );
  });

  it('refuses a bad setting, naming the variable', async () => {
    await expect(AppProcess.start('worker-deepgram', env({ WORKER_CONCURRENCY: 'lots' }))).rejects.toThrow(
      /WORKER_CONCURRENCY="lots": .*must be an integer/,
    );
  });

  it('joins its group with a heartbeat, and on SIGTERM leaves both and exits 0', async () => {
    const worker = await AppProcess.start('worker-deepgram', env());
    const groups = (await redis.xinfo('GROUPS', 'audio:stream:deepgram')) as unknown[][];
    expect(groups[0]).toContain('deepgram_workers');
    expect(await redis.zscore('streamscribe:heartbeats:deepgram', 'deepgram-test-consumer')).not.toBeNull();
    expect(await worker.stop('SIGTERM')).toBe(0);
    expect(await redis.zscore('streamscribe:heartbeats:deepgram', 'deepgram-test-consumer')).toBeNull();
    expect(await redis.xinfo('CONSUMERS', 'audio:stream:deepgram', 'deepgram_workers')).toEqual([]);
  });
});
