import 'reflect-metadata';
import { exitOnStartFailure } from '@streamscribe/observability';
import { bootstrapWorker } from '@streamscribe/worker-runtime';
import { ParakeetWorkerModule } from './parakeet-worker.module';

process.env['STREAMSCRIBE_APP'] ??= 'worker-parakeet';

bootstrapWorker(ParakeetWorkerModule).catch(exitOnStartFailure('worker-parakeet'));
