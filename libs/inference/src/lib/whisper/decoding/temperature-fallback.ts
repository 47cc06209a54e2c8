import { deflateSync } from 'node:zlib';
import type { WhisperDecodingOptions } from './whisper-decoding-options';

/** What the fallback rule looks at in one window's result. */
export interface DecodeQuality {
  compressionRatio: number;
  avgLogProb: number;
  noSpeechProb: number;
}

/**
 * openai/whisper's gzip compression ratio: UTF-8 bytes over zlib-compressed bytes (default
 * level, as Python's zlib.compress). A repetition loop compresses well, so its ratio is high.
 */
export function compressionRatio(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length === 0 ? 0 : bytes.length / deflateSync(bytes).length;
}

/**
 * Whether to decode a window again at the next temperature (openai/whisper transcribe's
 * decode_with_fallback): too repetitive or too improbable, unless it is silence — then a hotter
 * sample would only invent words.
 */
export function needsFallback(quality: DecodeQuality, options: WhisperDecodingOptions): boolean {
  const repetitive =
    options.compressionRatioThreshold !== undefined &&
    quality.compressionRatio > options.compressionRatioThreshold;
  const improbable = options.logProbThreshold !== undefined && quality.avgLogProb < options.logProbThreshold;
  return (repetitive || improbable) && !isSilence(quality, options);
}

/** openai/whisper's no-speech rule: <|nospeech|> likely and the text improbable. */
export function isSilence(quality: DecodeQuality, options: WhisperDecodingOptions): boolean {
  if (options.noSpeechThreshold === undefined || quality.noSpeechProb <= options.noSpeechThreshold)
    return false;
  return options.logProbThreshold !== undefined && quality.avgLogProb < options.logProbThreshold;
}
