import type { WordTiming } from '@streamscribe/contracts';
import type { Transcript, TranscriptChunk } from '../transcript';
import { subtitleCues } from './subtitle-cues';
import { formatSrt, formatVtt } from './subtitle-formats';
import { transcriptAs } from './transcript-formats';

// The WebVTT parser and validator from npm (no types of its own).
const { WebVTTParser } = require('webvtt-parser') as {
  WebVTTParser: new () => {
    parse(
      text: string,
      mode: string,
    ): { errors: { message: string }[]; cues: { startTime: number; endTime: number; text: string }[] };
  };
};

function transcriptOf(chunks: Partial<TranscriptChunk>[]): Transcript {
  return {
    sessionId: 's',
    complete: true,
    chunkCount: chunks.length,
    resultCount: chunks.length,
    failedCount: 0,
    chunks: chunks.map((c, i) => ({ chunkId: `c${i}`, status: 'ok', ...c })),
    text: chunks.map((c) => c.text ?? '').join(' '),
    cost: { totalUsd: 0, byProvider: {} },
  };
}

/** Words of `text` one after another, `step` seconds apart, each lasting `length`. */
function wordsAt(text: string, from: number, step = 0.4, length = 0.3, speaker?: number): WordTiming[] {
  return text.split(' ').map((word, i) => ({
    word,
    start: from + i * step,
    end: from + i * step + length,
    confidence: 0.9,
    ...(speaker !== undefined ? { speaker } : {}),
  }));
}

describe('subtitle cues', () => {
  it('keep two lines of at most 42 characters and 7 s per cue, every word once, in order', () => {
    const text = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const cues = subtitleCues(transcriptOf([{ words: wordsAt(text, 100) }]));
    expect(cues.flatMap((c) => c.lines.join(' ').split(' '))).toEqual(text.split(' '));
    for (const cue of cues) {
      expect(cue.lines.length).toBeLessThanOrEqual(2);
      for (const line of cue.lines) expect(line.length).toBeLessThanOrEqual(42);
      expect(cue.end - cue.start).toBeLessThanOrEqual(7);
    }
    expect(cues[0].start).toBe(100);
  });

  it('end a cue at a pause, at a speaker change, and after a clause once it is half full', () => {
    const words = [
      ...wordsAt('one two', 0),
      ...wordsAt('three four', 5), // a pause of ~4 s
      ...wordsAt('five six', 6, 0.4, 0.3, 1), // another speaker
      ...wordsAt('the quick brown fox jumped over the lazy dog again, and then it', 20),
    ];
    const cues = subtitleCues(transcriptOf([{ words }]));
    expect(cues.map((c) => c.lines.join(' '))).toEqual([
      'one two',
      'three four',
      'five six',
      'the quick brown fox jumped over the lazy dog again,',
      'and then it',
    ]);
    expect(cues[2].speaker).toBe(1);
  });

  it('spread a chunk without word times over its span', () => {
    const cues = subtitleCues(transcriptOf([{ text: 'hello there', start: 30, end: 32 }]));
    expect(cues).toEqual([{ start: 30, end: 32, lines: ['hello there'] }]);
  });

  it('write SubRip and WebVTT with times on the session clock and speaker labels', () => {
    const transcript = transcriptOf([
      { text: 'hello <world>', words: wordsAt('hello <world>', 3661.5, 0.4, 0.3, 2) },
    ]);
    expect(formatSrt(subtitleCues(transcript))).toBe(
      '1\n01:01:01,500 --> 01:01:02,200\n[Speaker 2] hello <world>\n',
    );
    expect(formatVtt(subtitleCues(transcript))).toBe(
      'WEBVTT\n\n01:01:01.500 --> 01:01:02.200\n<v Speaker 2>hello &lt;world&gt;\n',
    );
    expect(transcriptAs(transcript, 'text')).toEqual({
      contentType: 'text/plain; charset=utf-8',
      body: 'hello <world>\n',
    });
    expect(formatVtt([])).toBe('WEBVTT\n');
  });

  it('write WebVTT that a standard parser reads without errors, cue for cue', () => {
    const words = [
      ...wordsAt('a <tag> & more words here than one line can hold, across', 0.5, 0.4, 0.3, 0),
      ...wordsAt('-->arrows and a second speaker', 9, 0.4, 0.3, 1),
    ];
    const cues = subtitleCues(transcriptOf([{ words }]));
    const tree = new WebVTTParser().parse(formatVtt(cues), 'metadata');
    expect(tree.errors.map((e) => e.message)).toEqual([]);
    expect(tree.cues.map((c) => [c.startTime, c.endTime])).toEqual(cues.map((c) => [c.start, c.end]));
  });
});
