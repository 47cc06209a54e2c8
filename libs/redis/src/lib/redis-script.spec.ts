import type Redis from 'ioredis';
import { createLogger } from '@streamscribe/observability';
import { RedisHarness } from '@streamscribe/testing';
import { createRedisConnection } from './redis-connection';
import { defineScript } from './redis-script';

const echoScript = defineScript({
  name: 'ssSpecEcho',
  keys: ['key'],
  args: ['value'],
  lua: `redis.call('SET', KEYS[1], ARGV[1]); return ARGV[1]`,
  decode: (reply) => String(reply),
});

describe('RedisScript on an auto-pipelined connection', () => {
  let harness: RedisHarness;
  let client: Redis;

  beforeAll(async () => {
    harness = await RedisHarness.start({ ownServer: true });
    client = createRedisConnection(harness.url, {
      name: 'spec:auto-pipelined',
      logger: createLogger('spec'),
      autoPipelining: true,
      tls: undefined,
      topology: { kind: 'single' },
    });
  });

  afterAll(async () => {
    client.disconnect();
    await harness.close();
  });

  it('runs a script first used in a tick whose pipeline another command opened', async () => {
    // The GET opens this tick's pipeline before the script is defined on the connection.
    const [before, echoed] = await Promise.all([
      client.get('spec:echo'),
      echoScript.run(client, { key: 'spec:echo' }, { value: 'first' }),
    ]);
    expect(before).toBeNull();
    expect(echoed).toBe('first');
    expect(await client.get('spec:echo')).toBe('first');
  });
});
