/** One window's decoding result. */
export interface DecodedTokens {
  /** Generated tokens after the prompt, without the final end-of-text. */
  tokens: number[];
  /** Natural-log probability of each of those tokens when it was chosen (after the logits rules). */
  logProbs: number[];
  /** Their sum, plus end-of-text's when the decoder chose it (openai/whisper's sum_logprobs). */
  sumLogProb: number;
  /** Temperature of the pass that produced it (0: beam search or greedy). */
  temperature: number;
  /** Probability of <|nospeech|> right after start-of-transcript, from the first decoder run. */
  noSpeechProb: number;
  /** The window counts as silence (see WhisperDecodingOptions.noSpeechThreshold): no text. */
  silent?: boolean;
  /**
   * Cross-attention of the alignment heads when each token (and then end-of-text) was predicted:
   * per step, per head, the encoder frames. Only from exports that output cross-attentions.
   */
  attention?: Float32Array[][];
}

/** openai/whisper's avg_logprob: the sum over the tokens and end-of-text. */
export function averageLogProb(decoded: DecodedTokens): number {
  return decoded.sumLogProb / (decoded.tokens.length + 1);
}
