import type { WordTiming } from '@streamscribe/contracts';
import { geometricMeanProbability } from '../runtime/scores';
import type { ByteLevelBpeDecoder } from './byte-level-bpe-decoder';
import { ENCODER_FRAMES_PER_SECOND, tokenStartTimes } from './alignment/token-times';
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
 * start at tokens with a leading space. Their times come from the cross-attention alignment when
 * the export provided it (decoded.attention); otherwise they are spread over their segment by
 * length. A word's confidence is the geometric mean of its tokens' probabilities. A window the
 * decoder judged silence has no text.
 */
export function windowTranscript(
  decoded: DecodedTokens,
  offsetSeconds: number,
  durationSeconds: number,
  tokenizer: ByteLevelBpeDecoder,
  tokens: WhisperSpecialTokens,
): WindowTranscript {
  const segments: WhisperSegment[] = [];
  const words: WordTiming[] = [];
  const logProbs: number[] = [];
  let start = 0;
  const decoding = {
    temperature: decoded.temperature,
    avgLogProb: averageLogProb(decoded),
    compressionRatio: 0,
    noSpeechProb: decoded.noSpeechProb,
  };
  if (decoded.silent) return { text: '', segments, words, logProbs, decoding };
  const window = {
    offset: offsetSeconds,
    duration: durationSeconds,
    starts: alignedStarts(decoded, tokens, durationSeconds),
  };
  let current: TextTokens = { ids: [], logProbs: [], ordinals: [] };
  const close = (end: number) => {
    if (current.ids.length > 0) {
      const segment = {
        start: offsetSeconds + start,
        end: offsetSeconds + Math.max(end, start),
        text: tokenizer.decode(current.ids).trim(),
      };
      segments.push(segment);
      words.push(...timedWords(current, segment, window, tokenizer));
    }
    current = { ids: [], logProbs: [], ordinals: [] };
  };
  decoded.tokens.forEach((id, i) => {
    if (tokens.isTimestamp(id)) {
      const seconds = Math.min(tokens.secondsOf(id), durationSeconds);
      if (current.ids.length > 0) close(seconds);
      start = seconds;
    } else if (id < tokens.endOfText) {
      current.ids.push(id);
      current.logProbs.push(decoded.logProbs[i]);
      current.ordinals.push(logProbs.length);
      logProbs.push(decoded.logProbs[i]);
    }
  });
  close(durationSeconds);
  const text = segments
    .map((s) => s.text)
    .join(' ')
    .trim();
  return {
    text,
    segments,
    words,
    logProbs,
    decoding: { ...decoding, compressionRatio: compressionRatio(text) },
  };
}

/** A segment's text tokens, each with its ordinal among the window's text tokens. */
interface TextTokens {
  ids: number[];
  logProbs: number[];
  ordinals: number[];
}

interface WindowTiming {
  offset: number;
  duration: number;
  /** Per text token (then end-of-text), its aligned start in seconds from the window's start. */
  starts?: number[];
}

/**
 * Token starts from the attention rows of the text tokens and, when the decoder chose it,
 * end-of-text (which marks where the last word ends); timestamp tokens' rows are left out.
 */
function alignedStarts(
  decoded: DecodedTokens,
  tokens: WhisperSpecialTokens,
  durationSeconds: number,
): number[] | undefined {
  if (!decoded.attention) return undefined;
  const rows = decoded.tokens.flatMap((id, i) =>
    id < tokens.endOfText && decoded.attention?.[i] ? [decoded.attention[i]] : [],
  );
  const endOfText = decoded.attention[decoded.tokens.length];
  if (endOfText) rows.push(endOfText);
  return tokenStartTimes(rows, Math.ceil(durationSeconds * ENCODER_FRAMES_PER_SECOND));
}

function timedWords(
  text: TextTokens,
  segment: WhisperSegment,
  window: WindowTiming,
  tokenizer: ByteLevelBpeDecoder,
): WordTiming[] {
  const groups: TextTokens[] = [];
  text.ids.forEach((id, i) => {
    const startsWord = (tokenizer.tokenOf(id) ?? '').startsWith('Ġ') || groups.length === 0;
    if (startsWord) groups.push({ ids: [], logProbs: [], ordinals: [] });
    const group = groups[groups.length - 1];
    group.ids.push(id);
    group.logProbs.push(text.logProbs[i]);
    group.ordinals.push(text.ordinals[i]);
  });
  const texts = groups.map((g) => tokenizer.decode(g.ids).trim());
  const totalChars = texts.reduce((sum, t) => sum + t.length, 0) || 1;
  const span = segment.end - segment.start;
  const within = (seconds: number) =>
    Math.min(Math.max(window.offset + seconds, window.offset), window.offset + window.duration);
  let cursor = segment.start;
  return groups.flatMap((g, i) => {
    if (texts[i] === '') return [];
    let start = cursor;
    let end = cursor + (span * texts[i].length) / totalChars;
    const starts = window.starts;
    if (starts) {
      start = within(starts[g.ordinals[0]]);
      const next = starts[g.ordinals[g.ordinals.length - 1] + 1];
      end = next === undefined ? segment.end : Math.max(start, within(next));
    }
    cursor = end;
    return [
      {
        word: texts[i],
        start: round(start),
        end: round(end),
        confidence: geometricMeanProbability(g.logProbs),
      },
    ];
  });
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
