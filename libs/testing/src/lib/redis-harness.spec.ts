import { RedisHarness } from './redis-harness';

describe('RedisHarness', () => {
  it('runs its own redis-server and keeps acknowledged writes across a crash when AOF is on', async () => {
    const harness = await RedisHarness.start({ ownServer: true, appendOnly: true });
    try {
      const client = harness.client();
      await client.xadd('s', '*', 'k', 'v');
      client.disconnect();
      await harness.kill();
      await harness.restart();
      const after = harness.client();
      expect(await after.xlen('s')).toBe(1);
      after.disconnect();
    } finally {
      await harness.close();
    }
  });

  it('uses REDIS_URL when set, on a flushed database of its own', async () => {
    const own = await RedisHarness.start({ ownServer: true });
    const previous = process.env['REDIS_URL'];
    process.env['REDIS_URL'] = own.url;
    try {
      const seed = own.client();
      await seed.select(Number(process.env['JEST_WORKER_ID'] ?? '1') % 16);
      await seed.set('left-over', '1');
      seed.disconnect();
      const shared = await RedisHarness.start();
      expect(shared.url.startsWith(own.url)).toBe(true);
      const client = shared.client();
      expect(await client.get('left-over')).toBeNull();
      client.disconnect();
      await expect(shared.restart()).rejects.toThrow(/ownServer/);
    } finally {
      process.env['REDIS_URL'] = previous;
      if (previous === undefined) delete process.env['REDIS_URL'];
      await own.close();
    }
  });
});
