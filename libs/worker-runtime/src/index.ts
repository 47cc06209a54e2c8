export { WorkerEnvironment } from './lib/worker-environment';
export { TranscriptionWorkerModule } from './lib/transcription-worker.module';
export { bootstrapWorker } from './lib/bootstrap-worker';
export { WORKER_ENVIRONMENT } from './lib/tokens';
