import type Redis from 'ioredis';
import {
  KeyScheme,
  LiveEvent,
  LiveSessionOptions,
  ProviderName,
  SessionRef,
  decodeLiveEvent,
} from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import type { ProviderOutcome } from '@streamscribe/provider-health';
import {
  LiveConnection,
  LiveConnectionHandlers,
  LiveTranscriber,
  ProviderError,
} from '@streamscribe/providers';
import { DetectedWord, RedisHarness, SpokenWordDetector, spokenScript, until } from '@streamscribe/testing';
import { LiveSessionRunner } from './live-session-runner';

jest.setTimeout(30_000);

const BYTES_PER_MS = 32; // linear16, 16 kHz, mono
const FRAME_BYTES = 100 * BYTES_PER_MS; // 100 ms frames, as clients send them

interface Behaviour {
  /** Stop answering (socket open, nothing more) once this many words were answered. */
  stallAfterWords?: number;
  /** Drop the socket when this word is heard. */
  dropOnWord?: string;
  /** open() rejects with this. */
  refuse?: ProviderError;
  /** The first final of the connection also repeats a word that ends at its first byte (a provider's overlap). */
  repeatLeadingWord?: string;
  /** Say nothing over silence (no empty finals), as server-side segmentation does. */
  silentOverSilence?: boolean;
  /** Report what it processed (`processedSeconds`). */
  reportsProgress?: boolean;
}

/**
 * A deterministic live provider for the runner: "recognises" spoken-word-coded PCM with
 * SpokenWordDetector, answers a final per word once the word's audio is all in (covering the
 * silence before it), an empty final per second of silence (as Deepgram does), a fromFinalize
 * final on finalize(); times from the connection's first byte. Failures on cue.
 */
class ScriptedConnection implements LiveConnection {
  private readonly detector = new SpokenWordDetector();
  private readonly pending: DetectedWord[] = [];
  private answeredMs = 0;
  private answeredWords = 0;
  stalled = false;
  aborted = false;
  bytes = 0;

  constructor(
    private readonly handlers: LiveConnectionHandlers,
    private readonly behaviour: Behaviour,
  ) {}

  send(audio: Buffer): void {
    if (this.aborted) return;
    this.bytes += audio.length;
    for (const word of this.detector.push(audio)) {
      if (word.word === this.behaviour.dropOnWord) {
        this.aborted = true;
        this.handlers.onFailure(
          new ProviderError('socket closed (1006)', { provider: 'deepgram', kind: 'retryable' }),
        );
        return;
      }
      this.pending.push(word);
    }
    this.answer();
  }

  finalize(): void {
    if (this.aborted || this.stalled) return;
    this.answer();
    this.final(this.detector.heardMs, [], true);
  }

  async close(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (!this.stalled) this.answer();
  }

  abort(): void {
    this.aborted = true;
  }

  get processedSeconds(): (() => number) | undefined {
    return this.behaviour.reportsProgress ? () => this.detector.heardMs / 1000 : undefined;
  }

  private answer(): void {
    const heard = this.detector.heardMs;
    while (!this.stalled && !this.aborted) {
      const word = this.pending[0];
      if (word && word.endMs <= heard) {
        this.pending.shift();
        this.final(word.endMs, [word], false);
        if (++this.answeredWords === this.behaviour.stallAfterWords) this.stalled = true;
      } else if (!word && !this.behaviour.silentOverSilence && heard - this.answeredMs >= 1000) {
        this.final(this.answeredMs + 1000, [], false);
      } else return;
    }
  }

  private final(endMs: number, words: DetectedWord[], fromFinalize: boolean): void {
    const lead = this.behaviour.repeatLeadingWord;
    const all = [
      ...(lead && this.answeredMs === 0 ? [{ word: lead, startMs: -300, endMs: 0 }] : []),
      ...words,
    ];
    this.handlers.onEvent({
      type: 'transcript',
      isFinal: true,
      speechFinal: words.length > 0,
      fromFinalize,
      start: this.answeredMs / 1000,
      duration: (endMs - this.answeredMs) / 1000,
      transcript: all.map((w) => w.word).join(' '),
      confidence: 0.9,
      words: all.map((w) => ({
        word: w.word,
        start: w.startMs / 1000,
        end: w.endMs / 1000,
        confidence: 0.9,
      })),
    });
    this.answeredMs = Math.max(this.answeredMs, endMs);
  }
}

class ScriptedLiveTranscriber implements LiveTranscriber {
  readonly connections: ScriptedConnection[] = [];
  readonly opened: LiveSessionOptions[] = [];
  constructor(
    readonly name: ProviderName,
    private readonly behaviours: Behaviour[] = [],
  ) {}

  async open(options: LiveSessionOptions, handlers: LiveConnectionHandlers): Promise<LiveConnection> {
    const behaviour = this.behaviours[this.connections.length] ?? {};
    this.opened.push(options);
    if (behaviour.refuse) {
      this.connections.push(new ScriptedConnection(handlers, behaviour));
      throw behaviour.refuse;
    }
    const connection = new ScriptedConnection(handlers, behaviour);
    this.connections.push(connection);
    return connection;
  }
}

const OPTIONS: LiveSessionOptions = {
  format: { encoding: 'linear16', sampleRate: 16000, channels: 1 },
  interimResults: false,
  endpointingMs: 10,
  vadEvents: false,
  keyterms: [],
  hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
};

type Results = LiveEvent & { type: 'results' };

describe('LiveSessionRunner (real Redis, scripted provider)', () => {
  let harness: RedisHarness;
  let redis: Redis;
  const keys = new KeyScheme();
  const runners: LiveSessionRunner[] = [];
  const outcomes: ProviderOutcome[] = [];
  let n = 0;

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.close()));
    outcomes.length = 0;
  });
  afterAll(async () => {
    redis?.disconnect();
    await harness?.close();
  });

  function startRunner(
    transcriber: LiveTranscriber,
    consumer: string,
    settings: Partial<{ leaseMs: number; stallMs: number; maxSessions: number }> = {},
  ): LiveSessionRunner {
    const runner = new LiveSessionRunner({
      redis,
      connect: () => harness.client(),
      keys,
      transcriber,
      consumer,
      maxSessions: settings.maxSessions ?? 10,
      settings: { leaseMs: settings.leaseMs ?? 3000, stallMs: settings.stallMs ?? 60_000, blockMs: 100 },
      health: { record: async (outcome) => outcomes.push(outcome) },
      trimIntervalMs: 50,
      logger: createLogger('live-test'),
    });
    runner.start();
    runners.push(runner);
    return runner;
  }

  /** What the router does: the state hash, then (for each assignment) epoch+1 and a job. */
  async function openSession(options: LiveSessionOptions = OPTIONS): Promise<SessionRef> {
    const ref = keys.session('acme', `live-${++n}`);
    await redis.hset(keys.liveStateKey(ref), {
      options: JSON.stringify(options),
      epoch: 0,
      provider: 'deepgram',
      received: 0,
      finalized: 0,
      status: 'open',
      tenant: ref.tenant,
    });
    await redis.pexpire(keys.liveStateKey(ref), 120_000);
    return ref;
  }
  async function assign(ref: SessionRef, provider: ProviderName = 'deepgram'): Promise<number> {
    const epoch = await redis.hincrby(keys.liveStateKey(ref), 'epoch', 1);
    await redis.hset(keys.liveStateKey(ref), 'provider', provider);
    await enqueueJob(ref, epoch, provider);
    return epoch;
  }
  async function enqueueJob(
    ref: SessionRef,
    epoch: number,
    provider: ProviderName = 'deepgram',
  ): Promise<void> {
    await redis.xadd(
      keys.liveJobsStream(provider),
      '*',
      'tenant',
      ref.tenant,
      'session',
      ref.sessionId,
      'epoch',
      epoch,
    );
  }
  async function appendAudio(ref: SessionRef, pcm: Buffer): Promise<void> {
    for (let at = 0; at < pcm.length; at += FRAME_BYTES) {
      const frame = pcm.subarray(at, at + FRAME_BYTES);
      const offset = Number(await redis.hget(keys.liveStateKey(ref), 'received'));
      // Logged and counted together, as the router's append script does.
      await redis
        .multi()
        .xadd(keys.liveAudioLogKey(ref), '*', 'o', offset, 'a', frame)
        .hincrby(keys.liveStateKey(ref), 'received', frame.length)
        .exec();
    }
  }
  async function appendControl(ref: SessionRef, control: 'finalize' | 'close'): Promise<void> {
    const offset = (await redis.hget(keys.liveStateKey(ref), 'received')) ?? '0';
    await redis.xadd(keys.liveAudioLogKey(ref), '*', 'o', offset, 'c', control);
  }
  async function events(ref: SessionRef): Promise<LiveEvent[]> {
    return (await redis.xrange(keys.liveEventsKey(ref), '-', '+')).map(
      ([, f]) => decodeLiveEvent(f[1]) as LiveEvent,
    );
  }
  const finals = (all: LiveEvent[]) => all.filter((e): e is Results => e.type === 'results' && e.isFinal);
  const finalWords = (all: LiveEvent[]) => finals(all).flatMap((e) => e.words);
  const waitFor = (ref: SessionRef, ok: (all: LiveEvent[]) => boolean) => until(() => events(ref), ok);

  const script = spokenScript(
    [
      { words: ['alpha', 'bravo', 'charlie'], startMs: 500 },
      { words: ['delta', 'echo'], startMs: 2900 },
      { words: ['foxtrot', 'golf', 'hotel'], startMs: 4700 },
    ],
    { totalMs: 6800 },
  );
  const cut = (fromMs: number, toMs?: number) =>
    script.pcm.subarray(fromMs * BYTES_PER_MS, toMs === undefined ? undefined : toMs * BYTES_PER_MS);

  it('serves a session: started, finals on the session clock, finalize, close -> closed, lease released', async () => {
    const transcriber = new ScriptedLiveTranscriber('deepgram');
    startRunner(transcriber, 'worker-a');
    const ref = await openSession();
    const epoch = await assign(ref);
    await appendAudio(ref, cut(0, 3000));
    await appendControl(ref, 'finalize');
    await appendAudio(ref, cut(3000));
    await appendControl(ref, 'close');
    const all = await waitFor(ref, (e) => e.some((x) => x.type === 'closed'));
    expect(all[0]).toEqual({
      type: 'started',
      epoch,
      provider: 'deepgram',
      worker: 'worker-a',
      resumeFrom: 0,
    });
    expect(finalWords(all).map((w) => [w.word, w.start, w.end])).toEqual(
      script.words.map((w) => [w.word, w.startMs / 1000, (w.startMs + w.durationMs) / 1000]),
    );
    expect(finals(all).some((e) => e.fromFinalize)).toBe(true);
    expect(all.at(-1)).toEqual({ type: 'closed', epoch, provider: 'deepgram', duration: 6.8 });
    expect(transcriber.opened).toEqual([OPTIONS]);
    expect(await redis.hget(keys.liveStateKey(ref), 'status')).toBe('closed');
    expect(await redis.exists(keys.liveLeaseKey(ref))).toBe(0);
    // Finals advanced the finalized offset and trimmed the log below what is still needed.
    expect(Number(await redis.hget(keys.liveStateKey(ref), 'finalized'))).toBeGreaterThan(
      6000 * BYTES_PER_MS,
    );
    expect(await redis.xlen(keys.liveAudioLogKey(ref))).toBeLessThan(5);
    expect(outcomes).toEqual([{ ok: true, providerMs: expect.any(Number), audioSeconds: 6.8 }]);
  });

  it('after a takeover replays from the finalized offset: times re-anchored, no final word twice', async () => {
    const transcriber = new ScriptedLiveTranscriber('deepgram');
    const firstRunner = startRunner(transcriber, 'worker-a');
    const ref = await openSession();
    const first = await assign(ref);
    await appendAudio(ref, cut(0, 3400)); // "delta" (2900..3200) whole, "echo" cut at its start
    await waitFor(ref, (e) => finalWords(e).some((w) => w.word === 'delta'));
    const finalizedAtTakeover = Number(await redis.hget(keys.liveStateKey(ref), 'finalized'));
    expect(finalizedAtTakeover).toBe(3200 * BYTES_PER_MS);

    // The router reassigns (worker-a's lease lapsed, say); worker-a goes away and its last
    // words (a drain's failed event) are refused; a second worker of the provider takes the job.
    const second = await redis.hincrby(keys.liveStateKey(ref), 'epoch', 1);
    await firstRunner.close();
    const secondWorker = new ScriptedLiveTranscriber('deepgram');
    startRunner(secondWorker, 'worker-b');
    await enqueueJob(ref, second);
    await waitFor(ref, (e) => e.some((x) => x.type === 'started' && x.epoch === second));
    await appendAudio(ref, cut(3400));
    await appendControl(ref, 'close');
    const all = await waitFor(ref, (e) => e.some((x) => x.type === 'closed'));

    expect(all.find((x) => x.type === 'started' && x.epoch === second)).toMatchObject({
      worker: 'worker-b',
      resumeFrom: 3.2,
    });
    // worker-b's connection began at the finalized byte: its first byte is 3.2 s into the session.
    expect(secondWorker.connections[0].bytes).toBe(6800 * BYTES_PER_MS - finalizedAtTakeover);
    expect(finalWords(all).map((w) => [w.word, w.start, w.end])).toEqual(
      script.words.map((w) => [w.word, w.startMs / 1000, (w.startMs + w.durationMs) / 1000]),
    );
    expect(
      finals(all)
        .filter((e) => e.epoch === first)
        .every((e) => e.start + e.duration <= 3.4),
    ).toBe(true);
    expect(all.at(-1)).toMatchObject({ type: 'closed', epoch: second });
    // worker-a was fenced off: it wrote nothing of epoch 2, and nothing after the takeover.
    expect(all.filter((x) => x.epoch === first && x.type !== 'results' && x.type !== 'started')).toEqual([]);
  });

  it('never writes a final word that ends at or below the finalized offset', async () => {
    const ref = await openSession();
    await redis.hset(keys.liveStateKey(ref), 'finalized', 2000 * BYTES_PER_MS);
    await appendAudio(ref, cut(0));
    await appendControl(ref, 'close');
    startRunner(new ScriptedLiveTranscriber('deepgram', [{ repeatLeadingWord: 'overlap' }]), 'worker-a');
    await assign(ref);
    const all = await waitFor(ref, (e) => e.some((x) => x.type === 'closed'));
    expect(finalWords(all).map((w) => w.word)).toEqual(['delta', 'echo', 'foxtrot', 'golf', 'hotel']);
    expect(finalWords(all)[0]).toMatchObject({ start: 2.9, end: 3.2 });
  });

  it('skips malformed audio-log entries and goes on', async () => {
    startRunner(new ScriptedLiveTranscriber('deepgram'), 'worker-a');
    const ref = await openSession();
    await appendAudio(ref, cut(0, 2000));
    await redis.xadd(keys.liveAudioLogKey(ref), '*', 'o', 'minus one', 'a', 'x');
    await redis.xadd(keys.liveAudioLogKey(ref), '*', 'garbage', '1');
    await redis.xadd(keys.liveAudioLogKey(ref), '*', 'o', '64000', 'c', 'explode');
    await appendAudio(ref, cut(2000));
    await appendControl(ref, 'close');
    await assign(ref);
    const all = await waitFor(ref, (e) => e.some((x) => x.type === 'closed'));
    expect(finalWords(all).map((w) => w.word)).toEqual(script.words.map((w) => w.word));
  });

  it('hands the session back when the provider drops (provider_dropped) and records it against the provider', async () => {
    startRunner(new ScriptedLiveTranscriber('deepgram', [{ dropOnWord: 'delta' }]), 'worker-a');
    const ref = await openSession();
    const epoch = await assign(ref);
    await appendAudio(ref, cut(0));
    const all = await waitFor(ref, (e) => e.some((x) => x.type === 'failed'));
    expect(all.at(-1)).toMatchObject({ type: 'failed', epoch, code: 'provider_dropped', worker: 'worker-a' });
    expect(finalWords(all).map((w) => w.word)).toEqual(['alpha', 'bravo', 'charlie']);
    expect(await redis.exists(keys.liveLeaseKey(ref))).toBe(0);
    expect(await redis.hget(keys.liveStateKey(ref), 'status')).toBe('open');
    expect(outcomes).toEqual([{ ok: false }]);
  });

  it('says provider_refused when open() is refused for good', async () => {
    const refuse = new ProviderError('401 invalid credentials', {
      provider: 'deepgram',
      kind: 'permanent',
      statusCode: 401,
    });
    startRunner(new ScriptedLiveTranscriber('deepgram', [{ refuse }]), 'worker-a');
    const ref = await openSession();
    await assign(ref);
    const all = await waitFor(ref, (e) => e.some((x) => x.type === 'failed'));
    expect(all.map((x) => x.type)).toEqual(['started', 'failed']);
    expect(all[1]).toMatchObject({ code: 'provider_refused', reason: expect.stringContaining('401') });
    expect(await redis.exists(keys.liveLeaseKey(ref))).toBe(0);
  });

  it('detects a stalled provider: audio owed an answer and silence for LIVE_STALL_MS', async () => {
    const transcriber = new ScriptedLiveTranscriber('deepgram', [{ stallAfterWords: 2 }]);
    startRunner(transcriber, 'worker-a', { stallMs: 300 });
    const ref = await openSession();
    await assign(ref);
    await appendAudio(ref, cut(0));
    const all = await waitFor(ref, (e) => e.some((x) => x.type === 'failed'));
    expect(all.at(-1)).toMatchObject({ type: 'failed', code: 'provider_stalled' });
    expect(finalWords(all).map((w) => w.word)).toEqual(['alpha', 'bravo']);
    expect(transcriber.connections[0].aborted).toBe(true);
    expect(await redis.exists(keys.liveLeaseKey(ref))).toBe(0);
  });

  it('does not take a provider that is silent over silence for stalled when it reports what it processed', async () => {
    const silence = Buffer.alloc(2000 * BYTES_PER_MS);
    const run = async (behaviour: Behaviour) => {
      const runner = startRunner(new ScriptedLiveTranscriber('deepgram', [behaviour]), `worker-${++n}`, {
        stallMs: 300,
      });
      const ref = await openSession();
      await assign(ref);
      await appendAudio(ref, Buffer.concat([cut(0, 1000), silence]));
      // The silence is all in and answered by nothing but progress: give a stall time to show.
      await new Promise((resolve) => setTimeout(resolve, 900));
      await appendAudio(ref, cut(1000));
      await appendControl(ref, 'close');
      const all = await waitFor(ref, (e) => e.some((x) => x.type === 'closed' || x.type === 'failed'));
      await runner.close();
      return all.at(-1)?.type === 'failed' ? (all.at(-1) as { code: string }).code : 'closed';
    };
    expect(await run({ silentOverSilence: true, reportsProgress: true })).toBe('closed');
    expect(await run({ silentOverSilence: true })).toBe('provider_stalled');
  });

  it('stops silently when reassigned under it: its lease renewal fails and nothing more is written', async () => {
    const transcriber = new ScriptedLiveTranscriber('deepgram');
    const runner = startRunner(transcriber, 'worker-a', { leaseMs: 300 });
    const ref = await openSession();
    await assign(ref);
    await appendAudio(ref, cut(0, 1000));
    await waitFor(ref, (e) => e.some((x) => x.type === 'started'));
    await redis.hincrby(keys.liveStateKey(ref), 'epoch', 1); // another router reassigned it (no job here)
    await until(
      async () => runner.activeSessions,
      (count) => count === 0,
    );
    const before = await events(ref);
    await appendAudio(ref, cut(1000));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await events(ref)).toEqual(before);
    expect(before.some((x) => x.type === 'failed')).toBe(false);
    expect(transcriber.connections[0].aborted).toBe(true);
  });

  it('drains: each session gets failed worker_draining and its lease back', async () => {
    const runner = startRunner(new ScriptedLiveTranscriber('deepgram'), 'worker-a');
    const refs = [await openSession(), await openSession()];
    for (const ref of refs) await assign(ref);
    for (const ref of refs) await waitFor(ref, (e) => e.some((x) => x.type === 'started'));
    await runner.close();
    for (const ref of refs) {
      expect((await events(ref)).at(-1)).toMatchObject({ type: 'failed', code: 'worker_draining' });
      expect(await redis.exists(keys.liveLeaseKey(ref))).toBe(0);
    }
    expect(outcomes).toEqual([]);
  });

  it('serves at most maxSessions at once; a stale job is acknowledged and dropped', async () => {
    const transcriber = new ScriptedLiveTranscriber('whisper');
    const runner = startRunner(transcriber, 'worker-a', { maxSessions: 1 });
    const [a, b] = [await openSession(), await openSession()];
    await assign(a, 'whisper');
    await waitFor(a, (e) => e.some((x) => x.type === 'started'));
    await assign(b, 'whisper');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await events(b)).toEqual([]);
    expect(runner.activeSessions).toBe(1);
    await appendControl(a, 'close');
    await waitFor(b, (e) => e.some((x) => x.type === 'started'));

    await appendControl(b, 'close');
    await waitFor(b, (e) => e.some((x) => x.type === 'closed'));
    const stale = await openSession();
    await redis.hset(keys.liveStateKey(stale), 'epoch', 2); // reassigned before the old job was read
    await enqueueJob(stale, 1, 'whisper');
    const groupState = async () => {
      const [group] = (await redis.xinfo('GROUPS', keys.liveJobsStream('whisper'))) as unknown[][];
      const info = new Map<unknown, unknown>();
      for (let i = 0; i + 1 < group.length; i += 2) info.set(group[i], group[i + 1]);
      return { lag: info.get('lag'), pending: info.get('pending') };
    };
    await until(groupState, (state) => state.lag === 0 && state.pending === 0);
    expect(await events(stale)).toEqual([]);
    // Acknowledged jobs are trimmed (XTRIM MINID ~: whole stream nodes of 100 entries).
    const pipeline = redis.pipeline();
    for (let i = 0; i < 250; i++) pipeline.xadd(keys.liveJobsStream('whisper'), '*', 'malformed', i);
    await pipeline.exec();
    await until(
      () => redis.xlen(keys.liveJobsStream('whisper')),
      (length) => length < 150,
    );
  });
});
