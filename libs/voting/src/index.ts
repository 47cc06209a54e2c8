export { combineHypotheses, normalizeWord } from './lib/rover';
export type { Consensus, ConsensusMode, ConsensusOptions, Hypothesis } from './lib/rover';
