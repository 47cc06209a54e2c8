export { WorkerEnvironment } from './lib/worker-environment';
export { TranscriptionWorkerModule } from './lib/transcription-worker.module';
export { WORKER_ENVIRONMENT } from './lib/tokens';
export { bootstrapWorker } from './lib/bootstrap-worker';
