import 'reflect-metadata';
import { bootstrapWorker } from '@streamscribe/worker-runtime';
import { ParakeetWorkerModule } from './parakeet-worker.module';

process.env['STREAMSCRIBE_APP'] ??= 'worker-parakeet';

bootstrapWorker(ParakeetWorkerModule).catch((error: unknown) => {
  process.stderr.write(
    `worker-parakeet failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
