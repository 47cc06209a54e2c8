export { normaliseEnglishText } from './lib/normalise/english-text-normaliser';
export { alignWords, wordErrorRate, poolErrors } from './lib/wer/align-words';
export type { WordErrors } from './lib/wer/align-words';
