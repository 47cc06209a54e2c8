import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, ClassicGuideProcess, speechWav, startStandInWorker, until } from '@streamscribe/testing';
import { RouterStack, startRouterStack, keyedFetch as fetch } from './testing/router-stack';

type Body = { [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

// Real processes (router, worker-deepgram, Python consumers) on a 2-core machine.
jest.setTimeout(90_000);

const WIRE = { CHUNK_AUDIO_FIELDS: 'chunk_data', CLASSIC_FLEETS: 'whisper' };

/**
 * The classic wire format both ways: code written exactly as the original Python guide shows
 * (libs/testing/src/lib/classic-guide/classic_guide.py, its sections 2–6 verbatim) shares groups
 * with streamscribe's workers, gets routed to, and runs its consensus against them.
 */
describe('classic consumers and streamscribe, both ways', () => {
  let stack: RouterStack;
  let port: number;
  let classic: ClassicGuideProcess[] = [];
  let standIn: AppProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'classic-guide-'));

  beforeAll(async () => {
    stack = await startRouterStack({
      harness: { ownServer: true },
      // Our reclaim must take over what the guide's consumers leave pending (they never XACK).
      worker: { ...WIRE, WORKER_BLOCK_MS: '100', RECLAIM_MIN_IDLE_MS: '1500', RECLAIM_INTERVAL_MS: '300' },
      router: WIRE,
    });
    port = Number(new URL(stack.harness.url).port);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(classic.map((c) => c.stop()));
    classic = [];
  });
  afterAll(async () => {
    await standIn?.stop();
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const postChunk = (sessionId: string, body: Buffer, query = '') =>
    fetch(`${stack.base}/v1/sessions/${sessionId}/chunks${query}`, {
      method: 'POST',
      headers: { 'content-type': 'audio/wav' },
      body,
    });
  const transcript = async (sessionId: string) =>
    (await fetch(`${stack.base}/v1/sessions/${sessionId}/transcript`)).json() as Promise<Body>;
  const resultsOf = async (stream: string, sessionId: string) =>
    (await stack.redis.xrange(stream, '-', '+'))
      .map(
        ([, flat]) =>
          Object.fromEntries(flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1]]] : []))) as Record<
            string,
            string
          >,
      )
      .filter((r) => r['session_id'] === sessionId);

  it('a mixed deepgram_workers group (two guide consumers and worker-deepgram) transcribes every chunk once', async () => {
    classic = [
      await ClassicGuideProcess.consume('deepgram', port),
      await ClassicGuideProcess.consume('deepgram', port),
    ];
    // Our worker answers slowly, so the guide's consumers take their share of the chunks.
    stack.deepgram.setLatency(() => 300);
    const words = [
      'alpha',
      'bravo',
      'charlie',
      'delta',
      'echo',
      'foxtrot',
      'golf',
      'hotel',
      'india',
      'juliet',
    ];
    for (const word of words) {
      expect((await postChunk('mixed-1', speechWav(word))).status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [entry] = await stack.redis.xrangeBuffer('audio:stream:deepgram', '-', '+', 'COUNT', 1);
    const fieldNames = entry[1].filter((_, i) => i % 2 === 0).map(String);
    expect(fieldNames).toContain('chunk_data');
    expect(fieldNames).not.toContain('audio');

    await until(
      () => transcript('mixed-1'),
      (t) => t.complete === true,
      30_000,
    );
    const all = await resultsOf('transcription:results:all', 'mixed-1');
    const perChunk = new Map<string, number>();
    for (const r of all) perChunk.set(r['chunk_id'], (perChunk.get(r['chunk_id']) ?? 0) + 1);
    expect([...perChunk.values()]).toEqual(words.map(() => 1));
    const byClassic = all.filter((r) => /^classic deepgram heard \d+ bytes$/.test(r['text']));
    expect(byClassic.length).toBeGreaterThan(0);
    expect(classic.map((c) => c.logs).join('')).not.toMatch(/Error in deepgram consumer|Failed to process/);

    // The guide never acknowledges (xack's arguments are swapped): our reclaim takes its entries
    // over, sees their results, acknowledges them, and transcribes nothing twice.
    await until(
      () => stack.redis.xpending('audio:stream:deepgram', 'deepgram_workers') as Promise<[number]>,
      ([pending]) => Number(pending) === 0,
      30_000,
    );
    expect(await resultsOf('transcription:results:all', 'mixed-1')).toHaveLength(words.length);
    stack.deepgram.setLatency(() => 0);
  });

  it('routes to a fleet named in CLASSIC_FLEETS, which writes no heartbeat, and sends it chunk_data only', async () => {
    classic = [await ClassicGuideProcess.consume('whisper', port)];
    expect(await stack.redis.zcard('streamscribe:heartbeats:whisper')).toBe(0);
    const response = await postChunk('classic-whisper-1', speechWav('kilo'), '?provider=whisper');
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ provider: 'whisper' });
    const done = await until(
      () => transcript('classic-whisper-1'),
      (t) => t.complete === true,
      20_000,
    );
    expect(done.chunks).toHaveLength(1);
    expect(done.chunks[0]).toMatchObject({ seq: 0, provider: 'whisper' });
    expect(done.text).toMatch(/^classic whisper heard \d+ bytes$/);
  });

  it("the guide's consensus (one chunk id to two providers' streams) gets one result per provider", async () => {
    standIn = await startStandInWorker('whisper', stack.deepgram, {
      REDIS_URL: stack.harness.url,
      PORT: '0',
      HEARTBEAT_INTERVAL_MS: '200',
      WORKER_BLOCK_MS: '100',
      ...WIRE,
    });
    const wav = join(dir, 'consensus.wav');
    writeFileSync(wav, speechWav('hello consensus'));
    const run = await ClassicGuideProcess.consensus(port, 'guide-1', wav, ['deepgram', 'whisper']);
    expect(run.results.map((r) => r.provider).sort()).toEqual(['deepgram', 'whisper']);
    expect(new Set(run.results.map((r) => r.chunk_id)).size).toBe(1);
    expect(run.results.map((r) => r.text)).toEqual(['hello consensus', 'hello consensus']);
    expect(run.best?.text).toBe('hello consensus');
    // Our transcript of that session still shows the chunk once.
    const consensusSession = (await stack.redis.xrange('transcription:results:all', '-', '+'))
      .map(([, flat]) => flat[flat.indexOf('session_id') + 1])
      .find((session) => session.startsWith('guide-1_consensus_')) as string;
    expect(await transcript(consensusSession)).toMatchObject({
      chunkCount: 1,
      resultCount: 1,
      text: 'hello consensus',
    });
  });
});
