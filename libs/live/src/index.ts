// Live audio sessions in Redis: the router's side (libs/live/src/lib/router) and the worker's (libs/live/src/lib/worker).
export { LiveRouterStore } from './lib/router/live-router.store';
export type {
  AppendOutcome,
  AssignOutcome,
  LiveEventEntry,
  LiveSessionState,
} from './lib/router/live-router.store';
export {
  appendLiveControlScript,
  appendLiveFrameScript,
  assignLiveSessionScript,
  createLiveSessionScript,
  failLiveSessionScript,
} from './lib/router/live-router.scripts';
export { LiveAudioLogReader } from './lib/worker/live-audio-log-reader';
export type { LiveAudioLogReaderOptions, LiveLogBatch } from './lib/worker/live-audio-log-reader';
export { LiveWorkerStore } from './lib/worker/live-worker-store';
export type { LiveAssignment } from './lib/worker/live-worker-store';
export type { LiveLeaseVerdict, TakeLiveLeaseReply } from './lib/worker/scripts/take-live-lease.script';
