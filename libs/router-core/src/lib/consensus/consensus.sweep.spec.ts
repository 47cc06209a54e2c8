import Redis from 'ioredis';
import { KeyScheme, newChunkEntry } from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import {
  ChunkIngestor,
  DEFAULT_SESSIONS_OPTIONS,
  ResultStore,
  ResultWatcher,
  sessionsOptionsFrom,
} from '@streamscribe/sessions';
import { RedisHarness } from '@streamscribe/testing';
import { ProviderStateMonitor } from '../provider-state.monitor';
import { RouterEnvironment } from '../router-environment';
import { ConsensusCoordinator } from './consensus.coordinator';

const keys = new KeyScheme();
// Another tenant's session: the sweep must find its tenant on the request record.
const session = keys.session('acme', 'orphan-1');
const hints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };

describe('consensus chunks left behind by a router that went away, on real Redis', () => {
  let harness: RedisHarness;
  const clients: Redis[] = [];
  const watchers: ResultWatcher[] = [];
  const client = () => {
    const c = harness.client();
    clients.push(c);
    return c;
  };
  const coordinator = (redis: Redis) => {
    const watcher = new ResultWatcher(client(), createLogger('test'), keys);
    watchers.push(watcher);
    const env = new RouterEnvironment();
    return new ConsensusCoordinator(
      redis,
      env,
      watcher,
      {} as ProviderStateMonitor,
      keys,
      new ChunkIngestor(redis, sessionsOptionsFrom(env), keys),
    );
  };

  beforeAll(async () => {
    harness = await RedisHarness.start();
  });
  afterAll(async () => {
    for (const watcher of watchers) await watcher.close();
    for (const c of clients) c.disconnect();
    await harness.close();
  });

  it('another router settles them on what arrived, once the deadline and grace have passed', async () => {
    const redis = client();
    const crashing = client();
    const first = coordinator(crashing);
    const chunk = newChunkEntry({
      sessionId: 'orphan-1',
      chunkId: '',
      seq: undefined,
      audio: Buffer.from('RIFF....WAVE'),
      audioFormat: 'wav',
      hints,
      fallbackProviders: [],
    });
    const outcome = await first.submit(session, chunk, ['deepgram', 'whisper'], 60_000);
    expect(await redis.xlen(keys.providerStream('deepgram'))).toBe(1);
    expect(await redis.xlen(keys.providerStream('whisper'))).toBe(1);
    // The first router loses Redis for good; its own settling gives up.
    crashing.disconnect();
    // Deepgram answers its hypothesis; Whisper never does.
    const correlation = keys.consensusCorrelation(session, outcome.chunkId);
    await new ResultStore(redis, DEFAULT_SESSIONS_OPTIONS, keys).write(correlation, {
      sessionId: correlation.sessionId,
      chunkId: 'deepgram',
      seq: 0,
      status: 'ok',
      text: 'left behind',
      confidence: 0.9,
      provider: 'deepgram',
      processingTime: 0.1,
      timestamp: Date.now() / 1000,
      words: [],
    });

    const second = coordinator(redis);
    expect(await second.sweepOverdue(Date.now())).toBe(0); // not overdue yet: its router may still settle it
    expect(await second.sweepOverdue(Date.now() + 60_000 + 5_001)).toBe(1);
    const [[, fields]] = await redis.xrange('transcription:results:t:acme:orphan-1', '-', '+');
    expect(fields).toEqual(
      expect.arrayContaining([
        'text',
        'left behind',
        'provider',
        'consensus',
        'chunk_id',
        outcome.chunkId,
        'tenant',
        'acme',
      ]),
    );
    expect((await second.report(session)).chunks[0]).toMatchObject({
      missing: ['whisper'],
      timedOut: true,
      text: 'left behind',
    });
    expect(await redis.xlen('streamscribe:consensus:requests')).toBe(0);
    expect(await second.sweepOverdue(Date.now() + 120_000)).toBe(0);
  });
});
