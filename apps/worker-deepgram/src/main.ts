import 'reflect-metadata';
import { bootstrapWorker } from '@streamscribe/worker-runtime';
import { DeepgramWorkerModule } from './deepgram-worker.module';

process.env['STREAMSCRIBE_APP'] ??= 'worker-deepgram';

bootstrapWorker(DeepgramWorkerModule).catch((error: unknown) => {
  process.stderr.write(
    `worker-deepgram failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
