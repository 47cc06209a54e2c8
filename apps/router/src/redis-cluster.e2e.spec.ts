import type Redis from 'ioredis';
import { DEFAULT_TENANT, KeyScheme, providerGroup } from '@streamscribe/contracts';
import {
  AppProcess,
  ClusterHarness,
  FakeDeepgramServer,
  KEYED,
  TEST_ADMIN_API_KEY,
  deepgramWorkerEnv,
  freePort,
  keyedFetch as fetch,
  speechWav,
  until,
} from '@streamscribe/testing';

type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

// Real processes (6 redis-servers, a router, a worker) on a shared machine: generous timeouts,
// assertions on counts and contents, never on times.
jest.setTimeout(120_000);

/**
 * The fabric on a real Redis Cluster (3 primaries, 3 replicas): a router and a worker-deepgram
 * process configured with REDIS_CLUSTER_NODES. With one partition every key is tagged `{0}` (one
 * slot); with more, sessions spread over partitions and slots. Workers read partition 0 only until
 * they read every partition (issue 14, the reclaim lane), so with more partitions the chunks of
 * sessions pinned elsewhere are only checked as far as the router and the views go.
 */
describe.each([1, 3])('the fabric on Redis Cluster, REDIS_PARTITIONS=%i', (partitions) => {
  const keys = new KeyScheme({ partitions, cluster: true });
  let cluster: ClusterHarness;
  let redis: Redis;
  let deepgram: FakeDeepgramServer;
  let router: AppProcess;
  let worker: AppProcess;
  let base: string;

  beforeAll(async () => {
    cluster = await ClusterHarness.start();
    redis = cluster.client();
    deepgram = await FakeDeepgramServer.start();
    const topology = {
      REDIS_URL: cluster.url,
      REDIS_CLUSTER_NODES: cluster.seedNodes,
      REDIS_PARTITIONS: String(partitions),
    };
    worker = await AppProcess.start(
      'worker-deepgram',
      deepgramWorkerEnv(cluster.url, deepgram, {
        ...topology,
        WORKER_BLOCK_MS: '200',
        HEARTBEAT_INTERVAL_MS: '200',
      }),
    );
    const port = await freePort();
    router = await AppProcess.start('router', {
      ...topology,
      PORT: String(port),
      MANAGEMENT_PORT: '0',
      LOAD_CACHE_MS: '0',
      ADMIN_API_KEY: TEST_ADMIN_API_KEY,
    });
    base = `http://127.0.0.1:${port}`;
  }, 120_000);

  afterAll(async () => {
    await router?.stop();
    await worker?.stop();
    await deepgram?.close();
    redis?.disconnect();
    await cluster?.stop();
  });

  const postChunk = (sessionId: string, chunkId: string, text: string) =>
    fetch(`${base}/v1/sessions/${sessionId}/chunks?chunkId=${chunkId}&provider=deepgram`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: speechWav(text),
    });
  const transcriptUntil = (sessionId: string, ok: (t: Body) => boolean) =>
    until(
      async () => (await (await fetch(`${base}/v1/sessions/${sessionId}/transcript`)).json()) as Body,
      ok,
      30_000,
    );
  const admin = (path: string, init: RequestInit = {}) =>
    globalThis.fetch(`${base}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_API_KEY}` },
    });
  /** Sessions pinned to partition 0, the one workers read today. */
  const onPartitionZero = (prefix: string, count: number) => {
    const found: string[] = [];
    for (let i = 0; found.length < count; i++)
      if (keys.partitionOf(DEFAULT_TENANT, `${prefix}-${i}`) === 0) found.push(`${prefix}-${i}`);
    return found;
  };

  it('takes chunks in and gives results out, in the session and in the global results feed', async () => {
    const sessions = onPartitionZero('flow', 2);
    for (const sessionId of sessions)
      for (const [i, text] of ['hello cluster', 'second chunk'].entries())
        expect((await postChunk(sessionId, `c${i}`, text)).status).toBe(202);
    for (const sessionId of sessions) {
      const transcript = await transcriptUntil(sessionId, (t) => t.resultCount === 2);
      expect(transcript).toMatchObject({ text: 'hello cluster second chunk', failedCount: 0 });
    }
    // A repeated chunk id is a duplicate, not a second result.
    expect((await postChunk(sessions[0], 'c0', 'hello cluster')).status).toBe(200);
    const feed = await redis.xrange(keys.allResultsStream(0), '-', '+');
    expect(
      feed.filter(([, fields]) => sessions.includes(fields[fields.indexOf('session_id') + 1])),
    ).toHaveLength(4);
    expect(await redis.xpending(keys.providerStream('deepgram', 0), providerGroup('deepgram'))).toEqual([
      0,
      null,
      null,
      null,
    ]);
  });

  it('waits for a whole upload through the results watcher (wait=true)', async () => {
    const [sessionId] = onPartitionZero('upload', 1);
    const response = await fetch(
      `${base}/v1/transcriptions?wait=true&provider=deepgram&sessionId=${sessionId}&timeoutMs=30000`,
      { method: 'POST', headers: { 'content-type': 'audio/wav' }, body: speechWav('a whole file') },
    );
    const body = (await response.json()) as Body;
    expect(response.status).toBe(200);
    expect(body.transcript ?? body).toMatchObject({ text: 'a whole file' });
  });

  it('dead-letters a chunk the provider refuses, lists it across partitions and re-drives it', async () => {
    const [sessionId] = onPartitionZero('dead', 1);
    deepgram.failNext(1, { status: 400 });
    expect((await postChunk(sessionId, 'c0', 'second chance')).status).toBe(202);
    await transcriptUntil(sessionId, (t) => t.complete && t.failedCount === 1);
    const page = (await (await admin('/v1/dead-letters')).json()) as Body;
    expect(page.total).toBe(1);
    expect(page.letters[0]).toMatchObject({ sessionId, failedProvider: 'deepgram' });
    const redrive = await admin('/v1/dead-letters/redrive', {
      method: 'POST',
      body: JSON.stringify({ ids: [page.letters[0].id] }),
    });
    expect(await redrive.json()).toMatchObject({ requeued: 1 });
    const healed = await transcriptUntil(sessionId, (t) => t.failedCount === 0 && t.complete);
    expect(healed).toMatchObject({ resultCount: 1, text: 'second chance' });
  });

  it('spreads sessions over the partitions and answers the cross-partition views', async () => {
    const spread = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const sessionId = `spread-${i}`;
      spread.add(keys.partitionOf(DEFAULT_TENANT, sessionId));
      expect((await postChunk(sessionId, 'c0', 'spread out')).status).toBe(202);
      // The chunk index of the session, on its partition's slot (`{k}`): `c:<chunk id>` → `<seq>|<entry id>|…`.
      const indexed = await redis.hget(
        keys.sessionChunksKey(keys.session(DEFAULT_TENANT, sessionId)),
        'c:c0',
      );
      expect(indexed).toMatch(/^0\|/);
    }
    expect(spread.size).toBe(partitions);
    for (const path of ['/v1/costs', '/v1/dead-letters', '/v1/providers'])
      expect((await admin(path)).status).toBe(200);
    expect((await globalThis.fetch(`${base}/v1/providers`, { headers: KEYED })).status).toBe(200);
  });
});
