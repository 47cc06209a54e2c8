import Redis from 'ioredis';
import { KeyScheme, LiveSessionOptions } from '@streamscribe/contracts';
import { aclSetUserArgs, redisAclUser } from '@streamscribe/redis';
import { RedisHarness } from '@streamscribe/testing';
import { LiveRouterStore } from './live-router.store';

const OPTIONS: LiveSessionOptions = {
  format: { encoding: 'linear16', sampleRate: 16000, channels: 1 },
  interimResults: false,
  endpointingMs: 10,
  vadEvents: false,
  keyterms: [],
  hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
};

describe('LiveRouterStore under the router ACL user (the user set of docs/security.md)', () => {
  let harness: RedisHarness;
  let admin: Redis;
  let router: Redis;

  beforeAll(async () => {
    const user = redisAclUser('router');
    harness = await RedisHarness.start({ secure: { users: [aclSetUserArgs(user, 'router-password')] } });
    admin = harness.client();
    router = new Redis(harness.urlFor(user.username, 'router-password'), {
      tls: harness.clientTls,
      maxRetriesPerRequest: 1,
    });
  }, 60_000);
  afterAll(async () => {
    router?.disconnect();
    admin?.disconnect();
    await harness?.close();
  });

  it('every command and key it uses (scripts included) is allowed', async () => {
    const store = new LiveRouterStore(router, new KeyScheme(), 600);
    const ref = store.ref('acme', 'acl-1');
    expect(await store.create(ref, OPTIONS, 'c1')).toBe(true);
    await store.attach(ref, 'c2');
    expect((await store.appendFrame(ref, Buffer.alloc(320))).ok).toBe(true);
    expect((await store.appendControl(ref, 'finalize')).ok).toBe(true);
    expect(await store.assign(ref, 0, 'deepgram')).toEqual({ ok: true, epoch: 1 });
    const failover = {
      type: 'failover',
      epoch: 0,
      provider: 'assemblyai',
      from: 'deepgram',
      code: 'provider_dropped',
      reason: 'x',
      resumeFrom: 0,
    } as const;
    expect(await store.assign(ref, 1, 'assemblyai', { failedProvider: 'deepgram', event: failover })).toEqual(
      { ok: true, epoch: 2 },
    );
    expect(await store.readEvents(router, ref, '0', 10)).toHaveLength(1);
    expect(await store.lastEventId(ref)).toBeDefined();
    expect(await store.leaseHolder(ref)).toBeUndefined();
    expect((await store.state(ref))?.epoch).toBe(2);
    expect((await store.appendControl(ref, 'close', 'c2')).ok).toBe(true);
    expect(
      await store.fail(ref, 2, { type: 'error', epoch: 2, provider: 'assemblyai', code: 'x', message: 'y' }),
    ).toBe(true);
    const log = (await admin.call('ACL', 'LOG', '128')) as unknown[];
    expect(log).toEqual([]);
  });
});
