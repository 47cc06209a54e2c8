import 'reflect-metadata';
import { exitOnStartFailure } from '@streamscribe/observability';
import { bootstrapWorker } from '@streamscribe/worker-runtime';
import { AssemblyAIWorkerModule } from './assemblyai-worker.module';

process.env['STREAMSCRIBE_APP'] ??= 'worker-assemblyai';

bootstrapWorker(AssemblyAIWorkerModule).catch(exitOnStartFailure('worker-assemblyai'));
