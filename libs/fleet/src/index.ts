export { AmbiguousDeadLetterId, DeadLetterStore } from './lib/dead-letters/dead-letter-store';
export type {
  DeadLetterListOptions,
  DeadLetterPage,
  RedriveOutcome,
} from './lib/dead-letters/dead-letter-store';
export { redriveRefusal } from './lib/dead-letters/redrive-target.check';
export type { RedriveRefusal, RedriveTargetOptions } from './lib/dead-letters/redrive-target.check';
export { readProviderLoads } from './lib/load/provider-loads.reader';
export { StreamLagCollector } from './lib/load/stream-lag.collector';
export { providerFleets } from './lib/load/stream-stats.reader';
