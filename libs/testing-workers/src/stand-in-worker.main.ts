import 'reflect-metadata';
import { isProviderName } from '@streamscribe/contracts';
import { TranscriptionWorkerModule, bootstrapWorker } from '@streamscribe/worker-runtime';
import { DeepgramProtocolStandIn } from './lib/deepgram-protocol-stand-in.provider';
import { StandInWorkerEnvironment } from './lib/stand-in-worker.environment';

/** TEST ONLY: a worker process for STAND_IN_PROVIDER's stream, backed by a Deepgram-protocol fake. */
const provider = process.env['STAND_IN_PROVIDER'] ?? '';
process.env['STREAMSCRIBE_APP'] ??= `stand-in-${provider}`;

if (!isProviderName(provider) || provider === 'deepgram') {
  process.stderr.write('stand-in worker: set STAND_IN_PROVIDER to whisper, parakeet or assemblyai\n');
  process.exit(2);
}

bootstrapWorker(
  TranscriptionWorkerModule.forProvider({
    provider,
    environment: StandInWorkerEnvironment,
    createProvider: (env) =>
      new DeepgramProtocolStandIn(provider, {
        url: env.STAND_IN_FAKE_URL,
        apiKey: env.STAND_IN_FAKE_API_KEY,
      }),
  }),
).catch((error: unknown) => {
  process.stderr.write(
    `stand-in worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
