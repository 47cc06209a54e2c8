import Redis from 'ioredis';
import { KeyScheme, LIVE_JOBS_GROUP } from '@streamscribe/contracts';
import { aclSetUserArgs, ensureGroup, redisAclUser, redisAclUsers } from '@streamscribe/redis';
import { RedisHarness } from '@streamscribe/testing';
import { LiveAudioLogReader } from './live-audio-log-reader';
import { LiveWorkerStore } from './live-worker-store';

jest.setTimeout(30_000);

describe("the live worker's Redis access under the worker ACL user", () => {
  let harness: RedisHarness;
  let admin: Redis;
  const clients: Redis[] = [];

  beforeAll(async () => {
    harness = await RedisHarness.start({
      secure: { users: redisAclUsers().map((user) => aclSetUserArgs(user, `${user.app}-secret`)) },
    });
    admin = harness.client();
  });
  afterAll(async () => {
    await Promise.all([admin, ...clients].map((client) => client?.quit().catch(() => undefined)));
    await harness?.close();
  });

  const asWorker = () => {
    const client = new Redis(harness.urlFor(redisAclUser('worker').username, 'worker-secret'), {
      tls: harness.clientTls,
      maxRetriesPerRequest: 0,
    });
    clients.push(client);
    return client;
  };

  it.each([
    ['single node', new KeyScheme()],
    ['four partitions', new KeyScheme({ partitions: 4, cluster: false })],
  ])(
    'takes, renews and releases the lease, writes events and finals, reads the log and the jobs (%s)',
    async (_, keys) => {
      const ref = keys.session('acme', 'acl-session');
      await admin.hset(keys.liveStateKey(ref), {
        options: '{}',
        epoch: 1,
        received: 4,
        finalized: 0,
        status: 'open',
      });
      await admin.pexpire(keys.liveStateKey(ref), 60_000);
      await admin.xadd(keys.liveAudioLogKey(ref), '*', 'o', 0, 'a', Buffer.from([1, 2, 3, 4]));
      await admin.acl('LOG', 'RESET');

      const worker = asWorker();
      const store = new LiveWorkerStore(worker, keys);
      const mine = { ref, epoch: 1, holder: 'deepgram-host-1' };
      expect((await store.takeLease(mine, 5000)).verdict).toBe('taken');
      expect(await store.renewLease(mine, 5000)).toBe(true);
      const stamp = { epoch: 1, provider: 'deepgram' as const };
      expect(
        await store.appendEvent(mine, { ...stamp, type: 'started', worker: mine.holder, resumeFrom: 0 }),
      ).not.toBeNull();
      const log = new LiveAudioLogReader(asWorker(), keys.liveAudioLogKey(ref), 0, { blockMs: 50 });
      const replay = await log.read();
      expect(replay.entries).toHaveLength(1);
      expect((await log.read()).entries).toEqual([]); // XREAD BLOCK
      log.close();
      const final = {
        ...stamp,
        type: 'results' as const,
        isFinal: true,
        speechFinal: true,
        fromFinalize: false,
        start: 0,
        duration: 0.000125,
        transcript: '',
        confidence: 1,
        words: [],
      };
      expect(await store.writeFinal(mine, final, 4, replay.entries[0].id)).toMatchObject({ finalized: 4 });
      expect(await store.markClosed(mine, { ...stamp, type: 'closed', duration: 0.000125 })).not.toBeNull();
      expect(await store.releaseLease(mine)).toBe(true);

      const jobs = keys.liveJobsStream('deepgram', keys.partitions - 1);
      await ensureGroup(worker, jobs, LIVE_JOBS_GROUP);
      await admin.xadd(jobs, '*', 'tenant', 'acme', 'session', 'acl-session', 'epoch', 1);
      const read = (await worker.xreadgroup(
        'GROUP',
        LIVE_JOBS_GROUP,
        'c1',
        'COUNT',
        1,
        'BLOCK',
        50,
        'STREAMS',
        jobs,
        '>',
      )) as [string, [string, string[]][]][];
      expect(await worker.xack(jobs, LIVE_JOBS_GROUP, read[0][1][0][0])).toBe(1);

      expect(await admin.acl('LOG')).toEqual([]);
    },
  );
});
