import 'reflect-metadata';
import { exitOnStartFailure } from '@streamscribe/observability';
import { bootstrapWorker } from '@streamscribe/worker-runtime';
import { WhisperWorkerModule } from './whisper-worker.module';

process.env['STREAMSCRIBE_APP'] ??= 'worker-whisper';

bootstrapWorker(WhisperWorkerModule).catch(exitOnStartFailure('worker-whisper'));
