import type Redis from 'ioredis';
import {
  KeyScheme,
  LIVE_JOB_FIELDS,
  LiveEvent,
  LiveSessionOptions,
  decodeLiveLogEntry,
} from '@streamscribe/contracts';
import { RedisHarness } from '@streamscribe/testing';
import { LiveRouterStore } from './live-router.store';

const OPTIONS: LiveSessionOptions = {
  format: { encoding: 'linear16', sampleRate: 16000, channels: 1 },
  interimResults: true,
  endpointingMs: 10,
  vadEvents: false,
  keyterms: [],
  hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
};

describe('LiveRouterStore (real Redis)', () => {
  let harness: RedisHarness;
  let redis: Redis;
  const keys = new KeyScheme();
  let store: LiveRouterStore;
  let n = 0;
  const fresh = () => store.ref('acme', `s${++n}`);

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    store = new LiveRouterStore(redis, keys, 600);
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  it('creates a session once, open at epoch 0, with its options and TTL', async () => {
    const ref = fresh();
    expect(await store.create(ref, OPTIONS, 'conn-1', 1234)).toBe(true);
    expect(await store.create(ref, OPTIONS, 'conn-2')).toBe(false);
    const state = await store.state(ref);
    expect(state).toMatchObject({ options: OPTIONS, epoch: 0, status: 'open', received: 0, finalized: 0 });
    expect(state).toMatchObject({ failed: [], created: 1234, tenant: 'acme', attached: 'conn-1' });
    expect(await redis.ttl(keys.liveStateKey(ref))).toBeGreaterThan(500);
    expect(await store.state(fresh())).toBeUndefined();
  });

  it('appends frames with their byte offsets and counts them received, then controls at the offset', async () => {
    const ref = fresh();
    await store.create(ref, OPTIONS, 'c');
    expect(await store.appendFrame(ref, Buffer.from([1, 2, 3, 4]))).toEqual({ ok: true, received: 4 });
    expect(await store.appendFrame(ref, Buffer.from([5, 6]))).toEqual({ ok: true, received: 6 });
    expect(await store.appendControl(ref, 'finalize')).toEqual({ ok: true, received: 6 });
    const log = await redis.xrangeBuffer(keys.liveAudioLogKey(ref), '-', '+');
    const entries = log.map(([id, fields]) => decodeLiveLogEntry(id.toString(), fields));
    expect(entries.map((e) => e && { kind: e.kind, offset: e.offset })).toEqual([
      { kind: 'audio', offset: 0 },
      { kind: 'audio', offset: 4 },
      { kind: 'control', offset: 6 },
    ]);
    expect(entries[1]).toMatchObject({ audio: Buffer.from([5, 6]) });
    expect(await redis.ttl(keys.liveAudioLogKey(ref))).toBeGreaterThan(500);
    // CloseStream: closing, and no more audio or controls after it.
    expect(await store.appendControl(ref, 'close')).toEqual({ ok: true, received: 6 });
    expect((await store.state(ref))?.status).toBe('closing');
    expect(await store.appendFrame(ref, Buffer.from([7]))).toEqual({ ok: false, reason: 'not_open' });
    expect(await store.appendControl(ref, 'finalize')).toEqual({ ok: false, reason: 'not_open' });
    expect((await store.state(ref))?.received).toBe(6);
    expect(await store.appendFrame(fresh(), Buffer.from([1]))).toEqual({ ok: false, reason: 'missing' });
  });

  it("a resume window's close is appended only while the connection still holds the session", async () => {
    const ref = fresh();
    await store.create(ref, OPTIONS, 'old');
    await store.attach(ref, 'new');
    expect(await store.appendControl(ref, 'close', 'old')).toEqual({ ok: false, reason: 'detached' });
    expect((await store.state(ref))?.status).toBe('open');
    expect(await store.appendControl(ref, 'close', 'new')).toEqual({ ok: true, received: 0 });
  });

  it('assigns epoch-fenced: bumps the epoch, queues the job, records the failed provider and the event', async () => {
    const ref = fresh();
    await store.create(ref, OPTIONS, 'c');
    expect(await store.assign(ref, 0, 'deepgram')).toEqual({ ok: true, epoch: 1 });
    const failover: LiveEvent = {
      type: 'failover',
      epoch: 0,
      provider: 'assemblyai',
      from: 'deepgram',
      code: 'provider_dropped',
      reason: 'socket closed',
      resumeFrom: 1.5,
    };
    // A second router that saw epoch 0 loses.
    expect(await store.assign(ref, 0, 'whisper')).toEqual({ ok: false, reason: 'epoch_moved', epoch: 1 });
    expect(await store.assign(ref, 1, 'assemblyai', { failedProvider: 'deepgram', event: failover })).toEqual(
      {
        ok: true,
        epoch: 2,
      },
    );
    const state = await store.state(ref);
    expect(state).toMatchObject({ epoch: 2, provider: 'assemblyai', failed: ['deepgram'] });
    const jobs = await redis.xrange(keys.liveJobsStream('assemblyai', ref.partition), '-', '+');
    expect(jobs.at(-1)?.[1]).toEqual([
      LIVE_JOB_FIELDS.tenant,
      'acme',
      LIVE_JOB_FIELDS.session,
      ref.sessionId,
      LIVE_JOB_FIELDS.epoch,
      '2',
    ]);
    const events = await store.readEvents(redis, ref, '0', 0);
    expect(events.map((e) => e.event)).toEqual([{ ...failover, epoch: 2 }]);
    // Reading after the last id: nothing new, and a short block returns empty.
    expect(await store.readEvents(redis, ref, events[0].id, 20)).toEqual([]);
  });

  it('fail is terminal and fenced; a failed or closed session is not assigned again', async () => {
    const ref = fresh();
    await store.create(ref, OPTIONS, 'c');
    await store.assign(ref, 0, 'deepgram');
    const error: LiveEvent = {
      type: 'error',
      epoch: 1,
      provider: 'deepgram',
      code: 'no_provider',
      message: 'x',
    };
    expect(await store.fail(ref, 0, error)).toBe(false);
    expect(await store.fail(ref, 1, error)).toBe(true);
    expect((await store.state(ref))?.status).toBe('failed');
    expect(await store.assign(ref, 1, 'whisper')).toEqual({ ok: false, reason: 'over', status: 'failed' });
  });

  it('reads the lease holder and its epoch', async () => {
    const ref = fresh();
    expect(await store.leaseHolder(ref)).toBeUndefined();
    await redis.set(keys.liveLeaseKey(ref), 'worker-a:1 3', 'PX', 1000);
    expect(await store.leaseHolder(ref)).toEqual({ worker: 'worker-a:1', epoch: 3 });
  });

  it('skips malformed event entries instead of failing the read', async () => {
    const ref = fresh();
    await redis.xadd(keys.liveEventsKey(ref), '*', 'e', 'not json');
    const [entry] = await store.readEvents(redis, ref, '0', 0);
    expect(entry.event).toBeUndefined();
  });
});
