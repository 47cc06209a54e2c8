import Redis from 'ioredis';
import { KeyScheme, LiveEvent, LiveSessionOptions, decodeLiveEvent } from '@streamscribe/contracts';
import { AppProcess } from '../app-process';
import { espeakSpeech, placeSpeech, resampleLinear16 } from '../espeak/espeak-speech';
import { RedisHarness } from '../redis-harness';
import { until } from '../until';

/** A self-hosted worker app (Whisper, Parakeet) whose live sessions a spec checks end to end. */
export interface SelfHostedLiveWorker {
  provider: 'whisper' | 'parakeet';
  /** The app's environment beyond Redis, port, device, consumer and live timings (its model dir). */
  env: Record<string, string>;
  /** Checks the transcript of each spoken final (the tiny models say fixed text). */
  expectTranscript(transcript: string): void;
}

/**
 * The live path of a self-hosted worker, end to end: a real worker process with real ONNX Runtime
 * sessions (Silero VAD, the tiny model) takes a live job, replays the session's audio log (two
 * espeak-ng utterances), writes one speech_final per utterance on the session's clock, then
 * `closed`. On a 2-core machine: generous timeouts, never wall-clock assertions.
 */
/** Two espeak-ng utterances in 16 kHz linear16, at 1 s and 5 s of 8 s. */
export function twoUtterances(): { pcm: Buffer; utterances: { startMs: number; endMs: number }[] } {
  const placed = [
    { text: 'live captions from a batch model', atMs: 1000 },
    { text: 'one utterance at a time', atMs: 5000 },
  ].map(({ text, atMs }) => {
    const speech = espeakSpeech(text);
    const pcm = resampleLinear16(speech.pcm, speech.sampleRate, 16000);
    return { pcm, atMs, endMs: atMs + speech.durationMs };
  });
  return {
    pcm: placeSpeech(placed, 16000, 8000),
    utterances: placed.map((p) => ({ startMs: p.atMs, endMs: p.endMs })),
  };
}

export function describeSelfHostedLiveWorker(spec: SelfHostedLiveWorker): void {
  const { provider } = spec;
  describe(`worker-${provider} serves live sessions (Silero VAD segmentation over the tiny model)`, () => {
    jest.setTimeout(90_000);
    let harness: RedisHarness;
    let redis: Redis;
    let worker: AppProcess;
    const keys = new KeyScheme();

    beforeAll(async () => {
      harness = await RedisHarness.start();
      redis = harness.client();
      worker = await AppProcess.start(
        `worker-${provider}`,
        {
          ...spec.env,
          REDIS_URL: harness.url,
          PORT: '0',
          INFERENCE_DEVICE: 'cpu',
          CONSUMER_NAME: `${provider}-live-1`,
          LIVE_BLOCK_MS: '100',
          LIVE_STALL_MS: '30000',
        },
        60_000,
      );
    });
    afterAll(async () => {
      await worker?.stop();
      redis?.disconnect();
      await harness?.close();
    });

    it('takes the job, replays the audio log, writes one speech_final per utterance, then closed', async () => {
      const ref = keys.session('default', `live-${provider}`);
      const options: LiveSessionOptions = {
        format: { encoding: 'linear16', sampleRate: 16000, channels: 1 },
        interimResults: false,
        endpointingMs: 10,
        vadEvents: true,
        keyterms: [],
        hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
      };
      const { pcm, utterances } = twoUtterances();
      await redis.hset(keys.liveStateKey(ref), {
        options: JSON.stringify(options),
        epoch: 1,
        provider,
        received: pcm.length,
        finalized: 0,
        status: 'open',
      });
      for (let at = 0; at < pcm.length; at += 3200)
        await redis.xadd(keys.liveAudioLogKey(ref), '*', 'o', at, 'a', pcm.subarray(at, at + 3200));
      await redis.xadd(keys.liveAudioLogKey(ref), '*', 'o', pcm.length, 'c', 'close');
      await redis.xadd(
        keys.liveJobsStream(provider),
        '*',
        'tenant',
        ref.tenant,
        'session',
        ref.sessionId,
        'epoch',
        1,
      );

      const events = await until(
        async () =>
          (await redis.xrange(keys.liveEventsKey(ref), '-', '+')).map(
            ([, f]) => decodeLiveEvent(f[1]) as LiveEvent,
          ),
        (e) => e.some((x) => x.type === 'closed' || x.type === 'failed'),
        80_000,
      );
      expect(events[0]).toMatchObject({ type: 'started', provider, resumeFrom: 0 });
      expect(events.at(-1)).toMatchObject({ type: 'closed', provider });
      const spoken = events.filter(
        (e): e is Extract<LiveEvent, { type: 'results' }> =>
          e.type === 'results' && e.isFinal && e.transcript.length > 0,
      );
      expect(spoken).toHaveLength(2);
      spoken.forEach((final, i) => {
        expect(final.speechFinal).toBe(true);
        spec.expectTranscript(final.transcript);
        expect(final.start).toBeGreaterThan(utterances[i].startMs / 1000 - 0.3);
        expect(final.start).toBeLessThanOrEqual(utterances[i].startMs / 1000);
        expect(final.start + final.duration).toBeGreaterThanOrEqual(utterances[i].endMs / 1000);
      });
      expect(events.filter((e) => e.type === 'speech_started')).toHaveLength(2);
      expect(await redis.hget(keys.liveStateKey(ref), 'status')).toBe('closed');
    });
  });
}
