import Redis from 'ioredis';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  KeyScheme,
  PROVIDERS,
  providerHealthKey,
  providerHeartbeatKey,
  consensusClaimKey,
} from '@streamscribe/contracts';
import { RedisHarness } from '@streamscribe/testing';
import { aclSetUserArgs, aclSetUserLine, redisAclUser, redisAclUsers } from './acl-users';

jest.setTimeout(30_000);

/** Every key the scheme names, for the default tenant and another, on one node and partitioned. */
function schemeKeys(scheme: KeyScheme): { shared: string[]; routerOnly: string[] } {
  const shared: string[] = [];
  for (const partition of scheme.allPartitions()) {
    for (const provider of PROVIDERS) shared.push(scheme.providerStream(provider, partition));
    shared.push(
      scheme.allResultsStream(partition),
      scheme.failuresStream(partition),
      scheme.deadLetterStream(partition),
      scheme.providerCostKey(partition),
      scheme.tenantCostKey('acme', '2026-12', partition),
      scheme.sessionIndexKey(partition),
    );
  }
  for (const tenant of ['default', 'acme-2']) {
    const ref = scheme.session(tenant, 'session-1');
    shared.push(...scheme.sessionKeys(ref), ...scheme.sessionKeys(scheme.consensusCorrelation(ref, 'c1')));
  }
  for (const provider of PROVIDERS) shared.push(providerHeartbeatKey(provider), providerHealthKey(provider));
  const routerOnly = [
    ...scheme.allPartitions().map((partition) => scheme.consensusRequestsStream(partition)),
    consensusClaimKey('1-0'),
    // auth and quotas (libs/auth AUTH_KEYS, libs/quotas quotaKeys): the router's alone
    'streamscribe:auth:key:0123456789abcdef',
    'streamscribe:auth:keys',
    'streamscribe:auth:token:abc',
    'streamscribe:auth:failures:10.0.0.1',
    'streamscribe:auth:dev-key-minted',
    'streamscribe:audit',
    'streamscribe:tenant:acme:settings',
    'streamscribe:tenant:acme:rate',
    'streamscribe:tenant:acme:live',
    'streamscribe:tenant:acme:audio-ms:2026-12-02',
  ];
  return { shared, routerOnly };
}

describe("the apps' Redis ACL users", () => {
  let harness: RedisHarness;
  let admin: Redis;

  beforeAll(async () => {
    harness = await RedisHarness.start({
      secure: { users: redisAclUsers().map((user) => aclSetUserArgs(user, `${user.app}-secret`)) },
    });
    admin = harness.client();
  });
  afterAll(async () => {
    admin?.disconnect();
    await harness?.close();
  });

  const dryRun = (username: string, ...command: string[]) =>
    admin.call('ACL', 'DRYRUN', username, ...command) as Promise<string>;

  it.each([
    ['single node', new KeyScheme()],
    ['four partitions', new KeyScheme({ partitions: 4, cluster: false })],
    ['cluster', new KeyScheme({ partitions: 1, cluster: true })],
  ])('lets each app reach every key of the scheme it uses (%s)', async (_, scheme) => {
    const { shared, routerOnly } = schemeKeys(scheme);
    const router = redisAclUser('router').username;
    const worker = redisAclUser('worker').username;
    for (const key of [...shared, ...routerOnly])
      expect([key, await dryRun(router, 'HGET', key, 'f')]).toEqual([key, 'OK']);
    for (const key of shared) expect([key, await dryRun(worker, 'HGET', key, 'f')]).toEqual([key, 'OK']);
    for (const key of routerOnly)
      expect(await dryRun(worker, 'XADD', key, '*', 'f', 'v')).toMatch(/no permissions to access/);
  });

  it("keeps both apps to their keys, and workers from the router's", async () => {
    for (const user of redisAclUsers()) {
      for (const key of ['other:key', 'streamscribeX', 'audio:other'])
        expect(await dryRun(user.username, 'HGET', key, 'f')).toMatch(/no permissions to access/);
    }
    for (const key of ['streamscribe:auth:keys', 'streamscribe:quota:acme', 'streamscribe:tenant:acme:rate'])
      expect(await dryRun(redisAclUser('worker').username, 'HGET', key, 'f')).toMatch(/no permissions/);
  });

  it("lets the router DEL a session's keys and a tenant's overrides, and nothing shared", async () => {
    const router = redisAclUser('router').username;
    for (const scheme of [new KeyScheme(), new KeyScheme({ partitions: 4, cluster: false })]) {
      for (const key of scheme.sessionKeys(scheme.session('acme', 's-1')))
        expect([key, await dryRun(router, 'DEL', key)]).toEqual([key, 'OK']);
      expect(await dryRun(router, 'DEL', ...scheme.sessionKeys(scheme.session('default', 's-1')))).toBe('OK');
    }
    expect(await dryRun(router, 'DEL', 'streamscribe:tenant:acme:settings')).toBe('OK');
    for (const key of [
      'audio:stream:deepgram',
      'transcription:failures',
      'streamscribe:sessions',
      'streamscribe:auth:keys',
      'streamscribe:audit',
      'streamscribe:tenant:acme:rate',
      providerHeartbeatKey('deepgram'),
    ])
      expect([key, await dryRun(router, 'DEL', key)]).toEqual([key, expect.stringMatching(/no permissions/)]);
    expect(await dryRun(redisAclUser('worker').username, 'DEL', 'streamscribe:session:s-1:meta')).toMatch(
      /no permissions/,
    );
  });

  it('refuses admin and dangerous commands to both, and group and client control to the router', async () => {
    const refused = [
      ['FLUSHALL'],
      ['FLUSHDB'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
      ['CONFIG', 'GET', 'requirepass'],
      ['ACL', 'LIST'],
      ['KEYS', '*'],
      ['SCAN', '0'],
      ['DEBUG', 'SLEEP', '0'],
      ['SHUTDOWN'],
      ['MONITOR'],
      ['CLIENT', 'KILL', 'ID', '1'],
      ['CLIENT', 'LIST'],
      ['SCRIPT', 'FLUSH'],
      ['FUNCTION', 'FLUSH'],
      ['DEL', 'audio:stream:deepgram'],
      ['XGROUP', 'DESTROY', 'audio:stream:deepgram', 'g'],
      ['XGROUP', 'SETID', 'audio:stream:deepgram', 'g', '0'],
      ['PUBLISH', 'channel', 'message'],
    ];
    for (const user of redisAclUsers())
      for (const command of refused)
        expect([command[0], await dryRun(user.username, ...command)]).toEqual([
          command[0],
          expect.stringMatching(/no permissions/),
        ]);
    const router = redisAclUser('router').username;
    expect(await dryRun(router, 'CLIENT', 'UNBLOCK', '1')).toMatch(/no permissions/);
    expect(
      await dryRun(router, 'XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'audio:stream:deepgram', '>'),
    ).toMatch(/no permissions/);
  });

  it('logs in only over TLS with a client certificate, as the app users', async () => {
    for (const user of redisAclUsers()) {
      const client = new Redis(harness.urlFor(user.username, `${user.app}-secret`), {
        tls: harness.clientTls,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      try {
        await client.connect();
        expect(await client.ping()).toBe('PONG');
        await expect(client.flushall()).rejects.toThrow(/NOPERM/);
      } finally {
        client.disconnect();
      }
    }
  });

  it('is the user set docs/security.md tells operators to create, line for line', () => {
    const page = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'security.md'), 'utf8');
    for (const user of redisAclUsers()) {
      const line = aclSetUserLine(user, `${user.app.toUpperCase()}_PASSWORD`);
      expect(page.includes(line) ? 'quoted' : `docs/security.md lacks: ${line}`).toBe('quoted');
    }
  });
});
