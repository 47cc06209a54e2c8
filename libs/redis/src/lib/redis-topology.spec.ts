import { RedisTopologySettings, SINGLE_REDIS, redisTopologyFrom } from './redis-topology';

const NONE: RedisTopologySettings = {
  REDIS_URL: 'redis://127.0.0.1:6379',
  REDIS_SENTINELS: '',
  REDIS_SENTINEL_MASTER: 'streamscribe',
  REDIS_SENTINEL_USERNAME: '',
  REDIS_SENTINEL_PASSWORD: '',
  REDIS_CLUSTER_NODES: '',
};

describe('redisTopologyFrom', () => {
  it('is one server when neither sentinels nor cluster nodes are set', () => {
    expect(redisTopologyFrom(NONE)).toBe(SINGLE_REDIS);
  });

  it('reads sentinels (spaces, host names, IPv6 in brackets) with the master name and their credentials', () => {
    expect(
      redisTopologyFrom({
        ...NONE,
        REDIS_SENTINELS: ' sentinel-0.redis:26379, 10.0.0.7:26380 ,[::1]:26381',
        REDIS_SENTINEL_MASTER: ' mymaster ',
        REDIS_SENTINEL_USERNAME: 'sentinel-user',
        REDIS_SENTINEL_PASSWORD: 'pw',
      }),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 'sentinel-0.redis', port: 26379 },
        { host: '10.0.0.7', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      masterName: 'mymaster',
      sentinelUsername: 'sentinel-user',
      sentinelPassword: 'pw',
    });
  });

  it('leaves sentinel credentials out when unset', () => {
    const topology = redisTopologyFrom({ ...NONE, REDIS_SENTINELS: 'a:1' });
    expect(topology).toEqual({
      kind: 'sentinel',
      sentinels: [{ host: 'a', port: 1 }],
      masterName: 'streamscribe',
    });
  });

  it('reads cluster seeds', () => {
    expect(redisTopologyFrom({ ...NONE, REDIS_CLUSTER_NODES: 'n1:7000,n2:7001' })).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
    });
  });

  it.each([
    [{ REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' }, /both set/],
    [{ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_MASTER: '  ' }, /REDIS_SENTINEL_MASTER is empty/],
    [{ REDIS_SENTINEL_PASSWORD: 'pw' }, /without REDIS_SENTINELS/],
    [{ REDIS_SENTINEL_USERNAME: 'u' }, /without REDIS_SENTINELS/],
    [{ REDIS_SENTINELS: 'a:1,' }, /REDIS_SENTINELS: "" is not host:port/],
    [{ REDIS_SENTINELS: 'a' }, /REDIS_SENTINELS: "a" is not host:port/],
    [{ REDIS_SENTINELS: 'a:0' }, /"a:0" is not host:port/],
    [{ REDIS_SENTINELS: 'a:65536' }, /"a:65536" is not host:port/],
    [{ REDIS_CLUSTER_NODES: 'x:1,y:port' }, /REDIS_CLUSTER_NODES: "y:port" is not host:port/],
    [{ REDIS_CLUSTER_NODES: '::1:7000' }, /"::1:7000" is not host:port/],
  ])('refuses %j, naming the setting', (settings, message) => {
    expect(() => redisTopologyFrom({ ...NONE, ...settings })).toThrow(message);
  });
});
