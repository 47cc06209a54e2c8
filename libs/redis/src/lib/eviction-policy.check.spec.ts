import Redis from 'ioredis';
import pino from 'pino';
import { Writable } from 'node:stream';
import { RedisHarness } from '@streamscribe/testing';
import { readEvictionVerdict, warnIfRedisMayEvict } from './eviction-policy.check';

/** A real pino logger whose lines land in an array. */
function recordingLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('maxmemory-policy check at startup', () => {
  let harness: RedisHarness;
  let redis: Redis;

  beforeAll(async () => {
    harness = await RedisHarness.start({ ownServer: true });
    redis = harness.client();
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  it.each([
    ['noeviction', 'safe'],
    ['allkeys-lru', 'evicts-streams'],
    ['allkeys-lfu', 'evicts-streams'],
    ['volatile-ttl', 'evicts-sessions'],
  ])('reads %s as %s', async (policy, kind) => {
    await redis.config('SET', 'maxmemory-policy', policy);
    expect(await readEvictionVerdict(redis)).toEqual({ kind, policy });
  });

  it('warns when the policy would evict stream keys, and says nothing under noeviction', async () => {
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const evicting = recordingLogger();
    await warnIfRedisMayEvict(redis, evicting.logger);
    await new Promise((resolve) => setImmediate(resolve));
    expect(evicting.lines).toEqual([
      expect.objectContaining({
        level: 40,
        maxmemoryPolicy: 'allkeys-lru',
        msg: expect.stringContaining('noeviction'),
      }),
    ]);
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    const safe = recordingLogger();
    await warnIfRedisMayEvict(redis, safe.logger);
    await new Promise((resolve) => setImmediate(resolve));
    expect(safe.lines).toEqual([]);
  });

  it("reads the policy under an ACL without CONFIG (as the apps' users are), from INFO", async () => {
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await redis.call('ACL', 'SETUSER', 'noconfig', 'on', '>secret', '~*', '&*', '+@all', '-config');
    const limited = new Redis(harness.url.replace('redis://', 'redis://noconfig:secret@'));
    try {
      expect(await readEvictionVerdict(limited)).toEqual({ kind: 'evicts-streams', policy: 'allkeys-lru' });
    } finally {
      limited.disconnect();
      await redis.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('says once that it skipped the check when an ACL forbids INFO', async () => {
    await redis.call('ACL', 'SETUSER', 'least', 'on', '>secret', '~*', '&*', '+@all', '-config', '-info');
    const limited = new Redis(harness.url.replace('redis://', 'redis://least:secret@'), {
      enableReadyCheck: false,
    });
    try {
      const verdict = await readEvictionVerdict(limited);
      expect(verdict).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/NOPERM/) });
      const { logger, lines } = recordingLogger();
      await warnIfRedisMayEvict(limited, logger);
      await new Promise((resolve) => setImmediate(resolve));
      expect(lines).toEqual([
        expect.objectContaining({
          level: 30,
          msg: expect.stringContaining('maxmemory-policy check skipped'),
        }),
      ]);
    } finally {
      limited.disconnect();
    }
  });
});
