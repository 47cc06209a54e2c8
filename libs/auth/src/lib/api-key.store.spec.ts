import type Redis from 'ioredis';
import { RedisHarness } from '@streamscribe/testing';
import { ApiKeyStore } from './api-key.store';
import { AUTH_KEYS } from './auth-redis-keys';

const comparisons = jest.fn();
jest.mock('node:crypto', () => {
  const actual = jest.requireActual('node:crypto');
  return {
    ...actual,
    timingSafeEqual: (a: Buffer, b: Buffer) => {
      comparisons(a.length, b.length);
      return actual.timingSafeEqual(a, b);
    },
  };
});

jest.setTimeout(20_000);

describe('ApiKeyStore (real Redis)', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let clock: number;
  const now = () => clock;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  beforeEach(async () => {
    clock = Date.UTC(2026, 0, 1);
    comparisons.mockClear();
    await redis.flushdb();
  });
  afterAll(async () => {
    redis.disconnect();
    await harness.close();
  });

  const store = (cacheMs = 0) => new ApiKeyStore(redis, cacheMs, now);

  it('creates random keys of the documented form and stores only their SHA-256', async () => {
    const created = await store().create({
      tenant: 'acme',
      scopes: ['read', 'read', 'transcribe'],
      name: 'ci',
    });
    expect(created.key).toMatch(/^ss_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.record).toMatchObject({ tenant: 'acme', scopes: ['read', 'transcribe'], name: 'ci' });
    const other = await store().create({ tenant: 'acme', scopes: ['read'], name: 'ci' });
    expect(other.key).not.toBe(created.key);

    const stored = await redis.hgetall(AUTH_KEYS.apiKey(created.record.id));
    expect(stored['hash']).toMatch(/^[0-9a-f]{64}$/);
    const secret = created.key.split('_').slice(2).join('_');
    expect(await everythingIn(redis)).not.toContain(secret);
    expect(JSON.stringify(await store().list())).not.toContain(stored['hash']);
  });

  it('accepts the right key and refuses a wrong secret or unknown id alike, each after one constant-time comparison', async () => {
    const { key, record } = await store().create({ tenant: 'acme', scopes: ['read'], name: 'a' });
    expect(await store().check(key)).toEqual({
      ok: true,
      record: expect.objectContaining({ id: record.id }),
    });
    expect(comparisons).toHaveBeenCalledTimes(1);
    expect(comparisons).toHaveBeenLastCalledWith(32, 32);

    const wrongSecret = `${key.slice(0, -4)}AAAA`;
    const unknownId = `ss_0000000000000000_${key.split('_').slice(2).join('_')}`;
    for (const presented of [wrongSecret, unknownId, 'not-a-key']) {
      comparisons.mockClear();
      expect(await store().check(presented)).toEqual({ ok: false, reason: 'unrecognised' });
      expect(comparisons).toHaveBeenCalledTimes(1);
    }
  });

  it('refuses an expired key, and only the holder of the secret learns it expired', async () => {
    const { key } = await store().create({
      tenant: 'acme',
      scopes: ['read'],
      name: 'a',
      expiresInSeconds: 60,
    });
    clock += 59_000;
    expect((await store().check(key)).ok).toBe(true);
    clock += 1_000;
    expect(await store().check(key)).toEqual({ ok: false, reason: 'expired' });
    expect(await store().check(`${key.slice(0, -1)}x`)).toEqual({ ok: false, reason: 'unrecognised' });
  });

  it('revokes at once on the revoking router, and within the cache time on another', async () => {
    const cacheMs = 5000;
    const here = store(cacheMs);
    const elsewhere = store(cacheMs);
    const { key, record } = await here.create({ tenant: 'acme', scopes: ['read'], name: 'a' });
    expect((await here.check(key)).ok).toBe(true);
    expect((await elsewhere.check(key)).ok).toBe(true);

    await here.revoke(record.id);
    expect(await here.check(key)).toEqual({ ok: false, reason: 'revoked' });
    clock += cacheMs - 1; // the other router still has the record it read
    expect((await elsewhere.check(key)).ok).toBe(true);
    clock += 1; // ... and not a moment longer than AUTH_CACHE_MS
    expect(await elsewhere.check(key)).toEqual({ ok: false, reason: 'revoked' });
    expect((await here.get(record.id))?.revokedAt).toBe(clock - cacheMs);
  });

  it('rotates: a new key with the same tenant, scopes and name; the old one works through its grace period only', async () => {
    const keys = store();
    const { key: oldKey, record } = await keys.create({
      tenant: 'acme',
      scopes: ['transcribe'],
      name: 'app',
    });
    const rotated = rotatedOrThrow(await keys.rotate(record.id, 30));
    expect(rotated.created.record).toMatchObject({ tenant: 'acme', scopes: ['transcribe'], name: 'app' });
    expect(rotated.old).toMatchObject({ id: record.id, replacedBy: rotated.created.record.id });
    expect((await keys.check(rotated.created.key)).ok).toBe(true);
    expect((await keys.check(oldKey)).ok).toBe(true);
    clock += 30_000;
    expect(await keys.check(oldKey)).toEqual({ ok: false, reason: 'revoked' });
    expect(await keys.rotate(record.id)).toBeUndefined();

    const immediate = rotatedOrThrow(await keys.rotate(rotated.created.record.id));
    expect(await keys.check(rotated.created.key)).toEqual({ ok: false, reason: 'revoked' });
    expect((await keys.check(immediate.created.key)).ok).toBe(true);
  });

  it('lists keys per tenant, newest first, with no secret', async () => {
    const keys = store();
    await keys.create({ tenant: 'acme', scopes: ['read'], name: 'first' });
    clock += 1;
    const second = await keys.create({ tenant: 'acme', scopes: ['read'], name: 'second' });
    await keys.create({ tenant: 'other', scopes: ['admin'], name: 'theirs' });
    expect((await keys.list('acme')).map((k) => k.name)).toEqual(['second', 'first']);
    expect(await keys.list()).toHaveLength(3);
    expect(JSON.stringify(await keys.list())).not.toContain(second.key.split('_').slice(2).join('_'));
    expect(await keys.isEmpty()).toBe(false);
  });

  it('refuses a malformed tenant id and records lastUsedAt coarsely', async () => {
    await expect(store().create({ tenant: 'Bad:Tenant', scopes: ['read'], name: 'x' })).rejects.toThrow(
      /malformed/,
    );
    const keys = store(60_000);
    const { key, record } = await keys.create({ tenant: 'acme', scopes: ['read'], name: 'x' });
    await keys.check(key);
    const first = clock;
    clock += 1000;
    await keys.check(key);
    // Written without waiting (off the request's path): give a loaded machine time.
    const deadline = Date.now() + 10_000;
    let lastUsedAt: string | null = null;
    while (!lastUsedAt && Date.now() < deadline) {
      lastUsedAt = await redis.hget(AUTH_KEYS.apiKey(record.id), 'lastUsedAt');
      if (!lastUsedAt) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(lastUsedAt).toBe(String(first));
  });
});

function rotatedOrThrow<T>(rotated: T | undefined): T {
  if (!rotated) throw new Error('the key was not rotated');
  return rotated;
}

/** Every value in Redis as text (hashes, sets and strings are all authentication writes). */
async function everythingIn(redis: Redis): Promise<string> {
  const values = await Promise.all(
    (await redis.keys('*')).map(async (key) => {
      const type = await redis.type(key);
      if (type === 'hash') return JSON.stringify(await redis.hgetall(key));
      if (type === 'set') return JSON.stringify(await redis.smembers(key));
      return (await redis.get(key)) ?? '';
    }),
  );
  return `${(await redis.keys('*')).join(' ')} ${values.join(' ')}`;
}
