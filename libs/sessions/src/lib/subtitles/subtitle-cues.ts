import type { WordTiming } from '@streamscribe/contracts';
import type { Transcript } from '../transcript';

/** One subtitle cue: seconds on the session's clock, at most `maxLines` lines of text. */
export interface SubtitleCue {
  start: number;
  end: number;
  lines: string[];
  /** The speaker of every word in the cue, when the words are diarized (a cue never mixes speakers). */
  speaker?: number;
}

export interface SubtitleLayout {
  /** @defaultValue 42 (the common broadcast limit) */
  maxLineChars: number;
  /** @defaultValue 2 */
  maxLines: number;
  /** @defaultValue 7 */
  maxCueSeconds: number;
  /** A silence at least this long ends a cue. @defaultValue 0.6 */
  pauseSeconds: number;
  /** A cue at least this full (of its characters) ends after a word ending a clause. @defaultValue 0.5 */
  punctuationBreakFill: number;
}

export const DEFAULT_SUBTITLE_LAYOUT: SubtitleLayout = {
  maxLineChars: 42,
  maxLines: 2,
  maxCueSeconds: 7,
  pauseSeconds: 0.6,
  punctuationBreakFill: 0.5,
};

const CLAUSE_END = /[.?!,;:…]["')\]]?$/;

/**
 * Subtitle cues from a transcript's words (seconds on the session's clock): a cue ends at a pause,
 * a speaker change, after a clause once it is reasonably full, or before it would exceed the line
 * layout or `maxCueSeconds`. A chunk without word times (a provider that gives none) becomes cues of
 * its text over the chunk's span, so nothing said is left out of the subtitles.
 */
export function subtitleCues(transcript: Transcript, layout: Partial<SubtitleLayout> = {}): SubtitleCue[] {
  const rules = { ...DEFAULT_SUBTITLE_LAYOUT, ...layout };
  const cues: SubtitleCue[] = [];
  for (const chunk of transcript.chunks) {
    if (chunk.status !== 'ok') continue;
    if (chunk.words && chunk.words.length > 0) cues.push(...cuesOfWords(chunk.words, rules));
    else if (chunk.text?.trim() && chunk.start !== undefined && chunk.end !== undefined)
      cues.push(...cuesOfText(chunk.text.trim(), chunk.start, chunk.end, rules));
  }
  return cues.sort((a, b) => a.start - b.start);
}

function cuesOfWords(words: WordTiming[], rules: SubtitleLayout): SubtitleCue[] {
  const cues: SubtitleCue[] = [];
  let current: WordTiming[] = [];
  const flush = () => {
    if (current.length === 0) return;
    cues.push({
      start: current[0].start,
      end: Math.max(current[current.length - 1].end, current[0].start),
      lines: wrap(
        current.map((w) => w.word),
        rules.maxLineChars,
      ),
      ...(current[0].speaker !== undefined ? { speaker: current[0].speaker } : {}),
    });
    current = [];
  };
  for (const word of words) {
    const previous = current[current.length - 1];
    if (previous) {
      const texts = [...current, word].map((w) => w.word);
      const tooLong = word.end - current[0].start > rules.maxCueSeconds;
      const tooWide = wrap(texts, rules.maxLineChars).length > rules.maxLines;
      const paused = word.start - previous.end >= rules.pauseSeconds;
      const otherSpeaker = word.speaker !== previous.speaker;
      const clauseDone =
        CLAUSE_END.test(previous.word) &&
        joinedLength(current) >= rules.punctuationBreakFill * rules.maxLineChars * rules.maxLines;
      if (tooLong || tooWide || paused || otherSpeaker || clauseDone) flush();
    }
    current.push(word);
  }
  flush();
  return cues;
}

/** Text without word times: spread over the span in as many cues as the layout needs. */
function cuesOfText(text: string, start: number, end: number, rules: SubtitleLayout): SubtitleCue[] {
  const words = text.split(/\s+/);
  const lines = wrap(words, rules.maxLineChars);
  const groups: string[][] = [];
  for (let i = 0; i < lines.length; i += rules.maxLines) groups.push(lines.slice(i, i + rules.maxLines));
  const cueCount = Math.max(groups.length, Math.ceil((end - start) / rules.maxCueSeconds));
  const span = (end - start) / cueCount;
  const perCue = Math.ceil(groups.length / cueCount);
  const cues: SubtitleCue[] = [];
  for (let i = 0; i * perCue < groups.length; i++) {
    cues.push({
      start: start + i * span,
      end: start + (i + 1) * span,
      lines: groups.slice(i * perCue, (i + 1) * perCue).flat(),
    });
  }
  return cues;
}

/** Greedy line wrap; a single word longer than a line gets a line of its own. */
function wrap(words: string[], maxLineChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (!line) line = word;
    else if (line.length + 1 + word.length <= maxLineChars) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function joinedLength(words: WordTiming[]): number {
  return words.reduce((sum, w, i) => sum + w.word.length + (i > 0 ? 1 : 0), 0);
}
