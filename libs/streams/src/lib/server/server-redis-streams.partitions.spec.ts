import { SINGLE_REDIS } from '@streamscribe/redis';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import Redis from 'ioredis';
import { createLogger } from '@streamscribe/observability';
import { RedisHarness } from '@streamscribe/testing';
import { RedisStreamsContext } from '../ctx-host/redis-streams.context';
import { StreamEntry } from '../interfaces/stream-entry.interface';
import { ServerRedisStreams } from './server-redis-streams';

/** Four partitions of one stream, tagged as the key scheme tags them (`{k}`): four blocking reads. */
const PARTITIONS = [0, 1, 2, 3].map((k) => `test:partitioned:{${k}}`);
const GROUP = 'partitioned_workers';
const PRESENCE = `presence:${GROUP}`;

let behaviour: (entry: StreamEntry, ctx: RedisStreamsContext) => Promise<void> = async () => undefined;

@Controller()
class PartitionedHandler {
  @EventPattern(PARTITIONS)
  handle(@Payload() entry: StreamEntry, @Ctx() ctx: RedisStreamsContext) {
    return behaviour(entry, ctx);
  }
}

@Module({ controllers: [PartitionedHandler] })
class PartitionedModule {}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Counts handlers running at once. */
function tracked(work: (entry: StreamEntry, ctx: RedisStreamsContext) => Promise<void>) {
  const stats = { running: 0, most: 0, done: [] as string[] };
  behaviour = async (entry, ctx) => {
    stats.running += 1;
    stats.most = Math.max(stats.most, stats.running);
    try {
      await work(entry, ctx);
    } finally {
      stats.running -= 1;
      stats.done.push(`${entry.stream} ${entry.fields.get('name')?.toString()}`);
    }
  };
  return stats;
}

describe('ServerRedisStreams over partitioned streams', () => {
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

  async function startServer(options: {
    concurrency: number;
    blockMs: number;
    reclaim?: { minIdleMs: number; intervalMs: number };
  }): Promise<ServerRedisStreams> {
    const server = new ServerRedisStreams({
      ...options,
      url: harness.url,
      tls: undefined,
      topology: SINGLE_REDIS,
      groupFor: () => GROUP,
      consumer: 'partition-reader',
      presenceKeyFor: () => PRESENCE,
      presenceIntervalMs: 100,
      logger: createLogger('test'),
    });
    app = await NestFactory.createMicroservice(PartitionedModule, { strategy: server, logger: false });
    await app.listen();
    return server;
  }

  async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await pause(10);
    }
  }

  /** Every partition's group exists and its reader is blocked: what a later entry meets. */
  async function readersBlocked(count: number) {
    await until(async () => {
      const list = (await redis.client('LIST')) as string;
      return list.split('\n').filter((line) => line.includes('cmd=xreadgroup')).length === count;
    }, 10_000);
  }

  async function pendingOn(stream: string): Promise<number> {
    const [count] = (await redis.xpending(stream, GROUP)) as [number];
    return count;
  }

  it('reads every partition with its own blocking read, all of them promptly, never past its concurrency', async () => {
    const stats = tracked(() => pause(20));
    // Reads block for a minute: a partition whose reader waited for slots another blocked read
    // holds would take that long, far past the deadline below.
    await startServer({ concurrency: 8, blockMs: 60_000 });
    await readersBlocked(4);
    for (const stream of PARTITIONS) {
      for (let i = 0; i < 10; i++) await redis.xadd(stream, '*', 'name', `e${i}`);
    }
    await until(() => stats.done.length === 40, 15_000);
    for (const stream of PARTITIONS) {
      expect(stats.done.filter((done) => done.startsWith(`${stream} `))).toHaveLength(10);
      await until(async () => (await pendingOn(stream)) === 0, 5000);
    }
    expect(stats.most).toBeLessThanOrEqual(8);
  });

  it('gives a busy partition the slots the idle partitions do not use', async () => {
    const stats = tracked(() => pause(100));
    await startServer({ concurrency: 8, blockMs: 60_000 });
    await readersBlocked(4);
    for (let i = 0; i < 40; i++) await redis.xadd(PARTITIONS[2], '*', 'name', `e${i}`);
    await until(() => stats.done.length === 40, 15_000);
    // The three idle reads keep one slot each (so their partitions are still read at once); the
    // busy one gets the rest, more than an even split's two.
    expect(stats.most).toBeGreaterThan(2);
    expect(stats.most).toBeLessThanOrEqual(8);
    await redis.xadd(PARTITIONS[0], '*', 'name', 'after');
    await until(() => stats.done.includes(`${PARTITIONS[0]} after`), 5000);
  });

  it("reclaims a dead consumer's entries from every partition, and renews its own leases on each", async () => {
    for (const stream of PARTITIONS) {
      await redis.xgroup('CREATE', stream, GROUP, '0', 'MKSTREAM');
      await redis.xadd(stream, '*', 'name', 'orphan');
      // A consumer that reads and dies without acknowledging (no heartbeat: it is gone).
      await redis.xreadgroup('GROUP', GROUP, 'dead-consumer', 'COUNT', 10, 'STREAMS', stream, '>');
    }
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const stats = tracked(async (entry) => {
      if (entry.fields.get('name')?.toString() === 'slow') await slow;
    });
    await startServer({ concurrency: 8, blockMs: 100, reclaim: { minIdleMs: 150, intervalMs: 30 } });
    await until(() => stats.done.filter((done) => done.endsWith(' orphan')).length === 4, 10_000);
    for (const stream of PARTITIONS) await until(async () => (await pendingOn(stream)) === 0, 5000);
    // Slow entries on two partitions stay this consumer's: a peer sweeping them finds nothing.
    await redis.xadd(PARTITIONS[1], '*', 'name', 'slow');
    await redis.xadd(PARTITIONS[3], '*', 'name', 'slow');
    await until(async () => (await pendingOn(PARTITIONS[1])) + (await pendingOn(PARTITIONS[3])) === 2, 5000);
    const sweepUntil = Date.now() + 600;
    while (Date.now() < sweepUntil) {
      for (const stream of [PARTITIONS[1], PARTITIONS[3]]) {
        const [, claimed] = (await redis.xautoclaim(stream, GROUP, 'peer', 150, '0-0')) as [
          string,
          unknown[],
        ];
        expect(claimed).toEqual([]);
      }
      await pause(25);
    }
    release();
    for (const stream of PARTITIONS) await until(async () => (await pendingOn(stream)) === 0, 5000);
  });

  it("starts a dead consumer's batch ahead of new entries while busy, and still reads new ones", async () => {
    const stream = PARTITIONS[0];
    await redis.xgroup('CREATE', stream, GROUP, '0', 'MKSTREAM');
    for (let i = 0; i < 4; i++) await redis.xadd(stream, '*', 'name', `dead-${i}`);
    await redis.xreadgroup('GROUP', GROUP, 'dead-consumer', 'COUNT', 10, 'STREAMS', stream, '>');
    for (let i = 0; i < 30; i++) await redis.xadd(stream, '*', 'name', `new-${i}`);
    const started: string[] = [];
    const stats = tracked(async (entry) => {
      started.push(entry.fields.get('name')?.toString() as string);
      await pause(60);
    });
    // The dead consumer's entries are past min-idle by the time of the first sweep.
    await pause(100);
    await startServer({ concurrency: 2, blockMs: 100, reclaim: { minIdleMs: 50, intervalMs: 20 } });
    await until(() => stats.done.length === 34, 15_000);
    const lastDead = Math.max(...[0, 1, 2, 3].map((i) => started.indexOf(`dead-${i}`)));
    // One sweep at a time claims them all; a new read got a slot between them.
    expect(lastDead).toBeLessThan(started.length / 2);
    expect(started.slice(0, lastDead).some((name) => name.startsWith('new-'))).toBe(true);
    expect(stats.most).toBeLessThanOrEqual(2);
  });
});
