export { WorkerEnvironment } from './lib/worker-environment';
export { TranscriptionWorkerModule } from './lib/transcription-worker.module';
export { WORKER_ENVIRONMENT } from './lib/tokens';
export { bootstrapWorker } from './lib/bootstrap-worker';
export { LIVE_SESSION_RUNNER } from './lib/transcription-worker.module';
export { LiveSessionRunner } from './lib/live/live-session-runner';
export type { LiveSessionRunnerOptions } from './lib/live/live-session-runner';
export { LiveSession } from './lib/live/live-session';
export type { LiveSessionDeps, LiveSessionEnd, LiveWorkerSettings } from './lib/live/live-session';
