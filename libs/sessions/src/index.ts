export { DEFAULT_SESSIONS_OPTIONS, sessionsOptionsFrom } from './lib/sessions-options';
export { ChunkIngestor } from './lib/chunk-ingestor';
export type { IngestOutcome } from './lib/chunk-ingestor';
export { readIndexedResult, ResultStore } from './lib/result-store';
export { ResultWatcher } from './lib/result-watcher';
export type { Transcript, TranscriptChunk } from './lib/transcript';
export { assembleTranscript, TranscriptReader } from './lib/transcript-reader';
export { readProviderCostTotals } from './lib/cost-totals';
export type { CostTotals } from './lib/cost-totals';
