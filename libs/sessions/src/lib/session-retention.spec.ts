import Redis from 'ioredis';
import { DEFAULT_TENANT, KeyScheme, newChunkEntry } from '@streamscribe/contracts';
import { RedisHarness } from '@streamscribe/testing';
import { ChunkIngestor } from './chunk-ingestor';
import { ResultStore } from './result-store';
import { SessionRetentionSweep } from './session-retention';
import { DEFAULT_SESSIONS_OPTIONS } from './sessions-options';

const keys = new KeyScheme();
const hints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };

describe('SessionRetentionSweep, on real Redis', () => {
  let harness: RedisHarness;
  let redis: Redis;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  async function sessionWithResult(tenant: string, sessionId: string): Promise<void> {
    const session = keys.session(tenant, sessionId);
    const chunk = newChunkEntry({
      sessionId,
      chunkId: 'c1',
      seq: 0,
      audio: Buffer.from('AUDIO-OF-' + sessionId),
      audioFormat: 'unknown',
      hints,
      fallbackProviders: [],
    });
    await new ChunkIngestor(redis, DEFAULT_SESSIONS_OPTIONS, keys).ingest({
      session,
      provider: 'whisper',
      chunk,
    });
    await new ResultStore(redis, DEFAULT_SESSIONS_OPTIONS, keys).write(session, {
      sessionId,
      chunkId: 'c1',
      seq: 0,
      status: 'ok',
      text: 'TEXT-OF-' + sessionId,
      confidence: 1,
      provider: 'whisper',
      processingTime: 0,
      timestamp: Date.now() / 1000,
      words: [],
    });
  }

  it("erases each session once its tenant's retention has passed since its last activity, found through the index", async () => {
    await sessionWithResult(DEFAULT_TENANT, 'short-lived');
    await sessionWithResult('keeper', 'long-lived');
    // The default tenant keeps sessions 60 s, tenant 'keeper' an hour.
    const sweep = new SessionRetentionSweep(
      redis,
      keys,
      { retentionSecondsFor: (tenant) => (tenant === 'keeper' ? 3600 : 60) },
      86_400,
    );
    expect(await sweep.sweep(Date.now())).toEqual([]);
    const erased = await sweep.sweep(Date.now() + 61_000);
    expect(erased).toEqual([keys.session(DEFAULT_TENANT, 'short-lived')]);

    expect(await redis.exists(...keys.sessionKeys(keys.session(DEFAULT_TENANT, 'short-lived')))).toBe(0);
    const queued = JSON.stringify(await redis.xrange(keys.providerStream('whisper'), '-', '+'));
    const feed = JSON.stringify(await redis.xrange(keys.allResultsStream(), '-', '+'));
    expect(queued).not.toContain('AUDIO-OF-short-lived');
    expect(feed).not.toContain('TEXT-OF-short-lived');
    expect(queued).toContain('AUDIO-OF-long-lived');
    expect(feed).toContain('TEXT-OF-long-lived');
    expect(await redis.zrange(keys.sessionIndexKey(0), 0, -1)).toEqual(['keeper:long-lived']);

    // Never longer than the session TTL, whatever the tenant asks: its keys are gone by then.
    const capped = new SessionRetentionSweep(redis, keys, { retentionSecondsFor: () => 10 ** 9 }, 120);
    expect(await capped.sweep(Date.now() + 121_000)).toEqual([keys.session('keeper', 'long-lived')]);
  });
});
