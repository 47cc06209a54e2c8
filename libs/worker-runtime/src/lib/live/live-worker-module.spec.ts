import { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type Redis from 'ioredis';
import {
  KeyScheme,
  LiveEvent,
  LiveSessionOptions,
  SessionRef,
  decodeLiveEvent,
} from '@streamscribe/contracts';
import {
  LIVE_TRANSCRIBER,
  LiveConnection,
  LiveConnectionHandlers,
  LiveTranscriber,
  TranscriptionProvider,
} from '@streamscribe/providers';
import { FakeTranscriptionProvider, RedisHarness, until } from '@streamscribe/testing';
import { LIVE_SESSION_RUNNER, TranscriptionWorkerModule } from '../transcription-worker.module';
import { WORKER_ENVIRONMENT } from '../tokens';
import { WorkerEnvironment } from '../worker-environment';
import { LiveSessionRunner } from './live-session-runner';

jest.setTimeout(30_000);

/** Answers every connection's audio with one final per second of it (session clock from its first byte). */
class CountingTranscriber implements LiveTranscriber {
  readonly name = 'deepgram' as const;
  closed = false;
  readonly builtOver: TranscriptionProvider[] = [];

  async open(_options: LiveSessionOptions, handlers: LiveConnectionHandlers): Promise<LiveConnection> {
    let bytes = 0;
    let answered = 0;
    return {
      send: (audio) => {
        bytes += audio.length;
        while (bytes - answered >= 32000) {
          handlers.onEvent({
            type: 'transcript',
            isFinal: true,
            speechFinal: false,
            fromFinalize: false,
            start: answered / 32000,
            duration: 1,
            transcript: 'second',
            confidence: 1,
            words: [{ word: 'second', start: answered / 32000, end: answered / 32000 + 1, confidence: 1 }],
          });
          answered += 32000;
        }
      },
      finalize: () => undefined,
      close: async () => undefined,
      abort: () => undefined,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('TranscriptionWorkerModule serving live sessions', () => {
  let harness: RedisHarness;
  let redis: Redis;
  const keys = new KeyScheme();
  const saved = { ...process.env };

  beforeAll(async () => {
    harness = await RedisHarness.start();
    redis = harness.client();
  });
  afterAll(async () => {
    process.env = saved;
    redis?.disconnect();
    await harness?.close();
  });

  async function openAndAssign(id: string): Promise<SessionRef> {
    const ref = keys.session('default', id);
    const options: LiveSessionOptions = {
      format: { encoding: 'linear16', sampleRate: 16000, channels: 1 },
      interimResults: false,
      endpointingMs: 10,
      vadEvents: false,
      keyterms: [],
      hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
    };
    await redis.hset(keys.liveStateKey(ref), {
      options: JSON.stringify(options),
      epoch: 1,
      provider: 'deepgram',
      received: 0,
      finalized: 0,
      status: 'open',
    });
    await redis.xadd(keys.liveJobsStream('deepgram'), '*', 'tenant', ref.tenant, 'session', id, 'epoch', 1);
    return ref;
  }
  const events = async (ref: SessionRef) =>
    (await redis.xrange(keys.liveEventsKey(ref), '-', '+')).map(
      ([, f]) => decodeLiveEvent(f[1]) as LiveEvent,
    );

  const batchProvider = () => new FakeTranscriptionProvider('deepgram') as unknown as TranscriptionProvider;

  /** The module is built after the environment is set: ConfigModule.forRoot reads it when called. */
  async function start(build: () => DynamicModule, consumer: string): Promise<INestApplicationContext> {
    process.env = { ...saved, REDIS_URL: harness.url, CONSUMER_NAME: consumer, LIVE_BLOCK_MS: '100' };
    const app = await NestFactory.createApplicationContext(build(), { logger: false });
    await app.init();
    return app;
  }

  /** A session served to its close, another open one handed back when the app shuts down. */
  async function serveAndDrain(app: INestApplicationContext, consumer: string, live: CountingTranscriber) {
    expect(app.get(LIVE_SESSION_RUNNER)).toBeInstanceOf(LiveSessionRunner);
    const served = await openAndAssign(`served-${consumer}`);
    await redis.xadd(keys.liveAudioLogKey(served), '*', 'o', 0, 'a', Buffer.alloc(64000));
    await redis.hset(keys.liveStateKey(served), 'received', 64000);
    await redis.xadd(keys.liveAudioLogKey(served), '*', 'o', 64000, 'c', 'close');
    const done = await until(
      () => events(served),
      (e) => e.some((x) => x.type === 'closed'),
    );
    expect(done.map((x) => x.type)).toEqual(['started', 'results', 'results', 'closed']);

    const open = await openAndAssign(`still-open-${consumer}`);
    await until(
      () => events(open),
      (e) => e.some((x) => x.type === 'started'),
    );
    await app.close();
    expect((await events(open)).at(-1)).toMatchObject({
      type: 'failed',
      code: 'worker_draining',
      worker: consumer,
    });
    expect(await redis.exists(keys.liveLeaseKey(open))).toBe(0);
    expect(live.closed).toBe(true);
  }

  it('runs live sessions with createLiveTranscriber, and hands them back on shutdown', async () => {
    const live = new CountingTranscriber();
    const app = await start(
      () =>
        TranscriptionWorkerModule.forProvider({
          provider: 'deepgram',
          environment: WorkerEnvironment,
          createProvider: batchProvider,
          createLiveTranscriber: (_env, batch) => {
            live.builtOver.push(batch);
            return live;
          },
        }),
      'deepgram-live-1',
    );
    expect(live.builtOver).toHaveLength(1);
    await serveAndDrain(app, 'deepgram-live-1', live);
  });

  it('runs them with a LIVE_TRANSCRIBER the app adds to the module itself', async () => {
    const live = new CountingTranscriber();
    const module = (): DynamicModule => {
      const worker = TranscriptionWorkerModule.forProvider({
        provider: 'deepgram',
        environment: WorkerEnvironment,
        createProvider: batchProvider,
      });
      return {
        ...worker,
        providers: [
          ...(worker.providers ?? []),
          { provide: LIVE_TRANSCRIBER, inject: [WORKER_ENVIRONMENT], useFactory: () => live },
        ],
      };
    };
    await serveAndDrain(await start(module, 'deepgram-live-2'), 'deepgram-live-2', live);
  });

  it('runs no live sessions without one', async () => {
    const app = await start(
      () =>
        TranscriptionWorkerModule.forProvider({
          provider: 'deepgram',
          environment: WorkerEnvironment,
          createProvider: batchProvider,
        }),
      'deepgram-batch-only',
    );
    expect(app.get(LIVE_SESSION_RUNNER)).toBeNull();
    await app.close();
  });
});
