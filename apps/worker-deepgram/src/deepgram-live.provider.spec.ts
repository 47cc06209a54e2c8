import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { LIVE_TRANSCRIBER, type LiveTranscriber, type LiveTranscriberEvent } from '@streamscribe/providers';
import { FakeDeepgramServer, spokenScript } from '@streamscribe/testing';
import { WORKER_ENVIRONMENT } from '@streamscribe/worker-runtime';
import { DeepgramWorkerEnvironment } from './deepgram-worker.environment';
import { deepgramLiveTranscriberProvider } from './deepgram-live.provider';

describe('worker-deepgram LIVE_TRANSCRIBER', () => {
  let fake: FakeDeepgramServer;

  beforeAll(async () => (fake = await FakeDeepgramServer.start()));
  afterAll(() => fake.close());

  it('is provided in the worker module, next to the transcription provider', async () => {
    // The module validates the environment when it is built: give it the one required variable.
    const saved = process.env['DEEPGRAM_API_KEY'];
    process.env['DEEPGRAM_API_KEY'] = FakeDeepgramServer.DEFAULT_API_KEY;
    try {
      const { DeepgramWorkerModule } = await import('./deepgram-worker.module');
      expect(DeepgramWorkerModule.providers).toContain(deepgramLiveTranscriberProvider);
    } finally {
      if (saved === undefined) delete process.env['DEEPGRAM_API_KEY'];
      else process.env['DEEPGRAM_API_KEY'] = saved;
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
    const context = await NestFactory.createApplicationContext(
      {
        module: class LiveOnlyModule {},
        providers: [{ provide: WORKER_ENVIRONMENT, useValue: env }, deepgramLiveTranscriberProvider],
      },
      { logger: false },
    );
    const transcriber = context.get<LiveTranscriber>(LIVE_TRANSCRIBER);
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
    await context.close();
  });
});
