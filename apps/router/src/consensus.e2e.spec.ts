import Redis from 'ioredis';
import {
  AppProcess,
  FakeDeepgramServer,
  RedisHarness,
  readSpeechTranscriber,
  speechWav,
  startStandInWorker,
} from '@streamscribe/testing';
import { TestRouter, startTestRouter, keyedFetch as fetch } from './testing/router-stack';

type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(60_000);

const WORKER = {
  PORT: '0',
  WORKER_CONCURRENCY: '4',
  WORKER_BLOCK_MS: '100',
  HEARTBEAT_INTERVAL_MS: '200',
  DRAIN_TIMEOUT_MS: '500',
};

/**
 * Consensus end to end: the router, a Deepgram worker on the fake Deepgram, and two stand-in
 * fleets on the `whisper` and `assemblyai` streams, each backed by a Deepgram-protocol fake of its
 * own (test only; see DeepgramProtocolStandIn), so each can be made to disagree or to hang.
 */
describe('consensus across three providers, end to end', () => {
  let harness: RedisHarness;
  let redis: Redis;
  const fakes: Record<string, FakeDeepgramServer> = {};
  let workers: AppProcess[] = [];
  let router: TestRouter;
  let base: string;
  let managementUrl: string;

  beforeAll(async () => {
    harness = await RedisHarness.start({ ownServer: true });
    redis = harness.client();
    for (const name of ['deepgram', 'whisper', 'assemblyai']) fakes[name] = await FakeDeepgramServer.start();
    workers = await Promise.all([
      AppProcess.start('worker-deepgram', {
        REDIS_URL: harness.url,
        DEEPGRAM_API_KEY: fakes['deepgram'].apiKey,
        DEEPGRAM_API_URL: fakes['deepgram'].url,
        ...WORKER,
      }),
      startStandInWorker('whisper', fakes['whisper'], { REDIS_URL: harness.url, ...WORKER }),
      startStandInWorker('assemblyai', fakes['assemblyai'], { REDIS_URL: harness.url, ...WORKER }),
    ]);
    router = await startTestRouter({ REDIS_URL: harness.url, LOAD_CACHE_MS: '0' });
    base = router.base;
    managementUrl = router.managementUrl;
  }, 90_000);

  afterEach(() => Object.values(fakes).forEach((fake) => fake.reset()));

  afterAll(async () => {
    await router?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(Object.values(fakes).map((fake) => fake.close()));
    redis?.disconnect();
    await harness?.close();
  });

  it('votes per word: two providers against one, the majority word wins; the response shows every hypothesis and the agreement', async () => {
    fakes['assemblyai'].setTranscriber((audio, query) =>
      readSpeechTranscriber(audio, query).replace('brown', 'crown'),
    );
    const response = await fetch(
      `${base}/v1/transcriptions?consensus=deepgram,whisper,assemblyai&wait=true&sessionId=vote-1`,
      {
        method: 'POST',
        headers: { 'content-type': 'audio/wav' },
        body: speechWav('the quick brown fox', { durationSeconds: 2 }),
      },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Body;
    expect(body).toMatchObject({
      sessionId: 'vote-1',
      provider: 'consensus',
      chunks: 1,
      transcript: { complete: true, text: 'the quick brown fox' },
    });
    expect(body.consensus.text).toBe('the quick brown fox');
    expect(body.consensus.agreement).toBeCloseTo((1 + 1 + 2 / 3 + 1) / 4, 3);
    expect(body.consensus.hypotheses).toEqual(
      expect.arrayContaining([
        { provider: 'deepgram', text: 'the quick brown fox' },
        { provider: 'whisper', text: 'the quick brown fox' },
        { provider: 'assemblyai', text: 'the quick crown fox' },
      ]),
    );
    expect(body.consensus.chunks[0]).toMatchObject({
      missing: [],
      timedOut: false,
      providers: ['deepgram', 'whisper', 'assemblyai'],
    });
    // Each provider got the same audio once.
    for (const fake of Object.values(fakes)) expect(fake.requests).toHaveLength(1);
    // The hypotheses were gathered by key: Redis never ran KEYS or SCAN.
    const stats = (await redis.info('commandstats')) as string;
    expect(stats).not.toMatch(/cmdstat_(keys|scan):/);
    expect(await redis.xlen('streamscribe:consensus:requests')).toBe(0);
  });

  it('settles on the providers that answered when one times out, per chunk of a live session', async () => {
    fakes['whisper'].setLatency(30_000);
    const response = await fetch(
      `${base}/v1/sessions/vote-2/chunks?consensus=deepgram,whisper,assemblyai&consensusTimeoutMs=1500`,
      {
        method: 'POST',
        headers: { 'content-type': 'audio/wav' },
        body: speechWav('hello again'),
      },
    );
    expect(response.status).toBe(202);
    expect((await response.json()) as Body).toMatchObject({
      sessionId: 'vote-2',
      seq: 0,
      provider: 'consensus',
    });
    await fetch(`${base}/v1/sessions/vote-2/end`, { method: 'POST' });
    const deadline = Date.now() + 20_000;
    let transcript: Body = {};
    while (!transcript.complete && Date.now() < deadline) {
      transcript = (await (await fetch(`${base}/v1/sessions/vote-2/transcript`)).json()) as Body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(transcript).toMatchObject({
      complete: true,
      text: 'hello again',
      chunks: [{ status: 'ok', provider: 'consensus' }],
    });
    const report = (await (await fetch(`${base}/v1/sessions/vote-2/consensus`)).json()) as Body;
    expect(report.chunks[0]).toMatchObject({
      timedOut: true,
      missing: ['whisper'],
      agreement: 1,
      text: 'hello again',
    });
    expect(report.chunks[0].hypotheses.map((h: Body) => h.provider).sort()).toEqual([
      'assemblyai',
      'deepgram',
    ]);
    expect(await (await fetch(`${managementUrl}/metrics`)).text()).toMatch(
      /streamscribe_consensus_chunks_total\{outcome="timed_out"\} 1/,
    );
  });

  it.each([
    ['one provider', '?consensus=deepgram', 400, /at least two/],
    ['an unknown provider', '?consensus=deepgram,otter', 400, /otter/],
    [
      'consensus with an explicit provider',
      '?consensus=deepgram,whisper&provider=deepgram',
      400,
      /drop provider/,
    ],
    ['a provider without a live worker', '?consensus=deepgram,parakeet', 503, /leave it out of consensus=/],
  ])('refuses %s', async (_name, query, status, message) => {
    const response = await fetch(`${base}/v1/sessions/vote-bad/chunks${query}`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: speechWav('x'),
    });
    expect(response.status).toBe(status);
    expect(((await response.json()) as Body).message).toMatch(message);
  });
});
