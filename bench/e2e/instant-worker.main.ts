// BENCH ONLY: a worker process whose provider answers at once, so the benchmark measures the
// fabric (router, streams, worker runtime, result writes) and no provider. It consumes the
// `deepgram` stream because the router needs a live fleet to route to; it is not Deepgram.
import 'reflect-metadata';
import { ProviderTranscript, TranscriptionProvider } from '@streamscribe/providers';
import { TranscriptionWorkerModule, WorkerEnvironment, bootstrapWorker } from '@streamscribe/worker-runtime';

class InstantProvider implements TranscriptionProvider {
  readonly name = 'deepgram' as const;
  readonly capabilities = {
    languages: 'any' as const,
    diarization: false,
    wordTimestamps: false,
    streaming: true,
    maxAudioSeconds: 3600,
  };

  async transcribe(): Promise<ProviderTranscript> {
    return { text: 'instant', confidence: 1, words: [], durationSeconds: 0.1 };
  }
}

bootstrapWorker(
  TranscriptionWorkerModule.forProvider({
    provider: 'deepgram',
    environment: WorkerEnvironment,
    createProvider: () => new InstantProvider(),
  }),
).catch((error: unknown) => {
  process.stderr.write(
    `instant worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
