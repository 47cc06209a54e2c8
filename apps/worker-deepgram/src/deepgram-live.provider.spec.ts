import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import {
  DeepgramLiveTranscriber,
  LIVE_TRANSCRIBER,
  type LiveTranscriber,
  type LiveTranscriberEvent,
} from '@streamscribe/providers';
import { FakeDeepgramServer, RedisHarness, spokenScript } from '@streamscribe/testing';
import { DeepgramWorkerEnvironment } from './deepgram-worker.environment';
import { createDeepgramLiveTranscriber } from './deepgram-live.provider';

describe('worker-deepgram live transcriber', () => {
  let fake: FakeDeepgramServer;

  beforeAll(async () => (fake = await FakeDeepgramServer.start()));
  afterAll(() => fake.close());

  it('is the live transcriber of the worker module, next to the transcription provider', async () => {
    const harness = await RedisHarness.start();
    const saved = { ...process.env };
    // The module validates the environment when it is built: import it once env is set.
    Object.assign(process.env, {
      DEEPGRAM_API_KEY: FakeDeepgramServer.DEFAULT_API_KEY,
      REDIS_URL: harness.url,
      PORT: '0',
    });
    try {
      const { DeepgramWorkerModule } = await import('./deepgram-worker.module');
      const context = await NestFactory.createApplicationContext(DeepgramWorkerModule, { logger: false });
      try {
        expect(context.get(LIVE_TRANSCRIBER)).toBeInstanceOf(DeepgramLiveTranscriber);
      } finally {
        await context.close();
      }
    } finally {
      process.env = saved;
      await harness.close();
    }
  });

  it("is built from the worker's settings and serves a live session on the same DEEPGRAM_API_URL", async () => {
    const env = Object.assign(new DeepgramWorkerEnvironment(), {
      DEEPGRAM_API_KEY: FakeDeepgramServer.DEFAULT_API_KEY,
      DEEPGRAM_API_URL: fake.url,
      DEEPGRAM_MODEL: 'nova-3',
      DEEPGRAM_KEYTERMS: 'streamscribe',
      DEEPGRAM_LANGUAGE: 'en-US',
    });
    const transcriber: LiveTranscriber = createDeepgramLiveTranscriber(env);
    expect(transcriber.name).toBe('deepgram');

    const events: LiveTranscriberEvent[] = [];
    const connection = await transcriber.open(
      {
        format: { encoding: 'linear16', sampleRate: 16_000, channels: 1 },
        interimResults: false,
        endpointingMs: 10,
        vadEvents: false,
        keyterms: [],
        hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
      },
      { onEvent: (event) => events.push(event), onFailure: (error) => events.push(error as never) },
    );
    connection.send(spokenScript([{ words: ['live'], startMs: 100 }], { totalMs: 600 }).pcm);
    await connection.close();
    expect(events).toEqual([
      expect.objectContaining({ type: 'transcript', isFinal: true, transcript: 'live', speechFinal: true }),
      expect.objectContaining({ type: 'transcript', isFinal: true, transcript: '' }),
    ]);
    expect(fake.liveRecords[0].query).toMatchObject({
      model: 'nova-3',
      language: 'en-US',
      keyterm: 'streamscribe',
      punctuate: 'true',
    });
  });
});
