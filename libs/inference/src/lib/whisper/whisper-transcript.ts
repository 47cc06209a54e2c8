import type { WordTiming } from '@streamscribe/contracts';
import { geometricMeanProbability } from '../runtime/scores';
import type { ByteLevelBpeDecoder } from './byte-level-bpe-decoder';
import { compressionRatio } from './decoding/temperature-fallback';
import { DecodedTokens, averageLogProb } from './decoding/whisper-decoded-tokens';
import type { WhisperSpecialTokens } from './whisper-special-tokens';

export interface WhisperSegment {
  start: number;
  end: number;
  text: string;
}

export interface WindowTranscript {
  text: string;
  segments: WhisperSegment[];
  words: WordTiming[];
  /** Natural-log probabilities of the text tokens. */
  logProbs: number[];
  /** How the window was decoded, as faster-whisper reports it per segment. */
  decoding: { temperature: number; avgLogProb: number; compressionRatio: number; noSpeechProb: number };
}

/**
 * Turns one window's tokens into text, segments and words. Segments come from timestamp pairs
 * (without timestamps, or without a closing one, a segment runs to the window's end). Words
 * start at tokens with a leading space; Whisper gives no word times, so they are spread over
 * their segment by length. A word's confidence is the geometric mean of its tokens' probabilities.
 * A window the decoder judged silence has no text.
 */
export function windowTranscript(decoded: DecodedTokens, offsetSeconds: number, durationSeconds: number, tokenizer: ByteLevelBpeDecoder, tokens: WhisperSpecialTokens): WindowTranscript {
  const segments: WhisperSegment[] = [];
  const words: WordTiming[] = [];
  const logProbs: number[] = [];
  let start = 0;
  const decoding = { temperature: decoded.temperature, avgLogProb: averageLogProb(decoded), compressionRatio: 0, noSpeechProb: decoded.noSpeechProb };
  if (decoded.silent) return { text: '', segments, words, logProbs, decoding };
  let current: { ids: number[]; logProbs: number[] } = { ids: [], logProbs: [] };
  const close = (end: number) => {
    if (current.ids.length > 0) {
      const segment = { start: offsetSeconds + start, end: offsetSeconds + Math.max(end, start), text: tokenizer.decode(current.ids).trim() };
      segments.push(segment);
      words.push(...spreadWords(current, segment, tokenizer));
    }
    current = { ids: [], logProbs: [] };
  };
  decoded.tokens.forEach((id, i) => {
    if (tokens.isTimestamp(id)) {
      const seconds = Math.min(tokens.secondsOf(id), durationSeconds);
      if (current.ids.length > 0) close(seconds);
      start = seconds;
    } else if (id < tokens.endOfText) {
      current.ids.push(id);
      current.logProbs.push(decoded.logProbs[i]);
      logProbs.push(decoded.logProbs[i]);
    }
  });
  close(durationSeconds);
  const text = segments.map((s) => s.text).join(' ').trim();
  return { text, segments, words, logProbs, decoding: { ...decoding, compressionRatio: compressionRatio(text) } };
}

function spreadWords(tokens: { ids: number[]; logProbs: number[] }, segment: WhisperSegment, tokenizer: ByteLevelBpeDecoder): WordTiming[] {
  const groups: { ids: number[]; logProbs: number[] }[] = [];
  tokens.ids.forEach((id, i) => {
    const startsWord = (tokenizer.tokenOf(id) ?? '').startsWith('Ġ') || groups.length === 0;
    if (startsWord) groups.push({ ids: [], logProbs: [] });
    groups[groups.length - 1].ids.push(id);
    groups[groups.length - 1].logProbs.push(tokens.logProbs[i]);
  });
  const texts = groups.map((g) => tokenizer.decode(g.ids).trim());
  const totalChars = texts.reduce((sum, t) => sum + t.length, 0) || 1;
  const span = segment.end - segment.start;
  let cursor = segment.start;
  return groups.flatMap((g, i) => {
    if (texts[i] === '') return [];
    const end = cursor + (span * texts[i].length) / totalChars;
    const word = { word: texts[i], start: round(cursor), end: round(end), confidence: geometricMeanProbability(g.logProbs) };
    cursor = end;
    return [word];
  });
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
