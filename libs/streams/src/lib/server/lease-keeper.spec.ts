import Redis from 'ioredis';
import { createLogger } from '@streamscribe/observability';
import { RedisHarness, until } from '@streamscribe/testing';
import { InFlightEntry, LeaseKeeper, leasesLost } from './lease-keeper';

const STREAM = 'lease:stream';
const GROUP = 'lease_workers';
// Long enough that a loaded CI machine stalling the event loop for a few hundred ms does not let a
// renewal (every third of it) come late; the property checked is the same at any length.
const MIN_IDLE_MS = 1000;

describe('LeaseKeeper', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let keeper: LeaseKeeper;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  beforeEach(() => {
    keeper = new LeaseKeeper('me', createLogger('test'));
  });
  afterEach(async () => {
    await keeper.stop();
    await redis.flushdb();
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  /** Entries this consumer read and has not acked yet. */
  async function delivered(count: number): Promise<InFlightEntry[]> {
    await redis.xgroup('CREATE', STREAM, GROUP, '0', 'MKSTREAM');
    for (let i = 0; i < count; i++) await redis.xadd(STREAM, '*', 'n', String(i));
    const reply = (await redis.xreadgroup(
      'GROUP',
      GROUP,
      'me',
      'COUNT',
      count,
      'STREAMS',
      STREAM,
      '>',
    )) as Array<[string, Array<[string]>]>;
    return reply[0][1].map(([id]) => ({ stream: STREAM, group: GROUP, id }));
  }

  const peerClaims = async () => {
    const [, claimed] = (await redis.xautoclaim(STREAM, GROUP, 'peer', MIN_IDLE_MS, '0-0')) as [
      string,
      unknown[],
    ];
    return claimed.length;
  };

  it('counts work as in flight until it settles, and says whether it settled in time', async () => {
    const [first, second] = await delivered(2);
    let finish!: () => void;
    const released: string[] = [];
    keeper.hold(first, new Promise<void>((resolve) => (finish = resolve)), () => released.push('first'));
    keeper.hold(second, Promise.resolve(), () => released.push(`second, ${keeper.size} left`));
    expect(keeper.size).toBe(2);
    await until(
      async () => keeper.size,
      (size) => size === 1,
    );
    expect(released).toEqual(['second, 1 left']);
    await expect(keeper.settle(20)).resolves.toBe(false);
    finish();
    await until(
      async () => keeper.size,
      (size) => size === 0,
    );
    expect(released).toEqual(['second, 1 left', 'first']);
    await expect(keeper.settle(20)).resolves.toBe(true);
  });

  it('renews in-flight and queued entries until stopped, so a peer reclaims them only after', async () => {
    const [running, queued] = await delivered(2);
    keeper.hold(running, new Promise<void>(() => undefined));
    keeper.start({ commands: redis, minIdleMs: MIN_IDLE_MS, queued: () => [queued] });
    // A peer sweeping with the same min-idle time for three times as long finds nothing to take.
    const sweepUntil = Date.now() + 3 * MIN_IDLE_MS;
    while (Date.now() < sweepUntil) {
      expect(await peerClaims()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await keeper.stop();
    let taken = 0;
    await until(
      async () => (taken += await peerClaims()),
      (total) => total === 2,
    );
  });

  it('counts the entries a peer took while they were still in flight here', async () => {
    const [entry] = await delivered(1);
    keeper.hold(entry, new Promise<void>(() => undefined));
    await redis.xclaim(STREAM, GROUP, 'peer', 0, entry.id);
    const lostBefore = await lostCount();
    keeper.start({ commands: redis, minIdleMs: 30, queued: () => [] });
    await until(lostCount, (lost) => lost > lostBefore);
  });
});

async function lostCount(): Promise<number> {
  const { values } = await leasesLost.get();
  return values.find((v) => v.labels['stream'] === STREAM)?.value ?? 0;
}
