import Redis from 'ioredis';
import { encodeWav } from '@streamscribe/audio';
import {
  AppProcess,
  FakeDeepgramServer,
  RedisHarness,
  speechPcm,
  speechWav,
  startDeepgramWorker,
  startStandInWorker,
} from '@streamscribe/testing';
import { TestRouter, keyedFetch as fetch, startTestRouter } from './testing/router-stack';

/** Response bodies are read loosely typed: the assertions are what check their shape. */
type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

// Real processes on a 2-core machine: generous timeouts, never wall-clock assertions.
jest.setTimeout(90_000);

const WORKER = { WORKER_BLOCK_MS: '100', HEARTBEAT_INTERVAL_MS: '200', RETRY_MAX_ATTEMPTS: '1' };
/** 125 s of 16 kHz mono 16-bit audio: a 90 s file may go whole, a 150 s one may not. */
const WHOLE_FILE_MAX_BYTES = 4_000_000;

/** A file of `pieces` 30 s sections, each starting with its own test speech (the fake's transcript). */
function sectionsWav(pieces: readonly string[]): Buffer {
  return encodeWav(Buffer.concat(pieces.map((text) => speechPcm(text, { durationSeconds: 30 }))), {
    sampleRate: 16_000,
    channels: 1,
  });
}
const THREE = ['alpha beta gamma', 'delta epsilon zeta', 'eta theta iota'];

/** Every word of a transcript with its start, in order. */
const timeline = (transcript: Body) =>
  (transcript['chunks'] as Body[]).flatMap((c) => (c['words'] as Body[]).map((w) => [w['word'], w['start']]));
const spans = (transcript: Body) => (transcript['chunks'] as Body[]).map((c) => [c['start'], c['end']]);

/**
 * Long files on the file's clock (issue 18 items 2-4), end to end: the router, worker-deepgram
 * against the fake Deepgram, and a stand-in `assemblyai` fleet (a second Deepgram-protocol fake)
 * to fail over to. The fakes spread a chunk's words evenly over the audio they were sent, with
 * times from its start, as Deepgram gives them.
 */
describe('long files: offsets, whole-file mode, speakers', () => {
  let harness: RedisHarness;
  let redis: Redis;
  let deepgram: FakeDeepgramServer;
  let standInFake: FakeDeepgramServer;
  let workers: AppProcess[] = [];
  let router: TestRouter;
  let base: string;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
    deepgram = await FakeDeepgramServer.start();
    standInFake = await FakeDeepgramServer.start();
    workers = await Promise.all([
      startDeepgramWorker(harness.url, deepgram, WORKER),
      startStandInWorker('assemblyai', standInFake, { REDIS_URL: harness.url, PORT: '0', ...WORKER }),
    ]);
    router = await startTestRouter({
      REDIS_URL: harness.url,
      LOAD_CACHE_MS: '0',
      WHOLE_FILE_MAX_BYTES: String(WHOLE_FILE_MAX_BYTES),
    });
    base = router.base;
  }, 120_000);

  afterAll(async () => {
    await router?.close();
    await Promise.all(workers.map((w) => w.stop()));
    await deepgram?.close();
    await standInFake?.close();
    redis?.disconnect();
    await harness?.close();
  });

  // The sections are unbroken test speech that meet at the 30 s marks: fixed cuts, so each section
  // is one chunk (cuts at pauses would force overlapped cuts there; see cuts-at-pauses.e2e.spec.ts).
  const transcribe = async (query: string, wav: Buffer) => {
    const response = await fetch(`${base}/v1/transcriptions?wait=true&cuts=fixed&${query}`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body: wav,
    });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const durationsSent = (fake: FakeDeepgramServer) =>
    // WAV: 44-byte header, 32 000 bytes a second.
    fake.requests.map((r) => Math.round((r.bodyLength - 44) / 32_000));

  it("gives a cut file's chunks and words on the file's clock, not each chunk's", async () => {
    deepgram.reset();
    const { status, body } = await transcribe('provider=deepgram&chunkSeconds=30', sectionsWav(THREE));
    expect(status).toBe(200);
    expect(body).toMatchObject({ chunks: 3, split: { mode: 'chunks', reason: 'default' } });
    expect(durationsSent(deepgram)).toEqual([30, 30, 30]);
    expect(spans(body['transcript'])).toEqual([
      [0, 30],
      [30, 60],
      [60, 90],
    ]);
    expect(timeline(body['transcript'])).toEqual([
      ['alpha', 0],
      ['beta', 10],
      ['gamma', 20],
      ['delta', 30],
      ['epsilon', 40],
      ['zeta', 50],
      ['eta', 60],
      ['theta', 70],
      ['iota', 80],
    ]);
    expect(body['transcript']).not.toHaveProperty('speakers');
  });

  it('sends a file with diarization whole when the provider takes it, and says so', async () => {
    deepgram.reset();
    const { status, body } = await transcribe('provider=deepgram&diarize=true', sectionsWav(THREE));
    expect(status).toBe(200);
    expect(body).toMatchObject({ chunks: 1, split: { mode: 'whole', reason: 'diarization' } });
    expect(durationsSent(deepgram)).toEqual([90]);
    expect(deepgram.requests[0].query['diarize']).toBe('true');
    const transcript = body['transcript'];
    expect(transcript).toMatchObject({
      split: { mode: 'whole', reason: 'diarization' },
      speakers: 'whole_file',
    });
    expect(spans(transcript)).toEqual([[0, 90]]);
  });

  it('cuts a file with diarization when asked to, and never reuses a speaker number across chunks', async () => {
    const { body } = await transcribe('provider=deepgram&diarize=true&split=true', sectionsWav(THREE));
    expect(body).toMatchObject({ chunks: 3, split: { mode: 'chunks', reason: 'split_true' } });
    const transcript = body['transcript'];
    expect(transcript['speakers']).toBe('distinct_per_chunk');
    // The fake labels every word speaker 0 in each call: three calls, three different people for all we know.
    expect(
      (transcript['chunks'] as Body[]).map((c) => (c['words'] as Body[]).map((w) => w['speaker'])),
    ).toEqual([
      [0, 0, 0],
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });

  it('cuts a file with diarization that is too large to send whole, and refuses split=false for it', async () => {
    const five = sectionsWav([...THREE, 'kappa lambda', 'mu nu']);
    const cut = await transcribe('provider=deepgram&diarize=true', five);
    expect(cut.body).toMatchObject({
      chunks: 5,
      split: { mode: 'chunks', reason: 'over_whole_file_max_bytes' },
    });
    expect(cut.body['transcript']['speakers']).toBe('distinct_per_chunk');
    expect(spans(cut.body['transcript'])[4]).toEqual([120, 150]);
    const refused = await transcribe('provider=deepgram&split=false', five);
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'upload_too_large' });
  });

  it('refuses split=false when the provider cannot take the file in one call', async () => {
    // Whisper takes 30 s a request.
    const refused = await transcribe('provider=whisper&split=false', sectionsWav(THREE));
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'no_capable_provider' });
  });

  it('fails a whole file over whole: split=false, the first provider refuses it, the next that takes it whole transcribes it', async () => {
    deepgram.reset();
    standInFake.reset();
    deepgram.failNext(1, { status: 400 }); // permanent for Deepgram: straight to the next provider
    const { status, body } = await transcribe(
      'provider=deepgram&fallback=whisper,assemblyai&split=false',
      sectionsWav(THREE),
    );
    // Whisper takes 30 s a call: it is left out of a whole file's chain.
    const [[, fields]] = await redis.xrevrange('audio:stream:deepgram', '+', '-', 'COUNT', 1);
    expect(fields[fields.indexOf('fallback_providers') + 1]).toBe('assemblyai');
    expect(status).toBe(200);
    expect(body).toMatchObject({ chunks: 1, split: { mode: 'whole', reason: 'split_false' } });
    expect(durationsSent(deepgram)).toEqual([90]);
    expect(durationsSent(standInFake)).toEqual([90]);
    const transcript = body['transcript'];
    expect(transcript['chunks']).toEqual([
      expect.objectContaining({ provider: 'assemblyai', start: 0, end: 90 }),
    ]);
    expect(timeline(transcript)).toEqual([
      ['alpha', 0],
      ['beta', 30],
      ['gamma', 60],
    ]);
    const metrics = await (await fetch(`${router.managementUrl}/metrics`)).text();
    expect(metrics).toMatch(/streamscribe_files_queued_total\{mode="whole",reason="split_false"\} 1\b/);
    expect(metrics).toMatch(/streamscribe_files_queued_total\{mode="whole",reason="diarization"\} 1\b/);
  });

  describe('live sessions posted chunk by chunk', () => {
    const post = async (sessionId: string, query: string, text: string) => {
      const response = await fetch(`${base}/v1/sessions/${sessionId}/chunks?provider=deepgram&${query}`, {
        method: 'POST',
        headers: { 'content-type': 'audio/wav' },
        body: speechWav(text, { durationSeconds: 5 }),
      });
      expect(response.status).toBe(202);
    };
    const finished = async (sessionId: string): Promise<Body> => {
      await fetch(`${base}/v1/sessions/${sessionId}/end`, { method: 'POST' });
      for (;;) {
        const transcript = (await (
          await fetch(`${base}/v1/sessions/${sessionId}/transcript`)
        ).json()) as Body;
        if (transcript['complete']) return transcript;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    it('places each chunk after the ones before it, or where the client says (offsetMs)', async () => {
      await post('live-clock', '', 'one two');
      await post('live-clock', '', 'three four');
      await post('live-clock', 'offsetMs=60000', 'five six');
      await post('live-clock', '', 'seven eight');
      const transcript = await finished('live-clock');
      expect(spans(transcript)).toEqual([
        [0, 5],
        [5, 10],
        [60, 65],
        [65, 70],
      ]);
      expect(timeline(transcript)).toEqual([
        ['one', 0],
        ['two', 2.5],
        ['three', 5],
        ['four', 7.5],
        ['five', 60],
        ['six', 62.5],
        ['seven', 65],
        ['eight', 67.5],
      ]);
      // The live feed's results say where each chunk starts, and their words are on the same clock.
      const feed = await (await fetch(`${base}/v1/sessions/live-clock/events`)).text();
      const results = feed
        .split('\n\n')
        .filter((frame) => frame.includes('event: result'))
        .map((frame) => JSON.parse(frame.slice(frame.indexOf('data:') + 5)) as Body);
      expect(results.map((r) => [r['start'], r['words'][0]['start']])).toEqual([
        [0, 0],
        [5, 5],
        [60, 60],
        [65, 65],
      ]);
    });

    it('places a chunk that arrived before the one ahead of it once that one is in', async () => {
      await post('live-late', 'seq=1', 'three four');
      await post('live-late', 'seq=0', 'one two');
      const transcript = await finished('live-late');
      expect(spans(transcript)).toEqual([
        [0, 5],
        [5, 10],
      ]);
      expect(timeline(transcript)).toEqual([
        ['one', 0],
        ['two', 2.5],
        ['three', 5],
        ['four', 7.5],
      ]);
    });
  });
});
