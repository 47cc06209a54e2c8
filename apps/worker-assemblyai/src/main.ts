import 'reflect-metadata';
import { bootstrapWorker } from '@streamscribe/worker-runtime';
import { AssemblyAIWorkerModule } from './assemblyai-worker.module';

process.env['STREAMSCRIBE_APP'] ??= 'worker-assemblyai';

bootstrapWorker(AssemblyAIWorkerModule).catch((error: unknown) => {
  process.stderr.write(
    `worker-assemblyai failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
