import type { WhisperDecodingOptions } from './whisper-decoding-options';

/** What one window asks of the decoder. */
export interface WindowDecodeOptions {
  timestamps: boolean;
  /** Stop after this many generated tokens (the model's context bounds it too). */
  maxNewTokens: number;
  /** Benchmarks only: generate exactly this many tokens, ignoring end-of-text and the logits rules, so runs compare. */
  fixedSteps?: number;
  /** Undefined decodes greedily, once (GREEDY_DECODING). */
  decoding?: WhisperDecodingOptions;
}

/** Tokens a window may still generate after a prompt of promptLength. */
export function generationLimit(
  options: WindowDecodeOptions,
  promptLength: number,
  maxTargetPositions: number,
): number {
  return Math.min(options.fixedSteps ?? options.maxNewTokens, maxTargetPositions - promptLength);
}
