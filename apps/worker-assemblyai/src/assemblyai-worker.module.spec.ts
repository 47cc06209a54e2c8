import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { AssemblyAILiveTranscriber, LIVE_TRANSCRIBER, LiveTranscriberEvent } from '@streamscribe/providers';
import type { LiveTranscriber } from '@streamscribe/providers';
import {
  createTestCertificates,
  FakeAssemblyAIServer,
  RedisHarness,
  spokenScript,
  trustTestCertificateAuthority,
} from '@streamscribe/testing';

jest.setTimeout(30_000);

describe('AssemblyAIWorkerModule live wiring', () => {
  let dir: string;
  let harness: RedisHarness;
  let fake: FakeAssemblyAIServer;
  let untrust: () => void;
  const saved = { ...process.env };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aai-worker-live-'));
    const certs = createTestCertificates(dir);
    untrust = trustTestCertificateAuthority(readFileSync(certs.caFile));
    harness = await RedisHarness.start();
    fake = await FakeAssemblyAIServer.start({
      tls: { cert: readFileSync(certs.serverCertFile), key: readFileSync(certs.serverKeyFile) },
    });
    Object.assign(process.env, {
      REDIS_URL: harness.url,
      ASSEMBLYAI_API_KEY: fake.apiKey,
      ASSEMBLYAI_BASE_URL: fake.url,
      ASSEMBLYAI_STREAMING_MODEL: 'universal-streaming-multilingual',
      PORT: '0',
    });
  });

  afterAll(async () => {
    process.env = saved;
    await fake.close();
    await harness.close();
    untrust();
    rmSync(dir, { recursive: true, force: true });
  });

  it('provides LIVE_TRANSCRIBER: AssemblyAI streaming at the URL derived from ASSEMBLYAI_BASE_URL', async () => {
    // ConfigModule reads the environment when the module is built: import it once env is set.
    const { AssemblyAIWorkerModule } = await import('./assemblyai-worker.module');
    const moduleRef = await NestFactory.createApplicationContext(AssemblyAIWorkerModule, {
      logger: false,
      abortOnError: false,
    });
    try {
      const live = moduleRef.get<LiveTranscriber>(LIVE_TRANSCRIBER);
      expect(live).toBeInstanceOf(AssemblyAILiveTranscriber);
      const script = spokenScript([{ words: ['wired', 'up'], startMs: 100 }], { totalMs: 1500 });
      const events: LiveTranscriberEvent[] = [];
      const connection = await live.open(
        {
          format: { encoding: 'linear16', sampleRate: 16_000, channels: 1 },
          interimResults: false,
          endpointingMs: 300,
          vadEvents: false,
          keyterms: [],
          hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: false },
        },
        { onEvent: (event) => events.push(event), onFailure: (error) => events.push(error as never) },
      );
      connection.send(script.pcm);
      await connection.close();
      expect(events).toMatchObject([{ type: 'transcript', isFinal: true, transcript: 'wired up' }]);
      expect(fake.streamingConnections[0].query['speech_model']).toBe('universal-streaming-multilingual');
    } finally {
      await moduleRef.close();
    }
  });
});
