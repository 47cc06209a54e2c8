import Redis from 'ioredis';
import {
  KeyScheme,
  encodeChunkEntry,
  newChunkEntry,
  providerGroup,
  providerHeartbeatKey,
} from '@streamscribe/contracts';
import { RedisHarness, speechWav } from '@streamscribe/testing';
import { DeadLetterStore } from './dead-letter-store';

const keys = new KeyScheme();
const DEAD_LETTER_STREAM = keys.deadLetterStream();
const providerStream = (provider: 'deepgram' | 'whisper' | 'assemblyai') => keys.providerStream(provider);

describe('DeadLetterStore', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let store: DeadLetterStore;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    store = new DeadLetterStore(redis, keys);
  });
  beforeEach(() => redis.flushdb());
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  const letter = (chunkId: string, extra: string[] = []) => {
    const chunk = newChunkEntry({
      sessionId: 's1',
      chunkId,
      seq: Number(chunkId.replace(/\D/g, '')),
      audio: speechWav('hello'),
      audioFormat: 'wav',
      hints: { realTimeRequired: false, accuracyCritical: false, costSensitive: false },
      fallbackProviders: [],
    });
    const fields = encodeChunkEntry({
      ...chunk,
      attemptedProviders: ['deepgram', 'assemblyai'],
      originalProvider: 'deepgram',
      errorHistory: 'deepgram:401',
    });
    return redis.xadd(
      DEAD_LETTER_STREAM,
      '*',
      ...fields,
      'dead_letter_reason',
      'chain exhausted',
      'source_stream',
      'audio:stream:assemblyai',
      'source_entry_id',
      '1-1',
      'failed_provider',
      'assemblyai',
      'dead_lettered_at',
      '1700000000.5',
      ...extra,
    ) as Promise<string>;
  };

  it('lists letters oldest first, in pages, with what an operator needs and no audio', async () => {
    const ids = [await letter('c0'), await letter('c1'), await letter('c2')];
    const first = await store.list({ count: 2 });
    expect(first).toMatchObject({ total: 3, next: ids[1] });
    expect(first.letters[0]).toMatchObject({
      id: ids[0],
      reason: 'chain exhausted',
      sessionId: 's1',
      chunkId: 'c0',
      seq: 0,
      failedProvider: 'assemblyai',
      originalProvider: 'deepgram',
      sourceStream: 'audio:stream:assemblyai',
      redriveCount: 0,
      deadLetteredAt: 1700000000.5,
    });
    expect(first.letters[0].audioBytes).toBeGreaterThan(44);
    const second = await store.list({ count: 2, after: first.next });
    expect(second.letters.map((l) => l.chunkId)).toEqual(['c2']);
    expect(second.next).toBeUndefined();
  });

  it('re-drives a letter to where it started, with a fresh chain, once', async () => {
    const id = await letter('c0');
    const [outcome] = await store.redrive([id]);
    expect(outcome).toMatchObject({ id, status: 'requeued', provider: 'deepgram' });
    expect(await redis.xlen(DEAD_LETTER_STREAM)).toBe(0);
    const [[, flat]] = await redis.xrange(providerStream('deepgram'), '-', '+');
    const fields = Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, flat[i + 1]]])));
    expect(fields).toMatchObject({
      chunk_id: 'c0',
      session_id: 's1',
      redrive_count: '1',
      error_history: 'deepgram:401',
    });
    expect(fields).not.toHaveProperty('attempted_providers');
    expect(fields).not.toHaveProperty('dead_letter_reason');
    expect(await store.redrive([id])).toEqual([{ id, status: 'not_found' }]);
  });

  it('re-drives to a named provider, and all at once, skipping malformed letters', async () => {
    await letter('c0');
    await letter('c1', ['redrive_count', '2']);
    const garbage = (await redis.xadd(
      DEAD_LETTER_STREAM,
      '*',
      'foo',
      'bar',
      'dead_letter_reason',
      'malformed',
    )) as string;
    const outcomes = await store.redriveAll({ provider: 'whisper' });
    expect(outcomes.map((o) => o.status)).toEqual(['requeued', 'requeued', 'malformed']);
    expect(outcomes[2]).toMatchObject({ id: garbage, detail: expect.stringContaining('missing') });
    expect(await redis.xlen(providerStream('whisper'))).toBe(2);
    const last = await redis.xrange(providerStream('whisper'), '-', '+');
    expect(last[1][1]).toEqual(expect.arrayContaining(['redrive_count', '3']));
    expect(await redis.xlen(DEAD_LETTER_STREAM)).toBe(1);
  });

  it('re-drives as the target fleet reads audio: chunk_data for a classic fleet, raw audio elsewhere', async () => {
    const classicAware = new DeadLetterStore(redis, keys, {
      audioFields: 'audio',
      classicFleets: ['whisper'],
    });
    await classicAware.redrive([await letter('c0')], 'whisper');
    await classicAware.redrive([await letter('c1')], 'deepgram');
    const names = async (provider: 'whisper' | 'deepgram') => {
      const [[, flat]] = await redis.xrangeBuffer(providerStream(provider), '-', '+');
      return Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v.toString(), flat[i + 1]]])));
    };
    const toWhisper = await names('whisper');
    expect(toWhisper).not.toHaveProperty('audio');
    expect(Buffer.from(toWhisper['chunk_data'].toString(), 'hex')).toEqual(speechWav('hello'));
    const toDeepgram = await names('deepgram');
    expect(toDeepgram['audio']).toEqual(speechWav('hello'));
    expect(toDeepgram).not.toHaveProperty('chunk_data');
  });

  it('with a target check, refuses a target with no consumer group or no live worker and keeps the letter', async () => {
    const checked = new DeadLetterStore(redis, keys, undefined, { livenessMs: 10_000 });
    const id = await letter('c0');
    expect(await checked.redrive([id], 'whisper')).toEqual([
      expect.objectContaining({ id, status: 'no_consumer_group', provider: 'whisper' }),
    ]);
    await redis.xgroup('CREATE', providerStream('whisper'), providerGroup('whisper'), '0', 'MKSTREAM');
    expect(await checked.redriveAll({ provider: 'whisper' })).toEqual([
      expect.objectContaining({ id, status: 'no_live_worker' }),
    ]);
    // A heartbeat older than the liveness window is not a live worker.
    await redis.zadd(providerHeartbeatKey('whisper'), Date.now() - 60_000, 'whisper-stale');
    expect((await checked.redrive([id], 'whisper'))[0].status).toBe('no_live_worker');
    expect(await redis.xlen(DEAD_LETTER_STREAM)).toBe(1);
    expect(await redis.xlen(providerStream('whisper'))).toBe(0);

    await redis.zadd(providerHeartbeatKey('whisper'), Date.now(), 'whisper-1');
    expect((await checked.redrive([id], 'whisper'))[0]).toMatchObject({ status: 'requeued' });
    expect(await redis.xlen(providerStream('whisper'))).toBe(1);
  });
});
