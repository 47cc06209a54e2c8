/**
 * How Whisper picks its tokens, as openai/whisper's DecodingOptions and transcribe() and
 * faster-whisper's TranscriptionOptions name them. Plain data, so a window can carry it.
 */
export interface WhisperDecodingOptions {
  /** Beams per window at temperature 0; 1 decodes greedily. */
  beamSize: number;
  /** A window's beam search ends once round(beamSize × patience) candidates have finished. */
  patience: number;
  /**
   * Finished candidates rank by sumLogProb / length ** lengthPenalty (faster-whisper's and
   * CTranslate2's rule; length counts the tokens before end-of-text): 1 is the mean log-probability
   * (openai/whisper's default ranking too), 0 the plain sum, which favours short transcripts.
   */
  lengthPenalty: number;
  /**
   * The temperature ladder: a window is decoded at the first, and again at each next one while
   * its result fails a threshold below. Temperature 0 is beam search (or greedy); above 0,
   * bestOf samples are drawn per window and ranked like beams.
   */
  temperatures: readonly number[];
  bestOf: number;
  /** gzip-style compression ratio of the text above which it counts as a repetition loop; undefined never. */
  compressionRatioThreshold?: number;
  /** Mean log-probability (end-of-text included) below which a result fails; undefined never. */
  logProbThreshold?: number;
  /**
   * Probability of <|nospeech|> at start-of-transcript above which a window that also fails
   * logProbThreshold is silence: it is not decoded again, and its text is dropped.
   */
  noSpeechThreshold?: number;
  /** Seed of the sampling generator: the same seed and audio give the same samples. */
  seed: number;
}

/** One greedy pass, no fallback: what the engine does when a window names no options. */
export const GREEDY_DECODING: WhisperDecodingOptions = {
  beamSize: 1,
  patience: 1,
  lengthPenalty: 1,
  temperatures: [0],
  bestOf: 1,
  seed: 0,
};

/** faster-whisper's transcribe() defaults, which the classic Python worker ran with. */
export const FASTER_WHISPER_DECODING: WhisperDecodingOptions = {
  beamSize: 5,
  patience: 1,
  lengthPenalty: 1,
  temperatures: [0, 0.2, 0.4, 0.6, 0.8, 1],
  bestOf: 5,
  compressionRatioThreshold: 2.4,
  logProbThreshold: -1,
  noSpeechThreshold: 0.6,
  seed: 0,
};
