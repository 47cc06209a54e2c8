import type Redis from 'ioredis';
import { KeyScheme, LiveEvent, SessionRef, decodeLiveEvent } from '@streamscribe/contracts';
import { RedisHarness, until } from '@streamscribe/testing';
import { LiveAudioLogReader } from './live-audio-log-reader';
import { LiveAssignment, LiveWorkerStore } from './live-worker-store';

jest.setTimeout(30_000);

const OPTIONS = JSON.stringify({
  format: { encoding: 'linear16', sampleRate: 16000, channels: 1 },
  interimResults: false,
  endpointingMs: 10,
  vadEvents: false,
  keyterms: [],
  hints: {},
});

describe('LiveWorkerStore and LiveAudioLogReader (real Redis)', () => {
  let harness: RedisHarness;
  let redis: Redis;
  const keys = new KeyScheme({ partitions: 2, cluster: false });
  let store: LiveWorkerStore;
  let ref: SessionRef;
  let n = 0;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    store = new LiveWorkerStore(redis, keys);
  });
  afterAll(async () => {
    redis?.disconnect();
    await harness?.close();
  });
  beforeEach(async () => {
    ref = keys.session('acme', `live-${++n}`);
    await redis.hset(keys.liveStateKey(ref), {
      options: OPTIONS,
      epoch: 1,
      provider: 'deepgram',
      received: 0,
      finalized: 0,
      status: 'open',
      tenant: 'acme',
    });
    await redis.pexpire(keys.liveStateKey(ref), 60_000);
  });

  const mine = (epoch = 1, holder = 'worker-a'): LiveAssignment => ({ ref, epoch, holder });
  const results = (epoch: number, transcript: string): LiveEvent & { type: 'results' } => ({
    type: 'results',
    epoch,
    provider: 'deepgram',
    isFinal: true,
    speechFinal: false,
    fromFinalize: false,
    start: 0,
    duration: 1,
    transcript,
    confidence: 0.9,
    words: [],
  });
  const events = async () =>
    (await redis.xrange(keys.liveEventsKey(ref), '-', '+')).map(
      ([, fields]) => decodeLiveEvent(fields[1]) as LiveEvent,
    );
  async function appendAudio(bytes: Buffer): Promise<string> {
    const offset = Number(await redis.hget(keys.liveStateKey(ref), 'received'));
    const id = await redis.xadd(keys.liveAudioLogKey(ref), '*', 'o', String(offset), 'a', bytes);
    await redis.hincrby(keys.liveStateKey(ref), 'received', bytes.length);
    return String(id);
  }

  it('takes the lease only for the current epoch, once, and reads the state it resumes from', async () => {
    await redis.hset(keys.liveStateKey(ref), 'finalized', 640, 'received', 1000);
    expect(await store.takeLease(mine(1), 5000)).toEqual({
      verdict: 'taken',
      status: 'open',
      finalized: 640,
      received: 1000,
      options: OPTIONS,
    });
    expect(await redis.get(keys.liveLeaseKey(ref))).toBe('worker-a 1');
    expect((await store.takeLease(mine(1, 'worker-b'), 5000)).verdict).toBe('held');
    expect((await store.takeLease(mine(1), 5000)).verdict).toBe('taken'); // its own job again
    expect((await store.takeLease(mine(2, 'worker-b'), 5000)).verdict).toBe('stale');
    await redis.hset(keys.liveStateKey(ref), 'epoch', 2);
    // An older epoch's lease does not keep the new assignment out: that owner is fenced anyway.
    expect((await store.takeLease(mine(2, 'worker-b'), 5000)).verdict).toBe('taken');
    expect(await redis.get(keys.liveLeaseKey(ref))).toBe('worker-b 2');
    await redis.hset(keys.liveStateKey(ref), 'status', 'closed');
    expect((await store.takeLease(mine(2, 'worker-b'), 5000)).verdict).toBe('ended');
    const nowhere = { ...mine(1), ref: keys.session('acme', 'no-such-session') };
    expect((await store.takeLease(nowhere, 5000)).verdict).toBe('missing');
  });

  it('renews only its own lease of the current epoch, releases only its own, and a lease lapses', async () => {
    await store.takeLease(mine(1), 200);
    expect(await store.renewLease(mine(1, 'worker-b'), 5000)).toBe(false);
    expect(await store.renewLease(mine(1), 5000)).toBe(true);
    expect(await redis.pttl(keys.liveLeaseKey(ref))).toBeGreaterThan(1000);
    expect(await store.releaseLease(mine(1, 'worker-b'))).toBe(false);
    expect(await store.releaseLease(mine(1))).toBe(true);
    expect(await redis.exists(keys.liveLeaseKey(ref))).toBe(0);

    await store.takeLease(mine(1), 150);
    await until(
      () => redis.exists(keys.liveLeaseKey(ref)),
      (exists) => exists === 0,
    );
    expect(await store.renewLease(mine(1), 5000)).toBe(false);
    // Lapsed: the same epoch's job can be taken by another worker (a redelivered job).
    expect((await store.takeLease(mine(1, 'worker-b'), 5000)).verdict).toBe('taken');
    await redis.hset(keys.liveStateKey(ref), 'epoch', 2);
    expect(await store.renewLease(mine(1, 'worker-b'), 5000)).toBe(false);
  });

  it("refuses every write of an epoch that is no longer the session's", async () => {
    expect(await store.appendEvent(mine(1), results(1, 'one'))).toMatch(/^\d+-\d+$/);
    await appendAudio(Buffer.alloc(3200));
    await redis.hset(keys.liveStateKey(ref), 'epoch', 2);
    expect(await store.appendEvent(mine(1), results(1, 'late'))).toBeNull();
    expect(await store.writeFinal(mine(1), results(1, 'late final'), 3200, undefined)).toBeNull();
    expect(
      await store.markClosed(mine(1), { type: 'closed', epoch: 1, provider: 'deepgram', duration: 1 }),
    ).toBeNull();
    expect((await events()).map((e) => (e.type === 'results' ? e.transcript : e.type))).toEqual(['one']);
    expect(await redis.hmget(keys.liveStateKey(ref), 'finalized', 'status')).toEqual(['0', 'open']);
    expect(await store.appendEvent(mine(2, 'worker-b'), results(2, 'two'))).not.toBeNull();
  });

  it('advances finalized monotonically, never past what was received, trims the log, follows the TTL', async () => {
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await appendAudio(Buffer.alloc(1000, i)));
    const first = await store.writeFinal(mine(1), results(1, 'a'), 2500, ids[2]);
    expect(first).toEqual({ id: expect.any(String), finalized: 2500 });
    expect((await redis.xrange(keys.liveAudioLogKey(ref), '-', '+')).map(([id]) => id)).toEqual(ids.slice(2));
    expect(await store.writeFinal(mine(1), results(1, 'b'), 1200, ids[1])).toMatchObject({ finalized: 2500 });
    expect(await store.writeFinal(mine(1), results(1, 'c'), 9999, ids[3])).toMatchObject({ finalized: 4000 });
    expect(await redis.hget(keys.liveStateKey(ref), 'finalized')).toBe('4000');
    expect(await redis.xlen(keys.liveAudioLogKey(ref))).toBe(1);
    for (const key of [keys.liveEventsKey(ref), keys.liveAudioLogKey(ref)])
      expect(await redis.pttl(key)).toBeGreaterThan(50_000);
    expect((await events()).map((e) => (e.type === 'results' ? e.transcript : e.type))).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('marks the session closed with its closed event', async () => {
    await store.markClosed(mine(1), { type: 'closed', epoch: 1, provider: 'deepgram', duration: 2.5 });
    expect(await redis.hget(keys.liveStateKey(ref), 'status')).toBe('closed');
    expect(await events()).toEqual([{ type: 'closed', epoch: 1, provider: 'deepgram', duration: 2.5 }]);
  });

  it('reads the log from a byte offset: skips below it, slices the straddling frame, skips malformed entries, then follows', async () => {
    const log = keys.liveAudioLogKey(ref);
    await appendAudio(Buffer.from([0, 1, 2, 3]));
    await redis.xadd(log, '*', 'o', '4', 'c', 'finalize'); // below the offset: answered already
    await appendAudio(Buffer.from([4, 5, 6, 7]));
    const junk = await redis.xadd(log, '*', 'x', 'not a log entry');
    await appendAudio(Buffer.from([8, 9]));
    const client = harness.client();
    const reader = new LiveAudioLogReader(client, log, 6, { blockMs: 100, count: 2 });
    const seen: string[] = [];
    const malformed: string[] = [];
    const readUntil = async (count: number) => {
      while (seen.length < count) {
        const batch = await reader.read();
        malformed.push(...batch.malformed);
        for (const e of batch.entries)
          seen.push(
            e.kind === 'audio' ? `${e.offset}:${[...e.audio].join(',')}` : `${e.offset}:${e.control}`,
          );
      }
    };
    await readUntil(2);
    expect(seen).toEqual(['6:6,7', '8:8,9']);
    expect(malformed).toEqual([junk]);
    const later = readUntil(4);
    await new Promise((resolve) => setTimeout(resolve, 150)); // at least one empty blocking read
    await appendAudio(Buffer.from([10, 11]));
    await redis.xadd(log, '*', 'o', '12', 'c', 'close');
    await later;
    expect(seen.slice(2)).toEqual(['10:10,11', '12:close']);
    reader.close();
    await expect(reader.read()).rejects.toThrow();
  });
});
