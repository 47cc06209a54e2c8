import Redis from 'ioredis';
import {
  AppProcess,
  FakeDeepgramServer,
  RedisHarness,
  speechWav,
  startStandInWorker,
} from '@streamscribe/testing';
import { TestRouter, startTestRouter, keyedFetch as fetch } from './testing/router-stack';

/** Response bodies are read loosely typed: the assertions are what check their shape. */
type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions. Breaker and
// health windows are shortened so each scenario plays out in seconds.
jest.setTimeout(60_000);

const HEALTH = {
  HEALTH_WINDOW_MS: '2000',
  BREAKER_MIN_REQUESTS: '3',
  BREAKER_ERROR_RATE: '0.5',
  BREAKER_OPEN_MS: '1500',
  BREAKER_PROBE_TIMEOUT_MS: '2000',
};
const WORKER = {
  PORT: '0',
  WORKER_CONCURRENCY: '4',
  WORKER_BLOCK_MS: '100',
  HEARTBEAT_INTERVAL_MS: '200',
  RETRY_MAX_ATTEMPTS: '2',
  RETRY_BASE_MS: '10',
  DRAIN_TIMEOUT_MS: '500',
  ...HEALTH,
};
const ROUTER = { LOAD_CACHE_MS: '0', HEDGE_MIN_DELAY_MS: '100', HEDGE_FACTOR: '2', ...HEALTH };

/**
 * Intelligent routing end to end: the router, a Deepgram worker against the fake Deepgram, and a
 * second fleet — a stand-in worker on the `assemblyai` stream backed by a second Deepgram-protocol
 * fake (test only; see DeepgramProtocolStandIn), a little slower than Deepgram when both are well.
 */
describe('routing on measured latency and circuit breakers, end to end', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let deepgram: FakeDeepgramServer;
  let standInFake: FakeDeepgramServer;
  let workers: AppProcess[] = [];
  let router: TestRouter;
  let base: string;
  let managementUrl: string;
  let sessions = 0;

  beforeAll(async () => {
    harness = await RedisHarness.start({ ownServer: true });
    redis = harness.client();
    deepgram = await FakeDeepgramServer.start();
    standInFake = await FakeDeepgramServer.start();
    standInFake.setLatency(100);
    workers = await Promise.all([
      AppProcess.start('worker-deepgram', {
        REDIS_URL: harness.url,
        DEEPGRAM_API_KEY: deepgram.apiKey,
        DEEPGRAM_API_URL: deepgram.url,
        ...WORKER,
      }),
      startStandInWorker('assemblyai', standInFake, { REDIS_URL: harness.url, ...WORKER }),
    ]);
    router = await startTestRouter({ REDIS_URL: harness.url, ...ROUTER });
    base = router.base;
    managementUrl = router.managementUrl;
  }, 90_000);

  afterAll(async () => {
    await router?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await deepgram?.close();
    await standInFake?.close();
    redis?.disconnect();
    await harness?.close();
  });

  /** Posts one auto-routed chunk in a session of its own and waits for its result. */
  async function transcribeOne(
    word: string,
    query = '',
  ): Promise<{ sessionId: string; routedTo: string; result: Body }> {
    const sessionId = `route-${++sessions}`;
    const response = await fetch(`${base}/v1/sessions/${sessionId}/chunks${query}`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: speechWav(word),
    });
    const accepted = (await response.json()) as Body;
    expect(response.status).toBe(202);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const transcript = (await (await fetch(`${base}/v1/sessions/${sessionId}/transcript`)).json()) as Body;
      if (transcript.complete)
        return { sessionId, routedTo: accepted.provider, result: transcript.chunks[0] };
      if (Date.now() > deadline) throw new Error(`no result for ${sessionId}: ${JSON.stringify(transcript)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Sends chunks one after another until `done` says so; returns every routing and result seen. */
  async function transcribeUntil(done: (routedTo: string) => boolean, limit: number) {
    const seen: Array<{ routedTo: string; result: Body }> = [];
    while (seen.length < limit) {
      const one = await transcribeOne(`word ${seen.length}`);
      seen.push(one);
      if (done(one.routedTo)) return seen;
    }
    throw new Error(
      `routing never settled: ${JSON.stringify(seen.map((s) => [s.routedTo, s.result.provider, s.result.status]))}`,
    );
  }

  const metrics = async () => (await fetch(`${managementUrl}/metrics`)).text();
  const providerStatus = async (name: string) =>
    ((await (await fetch(`${base}/v1/providers`)).json()) as Body).providers.find(
      (p: Body) => p.provider === name,
    );

  it('routes to Deepgram while it is the fastest, and reports both fleets on /v1/providers', async () => {
    const seen = await transcribeUntil((to) => to === 'deepgram', 5);
    for (let i = 0; i < 3; i++) seen.push(await transcribeOne(`steady ${i}`));
    expect(seen.slice(-3).map((s) => [s.routedTo, s.result.provider, s.result.text])).toEqual([
      ['deepgram', 'deepgram', 'steady 0'],
      ['deepgram', 'deepgram', 'steady 1'],
      ['deepgram', 'deepgram', 'steady 2'],
    ]);
    // A language requirement routes to a provider that speaks it, and reaches the provider.
    expect(await transcribeOne('sprache', '?language=de')).toMatchObject({
      routedTo: 'deepgram',
      result: { status: 'ok' },
    });
    expect(deepgram.requests.at(-1)?.query['language']).toBe('de');
    const status = await providerStatus('deepgram');
    expect(status).toMatchObject({
      liveConsumers: 1,
      breaker: { state: 'closed' },
      errorRate: 0,
      capabilities: { diarization: true },
    });
    expect(status.latencyPerAudioSecond.p50).toBeGreaterThan(0);
    expect(status.costSoFarUsd).toBeGreaterThan(0);
    // Capabilities are what the fleet's workers announced: the stand-in declares Deepgram's 4 h limit.
    expect(await providerStatus('assemblyai')).toMatchObject({
      liveConsumers: 1,
      breaker: { state: 'closed' },
      capabilities: { maxAudioSeconds: 4 * 3600 },
    });
  });

  it('hedging (opt-in): a chunk still without a result after p95 × HEDGE_FACTOR also goes to the next provider; the first result wins', async () => {
    deepgram.setLatency(2000);
    const deepgramCalls = deepgram.requests.length;
    const hedged = await transcribeOne('hedge me', '?provider=deepgram&hedge=true');
    expect(hedged).toMatchObject({
      routedTo: 'deepgram',
      result: { status: 'ok', provider: 'assemblyai', text: 'hedge me' },
    });
    expect(await metrics()).toMatch(/streamscribe_hedges_total\{from="deepgram",to="assemblyai"\} 1/);
    // Deepgram still answers; its result is discarded: the session keeps exactly one, the hedge's.
    while (deepgram.requests[deepgramCalls]?.status !== 200)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await redis.xlen(`transcription:results:${hedged.sessionId}`)).toBe(1);
    expect(await metrics()).toMatch(/streamscribe_hedge_outcomes_total\{outcome="hedge"\} 1/);

    // Without the opt-in, or when the result comes in time, nothing is hedged.
    deepgram.setLatency(0);
    expect((await transcribeOne('no hedge', '?provider=deepgram')).result.provider).toBe('deepgram');
    expect((await transcribeOne('in time', '?provider=deepgram&hedge=true')).result.provider).toBe(
      'deepgram',
    );
    while (!/streamscribe_hedge_outcomes_total\{outcome="not_needed"\} 1/.test(await metrics()))
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await metrics()).toMatch(/streamscribe_hedges_total\{from="deepgram",to="assemblyai"\} 1\n/);
  });

  it('moves auto-routed chunks to the faster provider when Deepgram slows down, and back when it recovers', async () => {
    deepgram.setLatency(1500);
    const moved = await transcribeUntil((to) => to === 'assemblyai', 6);
    const after = [await transcribeOne('after one'), await transcribeOne('after two')];
    expect(after.map((s) => [s.routedTo, s.result.provider, s.result.status])).toEqual([
      ['assemblyai', 'assemblyai', 'ok'],
      ['assemblyai', 'assemblyai', 'ok'],
    ]);
    expect(moved.every((s) => s.result.status === 'ok')).toBe(true);
    expect((await providerStatus('deepgram')).latencyPerAudioSecond.mean).toBeGreaterThan(
      (await providerStatus('assemblyai')).latencyPerAudioSecond.mean,
    );

    // Once the slow measurements leave the health window, Deepgram's prior is better again.
    deepgram.setLatency(0);
    await transcribeUntil((to) => to === 'deepgram', 200);
  });

  it('opens the breaker of a failing Deepgram and moves traffic without a single failed chunk; traffic returns when it recovers', async () => {
    const deadLettersBefore = await redis.xlen('transcription:dead-letters');
    deepgram.setFailureRate(1, [{ status: 503 }], 7);
    const moved = await transcribeUntil((to) => to === 'assemblyai', 10);
    expect(await providerStatus('deepgram')).toMatchObject({
      breaker: { state: 'open', reason: expect.stringMatching(/calls failed/) },
    });
    const during = [await transcribeOne('open one'), await transcribeOne('open two')];
    expect(during.map((s) => s.routedTo)).toEqual(['assemblyai', 'assemblyai']);
    // Chunks Deepgram took before the breaker opened failed over: every chunk has an ok result.
    for (const { result } of [...moved, ...during])
      expect(result).toMatchObject({ status: 'ok', provider: 'assemblyai' });
    expect(await redis.xlen('transcription:dead-letters')).toBe(deadLettersBefore);

    deepgram.setFailureRate(0, [], 7);
    const back = await transcribeUntil((to) => to === 'deepgram', 200);
    expect(back.at(-1)?.result).toMatchObject({ status: 'ok', provider: 'deepgram' });
    expect((await providerStatus('deepgram')).breaker.state).toBe('closed');
    const exported = await metrics();
    expect(exported).toMatch(/streamscribe_breaker_state\{provider="deepgram"\} 0/);
    expect(exported).toMatch(
      /streamscribe_breaker_probes_total\{provider="deepgram",outcome="granted"\} [1-9]/,
    );
  });
});
