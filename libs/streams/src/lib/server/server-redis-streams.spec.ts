import { SINGLE_REDIS } from '@streamscribe/redis';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import Redis from 'ioredis';
import { createLogger } from '@streamscribe/observability';
import { RedisHarness } from '@streamscribe/testing';
import { StreamProducer } from '../client/stream-producer';
import { RedisStreamsContext } from '../ctx-host/redis-streams.context';
import { StreamEntry } from '../interfaces/stream-entry.interface';
import { reclaimIdleSeconds } from './reclaimer';
import { ServerRedisStreams } from './server-redis-streams';

const STREAM = 'test:stream';
const GROUP = 'test_workers';

/** What the test handler does with each entry; swapped per test. */
let behaviour: (entry: StreamEntry, ctx: RedisStreamsContext) => Promise<void> = async () => undefined;

@Controller()
class TestHandler {
  @EventPattern(STREAM)
  handle(@Payload() entry: StreamEntry, @Ctx() ctx: RedisStreamsContext) {
    return behaviour(entry, ctx);
  }
}

@Module({ controllers: [TestHandler] })
class TestModule {}

describe('ServerRedisStreams', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let app: INestMicroservice | undefined;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await redis.flushdb();
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  async function startServer(
    concurrency = 4,
    reclaim?: { minIdleMs: number; intervalMs: number },
    Strategy: typeof ServerRedisStreams = ServerRedisStreams,
  ) {
    const server = new Strategy({
      reclaim,
      url: harness.url,
      tls: undefined,
      topology: SINGLE_REDIS,
      groupFor: () => GROUP,
      consumer: 'test-consumer',
      concurrency,
      blockMs: 100,
      presenceKeyFor: (group) => `presence:${group}`,
      logger: createLogger('test'),
    });
    app = await NestFactory.createMicroservice(TestModule, { strategy: server, logger: false });
    await app.listen();
    return server;
  }

  async function pendingCount(): Promise<number> {
    const [count] = (await redis.xpending(STREAM, GROUP)) as [number];
    return count;
  }

  async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('delivers binary fields intact, acknowledges after success, never exceeds its concurrency', async () => {
    const seen: Buffer[] = [];
    let active = 0;
    let maxActive = 0;
    behaviour = async (entry, ctx) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      expect(ctx.getGroup()).toBe(GROUP);
      expect(ctx.getDeliveryCount()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(entry.fields.get('audio') as Buffer);
      active -= 1;
    };
    await startServer(3);
    const producer = new StreamProducer(redis);
    const payloads = Array.from({ length: 40 }, (_, i) => Buffer.from([0, 255, 13, 10, i]));
    await producer.appendMany(payloads.map((audio) => ({ stream: STREAM, fields: ['audio', audio] })));
    await until(() => seen.length === 40);
    await until(async () => (await pendingCount()) === 0);
    expect(new Set(seen.map((b) => b.toString('hex')))).toEqual(
      new Set(payloads.map((b) => b.toString('hex'))),
    );
    expect(maxActive).toBeLessThanOrEqual(3);
    expect(maxActive).toBeGreaterThan(1);
  });

  it('leaves an entry pending when its handler fails, and keeps consuming', async () => {
    const handled: string[] = [];
    behaviour = async (entry) => {
      const name = entry.fields.get('name')?.toString() as string;
      if (name === 'bad') throw new Error('provider exploded');
      handled.push(name);
    };
    await startServer();
    const producer = new StreamProducer(redis);
    await producer.append(STREAM, ['name', 'bad']);
    await producer.append(STREAM, ['name', 'good']);
    await until(() => handled.includes('good'));
    await until(async () => (await pendingCount()) === 1);
  });

  it('does not ack what the handler settled itself', async () => {
    behaviour = async (_entry, ctx) => ctx.markSettled();
    await startServer();
    await new StreamProducer(redis).append(STREAM, ['name', 'x']);
    await until(async () => (await redis.xlen(STREAM)) === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await pendingCount()).toBe(1);
  });

  it('publishes a heartbeat and drains on close: in-flight work finishes and is acked', async () => {
    let finished = 0;
    behaviour = async () => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      finished += 1;
    };
    const server = await startServer(4);
    await until(async () => (await redis.zscore(`presence:${GROUP}`, 'test-consumer')) !== null);
    await new StreamProducer(redis).appendMany(
      Array.from({ length: 4 }, () => ({ stream: STREAM, fields: ['name', 'slow'] })),
    );
    await until(() => server.inFlight === 4);
    await app?.close();
    app = undefined;
    expect(finished).toBe(4);
    expect(await pendingCount()).toBe(0);
    expect(await redis.zscore(`presence:${GROUP}`, 'test-consumer')).toBeNull();
    const consumers = (await redis.xinfo('CONSUMERS', STREAM, GROUP)) as unknown[];
    expect(consumers).toHaveLength(0);
  });

  it('recreates its group when Redis loses it and keeps consuming', async () => {
    const handled: string[] = [];
    behaviour = async (entry) => {
      handled.push(entry.fields.get('name')?.toString() as string);
    };
    await startServer();
    await redis.del(STREAM);
    await until(async () => (await redis.exists(STREAM)) === 1, 5000);
    await new StreamProducer(redis).append(STREAM, ['name', 'after']);
    await until(() => handled.includes('after'));
  });

  it("reclaims a dead consumer's pending entries with their delivery count, and drops trimmed ghosts", async () => {
    const seen: Array<[string, number]> = [];
    behaviour = async (entry, ctx) => {
      seen.push([entry.fields.get('name')?.toString() as string, ctx.getDeliveryCount()]);
    };
    await redis.xgroup('CREATE', STREAM, GROUP, '0', 'MKSTREAM');
    await redis.xadd(STREAM, '*', 'name', 'orphan');
    const ghostId = await redis.xadd(STREAM, '*', 'name', 'ghost');
    // A consumer that reads and dies without acknowledging.
    await redis.xreadgroup('GROUP', GROUP, 'dead-consumer', 'COUNT', 10, 'STREAMS', STREAM, '>');
    await redis.xdel(STREAM, ghostId as string);
    await startServer(4, { minIdleMs: 50, intervalMs: 50 });
    await until(() => seen.length === 1);
    expect(seen).toEqual([['orphan', 2]]);
    await until(async () => (await pendingCount()) === 0);
    // How long it sat with its dead owner before the claim: never less than the min-idle time.
    const idle = (await reclaimIdleSeconds.get()).values.find(
      (v) => v.metricName === 'streamscribe_reclaim_idle_seconds_count',
    );
    const idleSum = (await reclaimIdleSeconds.get()).values.find(
      (v) => v.metricName === 'streamscribe_reclaim_idle_seconds_sum',
    );
    expect(idle?.value).toBe(1);
    expect(idleSum?.value).toBeGreaterThanOrEqual(0.05);
  });

  it("claims a dead owner's entry while busy, past live owners' idle entries ahead of it in the PEL", async () => {
    let release!: () => void;
    const busy = new Promise<void>((resolve) => (release = resolve));
    behaviour = () => busy;
    await redis.xgroup('CREATE', STREAM, GROUP, '0', 'MKSTREAM');
    // First in the PEL: two entries a live peer (fresh heartbeat) left pending after failures;
    // behind them, one whose owner died.
    for (const name of ['left-by-live-peer-1', 'left-by-live-peer-2'])
      await redis.xadd(STREAM, '*', 'name', name);
    await redis.xreadgroup('GROUP', GROUP, 'live-peer', 'COUNT', 2, 'STREAMS', STREAM, '>');
    await redis.xadd(STREAM, '*', 'name', 'left-by-dead-peer');
    await redis.xreadgroup('GROUP', GROUP, 'dead-peer', 'COUNT', 1, 'STREAMS', STREAM, '>');
    const beat = () => redis.zadd(`presence:${GROUP}`, Date.now(), 'live-peer');
    await beat();
    const beating = setInterval(() => void beat(), 50);
    try {
      // Both slots taken before the peers' entries are 100 ms idle: this busy consumer takes one
      // live peer's retry (its allowance with nothing queued), then, with that one queued, none.
      for (const name of ['busy-1', 'busy-2']) await redis.xadd(STREAM, '*', 'name', name);
      await startServer(2, { minIdleMs: 100, intervalMs: 50 });
      const ownerOf = async () =>
        new Map(
          ((await redis.xpending(STREAM, GROUP, '-', '+', 10)) as [string, string][]).map(([id, owner]) => [
            id,
            owner,
          ]),
        );
      const ids = ((await redis.xrange(STREAM, '-', '+')) as [string, string[]][]).map(([id]) => id);
      const [live1, live2, dead] = ids;
      await until(async () => (await ownerOf()).get(dead) === 'test-consumer', 3000);
      const owners = await ownerOf();
      expect([owners.get(live1), owners.get(live2)]).toEqual(['test-consumer', 'live-peer']);
    } finally {
      clearInterval(beating);
      release();
    }
  });

  it('renews the lease of a slow in-flight entry, so a peer never reclaims it from a live consumer', async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    behaviour = () => slow;
    await startServer(4, { minIdleMs: 150, intervalMs: 1000 });
    await redis.xadd(STREAM, '*', 'name', 'slow');
    await until(async () => (await pendingCount()) === 1);
    // A peer sweeping with the same min-idle time for three times as long finds nothing to take.
    const sweepUntil = Date.now() + 500;
    while (Date.now() < sweepUntil) {
      const [, claimed] = (await redis.xautoclaim(STREAM, GROUP, 'peer', 150, '0-0')) as [string, unknown[]];
      expect(claimed).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    release();
    await until(async () => (await pendingCount()) === 0);
  });

  it('never exceeds its concurrency when reclaimed entries and a blocked read meet', async () => {
    let running = 0;
    let most = 0;
    const done: string[] = [];
    behaviour = async (entry) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 150));
      running -= 1;
      done.push(entry.fields.get('name')?.toString() as string);
    };
    await redis.xgroup('CREATE', STREAM, GROUP, '0', 'MKSTREAM');
    for (const name of ['dead-1', 'dead-2']) await redis.xadd(STREAM, '*', 'name', name);
    await redis.xreadgroup('GROUP', GROUP, 'dead-consumer', 'COUNT', 10, 'STREAMS', STREAM, '>');
    await startServer(2, { minIdleMs: 50, intervalMs: 20 });
    for (const name of ['new-1', 'new-2', 'new-3']) await redis.xadd(STREAM, '*', 'name', name);
    await until(() => done.length === 5);
    expect(most).toBeLessThanOrEqual(2);
    expect([...done].sort()).toEqual(['dead-1', 'dead-2', 'new-1', 'new-2', 'new-3']);
  });

  it('closes at once while its reader sleeps off a read error, however long the backoff', async () => {
    let enteredBackoff!: () => void;
    const inBackoff = new Promise<void>((resolve) => (enteredBackoff = resolve));
    class LongBackoffServer extends ServerRedisStreams {
      protected override readRetryDelayMs(): number {
        enteredBackoff();
        return 600_000;
      }
    }
    await startServer(4, undefined, LongBackoffServer);
    // The stream key turns into a string: every XREADGROUP on it fails from now on.
    await redis.del(STREAM);
    await redis.set(STREAM, 'not a stream');
    await inBackoff;
    const closed = app?.close().then(() => 'closed');
    app = undefined;
    let timer: NodeJS.Timeout | undefined;
    const stillAsleep = new Promise<string>(
      (resolve) => (timer = setTimeout(() => resolve('still in backoff'), 10_000)),
    );
    expect(await Promise.race([closed, stillAsleep])).toBe('closed');
    clearTimeout(timer);
  }, 20_000);
});
