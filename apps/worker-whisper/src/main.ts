import 'reflect-metadata';
import { bootstrapWorker } from '@streamscribe/worker-runtime';
import { WhisperWorkerModule } from './whisper-worker.module';

process.env['STREAMSCRIBE_APP'] ??= 'worker-whisper';

bootstrapWorker(WhisperWorkerModule).catch((error: unknown) => {
  process.stderr.write(
    `worker-whisper failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
