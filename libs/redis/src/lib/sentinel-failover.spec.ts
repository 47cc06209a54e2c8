import type Redis from 'ioredis';
import { createLogger } from '@streamscribe/observability';
import { SentinelHarness } from '@streamscribe/testing';
import { aclSetUserArgs, redisAclUser } from './acl-users';
import { closeRedis, createRedisConnection, waitUntilReady } from './redis-connection';
import { NotReplicatedError, ReplicaDurability } from './replica-durability';
import { redisTopologyFrom } from './redis-topology';

jest.setTimeout(90_000);

const ROUTER_PASSWORD = 'router-test-password';
const logger = createLogger('sentinel-failover.spec');

/**
 * A real primary, replica and three sentinels; the connection the apps open, as the router's ACL
 * user, must follow both a crash (SIGKILL) and a planned failover (the old primary demoted, still up).
 */
describe('createRedisConnection behind Redis Sentinel', () => {
  let redis: SentinelHarness;
  let client: Redis | undefined;

  beforeEach(async () => {
    redis = await SentinelHarness.start({
      aclUsers: [aclSetUserArgs(redisAclUser('router'), ROUTER_PASSWORD)],
    });
  });

  afterEach(async () => {
    if (client) await closeRedis(client);
    client = undefined;
    await redis.stop();
  });

  /** The router's connection: fail fast while disconnected, like the one that serves requests. */
  function connect(failFastWhenDisconnected: boolean): Redis {
    const url = `redis://streamscribe-router:${ROUTER_PASSWORD}@ignored.invalid:1`;
    return createRedisConnection(url, {
      name: 'sentinel-spec',
      logger,
      tls: undefined,
      failFastWhenDisconnected,
      topology: redisTopologyFrom({
        REDIS_URL: url,
        REDIS_SENTINELS: redis.sentinels,
        REDIS_SENTINEL_MASTER: redis.masterName,
        REDIS_SENTINEL_USERNAME: '',
        REDIS_SENTINEL_PASSWORD: '',
        REDIS_CLUSTER_NODES: '',
      }),
    });
  }

  it('keeps what WAIT confirmed across a primary crash, reconnects to the promoted replica, and WAIT then reports the missing replica', async () => {
    client = connect(true);
    await waitUntilReady(client, 10_000);
    const durability = new ReplicaDurability(1, 5000);
    await durability.exec(client.pipeline().set('streamscribe:spec:confirmed', 'yes'), 'spec');
    const replica = redis.replica.client();
    expect(await replica.get('streamscribe:spec:confirmed')).toBe('yes');
    replica.disconnect();

    await redis.killPrimary();
    const promoted = await redis.waitForFailover();
    expect(promoted.port).toBe(redis.primary.ownPort);

    // The same client object, now on the promoted replica (writes fail fast until it moved).
    const moved = client as Redis;
    await untilOk(() => moved.set('streamscribe:spec:after', 'written'));
    const direct = redis.primary.client();
    try {
      expect(await direct.get('streamscribe:spec:confirmed')).toBe('yes');
      expect(await direct.get('streamscribe:spec:after')).toBe('written');
      // The old primary is dead: the new one has no replica, and WAIT says so.
      const shortfall = new ReplicaDurability(1, 300).exec(
        client.pipeline().set('streamscribe:spec:lonely', '1'),
        'spec',
      );
      const tight = new ReplicaDurability(1, 50);
      await expect(
        tight.exec(client.pipeline().set('streamscribe:spec:lonely', '2'), 'spec'),
      ).rejects.toThrow(NotReplicatedError);
      await expect(shortfall).rejects.toMatchObject({ report: { replicas: 0, wanted: 1 } });
      // Written all the same: a retry of an idempotent write is what the 503 asks for.
      expect(await direct.get('streamscribe:spec:lonely')).toBe('2');
      // Everything the client sent, the reconnection's INFO included, was allowed to the router's user.
      expect(await direct.call('ACL', 'LOG')).toEqual([]);
    } finally {
      direct.disconnect();
    }
  });

  it('follows a planned failover; with WAIT, no write it acknowledged is lost (the demoted primary takes writes until it is told)', async () => {
    client = connect(false);
    await waitUntilReady(client, 10_000);
    const durability = new ReplicaDurability(1, 200);
    const acknowledged: string[] = [];
    let refused = 0;
    let writing = true;
    const writingClient = client as Redis;
    const writer = (async () => {
      for (let i = 0; writing; i += 1) {
        try {
          await durability.exec(
            writingClient.pipeline().xadd('streamscribe:spec:stream', '*', 'i', String(i)),
            'spec',
          );
          acknowledged.push(String(i));
        } catch {
          refused += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await untilCount(() => acknowledged.length, 20);
    await redis.failover();
    await redis.waitForFailover();
    // Until acknowledged writes reach the new primary again: the client has moved.
    const moved = acknowledged.length + refused;
    await untilCount(() => acknowledged.length, moved + 20);
    writing = false;
    await writer;
    const direct = redis.primary.client();
    try {
      const stored = new Set(
        (await direct.xrange('streamscribe:spec:stream', '-', '+')).map(([, fields]) => fields[1]),
      );
      expect(acknowledged.filter((i) => !stored.has(i))).toEqual([]);
      expect(await direct.call('ACL', 'LOG')).toEqual([]);
    } finally {
      direct.disconnect();
    }
  });
});

async function untilCount(count: () => number, atLeast: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count() < atLeast) {
    if (Date.now() > deadline) throw new Error(`count stayed at ${count()}, below ${atLeast}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function untilOk(attempt: () => Promise<unknown>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
