export { combineHypotheses } from './lib/rover';
export type { Consensus } from './lib/rover';
