import 'reflect-metadata';
import { exitOnStartFailure } from '@streamscribe/observability';
import { bootstrapWorker } from '@streamscribe/worker-runtime';
import { DeepgramWorkerModule } from './deepgram-worker.module';

process.env['STREAMSCRIBE_APP'] ??= 'worker-deepgram';

bootstrapWorker(DeepgramWorkerModule).catch(exitOnStartFailure('worker-deepgram'));
