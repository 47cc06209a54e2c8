import Redis from 'ioredis';
import {
  DEFAULT_TENANT,
  SessionRef,
  decodeChunkEntry,
  fieldsFromFlat,
  keySchemeFrom,
  providerGroup,
  providerHeartbeatKey,
  tenantOf,
} from '@streamscribe/contracts';
import { DEFAULT_SESSIONS_OPTIONS, ResultStore } from '@streamscribe/sessions';
import { RedisHarness, parsePrometheusText, speechWav } from '@streamscribe/testing';
import { TestRouter, keyedFetch as fetch, startTestRouter } from './testing/router-stack';

type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

/** The key scheme the router runs with below (REDIS_PARTITIONS=4 on one redis-server). */
const keys = keySchemeFrom({ REDIS_PARTITIONS: '4' });
const GROUP = providerGroup('deepgram');
const SESSIONS = Array.from({ length: 40 }, (_, i) => `part-${i}`);

/**
 * The router with REDIS_PARTITIONS=4 against a stand-in Deepgram fleet that reads every
 * partition (what the workers do; here in the spec, one XREADGROUP per partition) and writes
 * each result with the workers' ResultStore to the partition it read the chunk from.
 */
describe('the router with REDIS_PARTITIONS=4, end to end on one redis-server', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let router: TestRouter;
  let heartbeat: NodeJS.Timeout;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    for (const k of keys.allPartitions())
      await redis.xgroup('CREATE', keys.providerStream('deepgram', k), GROUP, '0', 'MKSTREAM');
    const beat = () => redis.zadd(providerHeartbeatKey('deepgram'), Date.now(), 'deepgram-stand-in');
    await beat();
    heartbeat = setInterval(() => void beat().catch(() => undefined), 500);
    router = await startTestRouter({ REDIS_URL: harness.url, REDIS_PARTITIONS: '4', LOAD_CACHE_MS: '0' });
  }, 60_000);
  afterAll(async () => {
    clearInterval(heartbeat);
    await router?.close();
    redis?.disconnect();
    await harness?.close();
  });

  /** Takes what is queued on every partition and writes its result, as a worker would. */
  async function transcribeQueued(): Promise<number> {
    const results = new ResultStore(redis, DEFAULT_SESSIONS_OPTIONS, keys);
    let done = 0;
    for (const k of keys.allPartitions()) {
      const stream = keys.providerStream('deepgram', k);
      const reply = (await redis.xreadgroup(
        'GROUP',
        GROUP,
        'deepgram-stand-in',
        'COUNT',
        100,
        'STREAMS',
        stream,
        '>',
      )) as [string, [string, string[]][]][] | null;
      // Read as text: the stand-in needs the ids, not the audio.
      for (const [id, flat] of reply?.[0]?.[1] ?? []) {
        const chunk = decodeChunkEntry(fieldsFromFlat(flat));
        const session: SessionRef = { tenant: tenantOf(chunk), sessionId: chunk.sessionId, partition: k };
        await results.write(session, {
          sessionId: chunk.sessionId,
          chunkId: chunk.chunkId,
          seq: chunk.seq,
          status: 'ok',
          text: `text of ${chunk.sessionId}`,
          confidence: 1,
          provider: 'deepgram',
          processingTime: 0,
          timestamp: Date.now() / 1000,
          words: [],
          costUsd: 0.01,
        });
        await redis.xack(stream, GROUP, id);
        done += 1;
      }
    }
    return done;
  }

  it("spreads sessions over every partition, and each session's chunks stay on its own", async () => {
    for (const sessionId of SESSIONS)
      for (let n = 0; n < 2; n++) {
        const posted = await fetch(`${router.base}/v1/sessions/${sessionId}/chunks?provider=deepgram`, {
          method: 'POST',
          headers: { 'content-type': 'audio/wav' },
          body: speechWav('hello'),
        });
        expect(posted.status).toBe(202);
      }
    const queuedIn = new Map<string, Set<number>>();
    for (const k of keys.allPartitions()) {
      const entries = await redis.xrangeBuffer(keys.providerStream('deepgram', k), '-', '+');
      // Every partition gets some of 40 sessions.
      expect(entries.length).toBeGreaterThan(0);
      for (const [, flat] of entries) {
        const { sessionId } = decodeChunkEntry(fieldsFromFlat(flat));
        queuedIn.set(sessionId, (queuedIn.get(sessionId) ?? new Set()).add(k));
      }
    }
    expect([...queuedIn.keys()].sort()).toEqual([...SESSIONS].sort());
    for (const sessionId of SESSIONS)
      expect([...(queuedIn.get(sessionId) as Set<number>)]).toEqual([
        keys.partitionOf(DEFAULT_TENANT, sessionId),
      ]);
    // The classic names are not used with partitions on.
    expect(await redis.exists('audio:stream:deepgram', 'streamscribe:session:part-0:meta')).toBe(0);
  });

  it('reports lag per partition on /metrics, summing to what is queued', async () => {
    const metrics = parsePrometheusText(
      await (await globalThis.fetch(`${router.managementUrl}/metrics`)).text(),
    );
    const lag = metrics.samples.filter(
      (s) => s.name === 'streamscribe_stream_lag' && s.labels['provider'] === 'deepgram',
    );
    expect(lag.map((s) => s.labels['partition']).sort()).toEqual(['0', '1', '2', '3']);
    expect(lag.reduce((sum, s) => sum + s.value, 0)).toBe(SESSIONS.length * 2);
  });

  it('serves transcripts, live feeds and costs of sessions on every partition', async () => {
    // A live feed of a session on each partition, open before the results come.
    const watched = keys
      .allPartitions()
      .map((k) => SESSIONS.find((id) => keys.partitionOf(DEFAULT_TENANT, id) === k) as string);
    const feeds = watched.map(async (sessionId) => {
      const abort = new AbortController();
      const response = await fetch(`${router.base}/v1/sessions/${sessionId}/events`, {
        signal: abort.signal,
      });
      expect(response.status).toBe(200);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      let text = '';
      while (!text.includes(`text of ${sessionId}`)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      abort.abort();
      return text.includes(`text of ${sessionId}`);
    });
    expect(await transcribeQueued()).toBe(SESSIONS.length * 2);
    expect(await Promise.all(feeds)).toEqual(watched.map(() => true));

    for (const sessionId of SESSIONS) {
      const transcript = (await (
        await fetch(`${router.base}/v1/sessions/${sessionId}/transcript`)
      ).json()) as Body;
      expect(transcript).toMatchObject({ resultCount: 2, failedCount: 0 });
    }
    const costs = (await (await fetch(`${router.base}/v1/costs`)).json()) as Body;
    expect(costs.totalUsd).toBeCloseTo(SESSIONS.length * 2 * 0.01, 6);
  });

  it('lists the dead letters of every partition in one page', async () => {
    const letters: string[] = [];
    // Entry ids a millisecond apart, in this order (letters sharing one: the next case).
    const base = Date.now();
    for (const [i, k] of [3, 0, 2].entries()) {
      const sessionId = SESSIONS.find((id) => keys.partitionOf(DEFAULT_TENANT, id) === k) as string;
      letters.push(
        (await redis.xadd(
          keys.deadLetterStream(k),
          `${base + i}-0`,
          'session_id',
          sessionId,
          'chunk_id',
          `dead-${k}`,
          'dead_letter_reason',
          'chain exhausted',
        )) as string,
      );
    }
    const page = (await (await fetch(`${router.base}/v1/dead-letters`)).json()) as Body;
    expect(page.total).toBe(3);
    // With partitions a letter's id names its partition: entry ids are per stream.
    expect(page.letters.map((l: Body) => l.id)).toEqual(letters.map((id, i) => `${id}@${[3, 0, 2][i]}`));
    expect(page.letters.map((l: Body) => l.partition)).toEqual([3, 0, 2]);
    const one = await fetch(`${router.base}/v1/dead-letters/${page.letters[1].id}`);
    expect(one.status).toBe(200);
    expect(((await one.json()) as Body).chunkId).toBe('dead-0');
  });

  it('answers 409 for an entry id two partitions share, and each letter by its own id', async () => {
    // Newer than any letter already there, the same on both: as if written in the same millisecond.
    const twin = `${Date.now() + 60_000}-0`;
    for (const k of [1, 2])
      await redis.xadd(keys.deadLetterStream(k), twin, 'chunk_id', `twin-${k}`, 'dead_letter_reason', 'x');
    const bare = await fetch(`${router.base}/v1/dead-letters/${twin}`);
    expect(bare.status).toBe(409);
    expect(await bare.json()).toMatchObject({
      code: 'ambiguous_dead_letter_id',
      message: expect.stringContaining(`${twin}@1 or ${twin}@2`),
    });
    for (const k of [1, 2]) {
      const own = await fetch(`${router.base}/v1/dead-letters/${twin}@${k}`);
      expect(((await own.json()) as Body).chunkId).toBe(`twin-${k}`);
    }
    expect((await fetch(`${router.base}/v1/dead-letters/${twin}@7`)).status).toBe(404);
    const redrive = await fetch(`${router.base}/v1/dead-letters/redrive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [twin] }),
    });
    expect(((await redrive.json()) as Body).outcomes).toEqual([
      expect.objectContaining({ id: twin, status: 'ambiguous' }),
    ]);
    const malformed = await fetch(`${router.base}/v1/dead-letters/redrive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ids: [`${twin}@x`] }),
    });
    expect(malformed.status).toBe(400);
    for (const k of [1, 2]) expect(await redis.xrange(keys.deadLetterStream(k), twin, twin)).toHaveLength(1);
  });
});
