import { SPEECH_SAMPLE_RATE } from '../test-speech';

/**
 * "Speech" for live tests: words coded into 16 kHz mono 16-bit PCM at the times a script places
 * them, so a fake live provider can "recognise" them from any point in the stream. A replay from
 * the middle of a session, a reconnect, a frame split anywhere: the fake still finds each word
 * and knows where in the audio it sent the word started. That is what lets a test check that
 * words survive failover exactly once and that times are re-anchored onto the session's clock.
 *
 * Each word is a marker (four samples no silence or tone produces), its duration in ms, its UTF-8
 * length, one sample per byte, then a loud square wave until the word's end, so energy-based
 * detectors see speech too. Between words: silence.
 */
const MARKER = [0x5744, -0x5752, 0x444f, -0x5357] as const;
const BYTE_BASE = 1000;
const BYTE_STEP = 100;
const FILLER = 3000;
const MAX_WORD_BYTES = 64;
const HEADER = MARKER.length + 2;
const SAMPLE_BYTES = 2;

export interface ScriptedWord {
  word: string;
  /** Where the word starts in the audio, ms. */
  startMs: number;
  durationMs: number;
}

export interface ScriptedUtterance {
  words: string[];
  /** Where the utterance's first word starts, ms. */
  startMs: number;
}

export interface SpokenScriptOptions {
  /** Each word's length. @defaultValue 300 */
  wordMs?: number;
  /** Silence between words of one utterance. @defaultValue 60 */
  wordGapMs?: number;
  /** Total length; at least the last word's end. @defaultValue the last word's end + 1000 ms */
  totalMs?: number;
}

export interface SpokenScript {
  pcm: Buffer;
  words: ScriptedWord[];
  sampleRate: number;
}

/** Codes the utterances into PCM; words must not overlap. */
export function spokenScript(utterances: ScriptedUtterance[], opts: SpokenScriptOptions = {}): SpokenScript {
  const wordMs = opts.wordMs ?? 300;
  const gapMs = opts.wordGapMs ?? 60;
  const words: ScriptedWord[] = [];
  for (const utterance of utterances) {
    utterance.words.forEach((word, i) =>
      words.push({ word, startMs: utterance.startMs + i * (wordMs + gapMs), durationMs: wordMs }),
    );
  }
  words.sort((a, b) => a.startMs - b.startMs);
  const lastEnd = words.reduce((end, w) => Math.max(end, w.startMs + w.durationMs), 0);
  const totalMs = Math.max(opts.totalMs ?? lastEnd + 1000, lastEnd);
  const pcm = Buffer.alloc(msToSamples(totalMs) * SAMPLE_BYTES);
  let previousEnd = 0;
  for (const w of words) {
    const start = msToSamples(w.startMs);
    if (start < previousEnd)
      throw new RangeError(`word "${w.word}" at ${w.startMs} ms overlaps the one before`);
    previousEnd = writeWord(pcm, start, w);
  }
  return { pcm, words, sampleRate: SPEECH_SAMPLE_RATE };
}

function writeWord(pcm: Buffer, start: number, w: ScriptedWord): number {
  const bytes = Buffer.from(w.word, 'utf8');
  if (bytes.length === 0 || bytes.length > MAX_WORD_BYTES)
    throw new RangeError(`word "${w.word}" must be 1..${MAX_WORD_BYTES} UTF-8 bytes`);
  const end = start + msToSamples(w.durationMs);
  if (end - start < HEADER + bytes.length) throw new RangeError(`word "${w.word}" is too short to code`);
  const put = (i: number, value: number) => pcm.writeInt16LE(value, (start + i) * SAMPLE_BYTES);
  MARKER.forEach((value, i) => put(i, value));
  put(MARKER.length, w.durationMs);
  put(MARKER.length + 1, bytes.length);
  bytes.forEach((byte, i) => put(HEADER + i, byte * BYTE_STEP + BYTE_BASE));
  for (let i = HEADER + bytes.length; start + i < end; i++) put(i, i % 2 === 0 ? FILLER : -FILLER);
  return end;
}

/** A word found in a stream: where it starts, counted from the first byte pushed. */
export interface DetectedWord {
  word: string;
  startMs: number;
  endMs: number;
}

/**
 * Finds coded words in 16 kHz mono 16-bit PCM pushed in pieces of any size (odd byte counts
 * included); positions count from the first byte pushed.
 */
export class SpokenWordDetector {
  private pending = Buffer.alloc(0);
  /** Samples consumed before `pending`'s first byte. */
  private consumedSamples = 0;

  push(audio: Buffer): DetectedWord[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, audio]) : Buffer.from(audio);
    const found: DetectedWord[] = [];
    const samples = Math.floor(this.pending.length / SAMPLE_BYTES);
    const at = (i: number) => this.pending.readInt16LE(i * SAMPLE_BYTES);
    let i = 0;
    for (; i < samples; i++) {
      if (at(i) !== MARKER[0]) continue;
      if (i + HEADER > samples) break; // the header is cut off: keep it for the next push
      if (!MARKER.every((value, k) => at(i + k) === value)) continue;
      const durationMs = at(i + MARKER.length);
      const length = at(i + MARKER.length + 1);
      if (length < 1 || length > MAX_WORD_BYTES) continue;
      if (i + HEADER + length > samples) break;
      const bytes = Buffer.alloc(length);
      let ok = true;
      for (let k = 0; k < length; k++) {
        const byte = (at(i + HEADER + k) - BYTE_BASE) / BYTE_STEP;
        if (!Number.isInteger(byte) || byte < 0 || byte > 0xff) ok = false;
        else bytes[k] = byte;
      }
      if (!ok) continue;
      const startMs = ((this.consumedSamples + i) * 1000) / SPEECH_SAMPLE_RATE;
      found.push({ word: bytes.toString('utf8'), startMs, endMs: startMs + durationMs });
      i += HEADER + length - 1;
    }
    const keep = Math.min(i, samples);
    this.consumedSamples += keep;
    this.pending = this.pending.subarray(keep * SAMPLE_BYTES);
    return found;
  }

  /** Ms of audio pushed so far (whole samples). */
  get heardMs(): number {
    return (
      ((this.consumedSamples + Math.floor(this.pending.length / SAMPLE_BYTES)) * 1000) / SPEECH_SAMPLE_RATE
    );
  }
}

function msToSamples(ms: number): number {
  return Math.round((ms * SPEECH_SAMPLE_RATE) / 1000);
}

const END_MARKER = [0x454e, -0x4457, 0x4f52, -0x4457] as const;

/**
 * Marks words in real speech (espeak-ng's, say) without replacing it, so a fake provider can
 * "hear" them: only a word's first samples are overwritten (the marker, its duration, its bytes:
 * a click of a few ms) and its last four (an end marker). `stampedWordsIn` then finds the words a
 * piece of the audio holds whole, and where: a word cut by a chunk's edge is not heard, as a
 * provider would garble it. 16-bit mono PCM, changed in place.
 */
export function stampSpokenWords(pcm: Buffer, words: ScriptedWord[], sampleRate = SPEECH_SAMPLE_RATE): void {
  const samplesOf = (ms: number) => Math.round((ms * sampleRate) / 1000);
  for (const w of words) {
    const bytes = Buffer.from(w.word, 'utf8');
    const start = samplesOf(w.startMs);
    const end = start + samplesOf(w.durationMs);
    if (bytes.length === 0 || bytes.length > MAX_WORD_BYTES)
      throw new RangeError(`word "${w.word}" must be 1..${MAX_WORD_BYTES} UTF-8 bytes`);
    if (end - start < HEADER + bytes.length + END_MARKER.length || end * SAMPLE_BYTES > pcm.length)
      throw new RangeError(`word "${w.word}" at ${w.startMs} ms does not fit`);
    const put = (i: number, value: number) => pcm.writeInt16LE(value, i * SAMPLE_BYTES);
    MARKER.forEach((value, i) => put(start + i, value));
    put(start + MARKER.length, w.durationMs);
    put(start + MARKER.length + 1, bytes.length);
    bytes.forEach((byte, i) => put(start + HEADER + i, byte * BYTE_STEP + BYTE_BASE));
    END_MARKER.forEach((value, i) => put(end - END_MARKER.length + i, value));
  }
}

/** The stamped words (`stampSpokenWords`) that `pcm` holds whole, ms from its first sample. */
export function stampedWordsIn(pcm: Buffer, sampleRate = SPEECH_SAMPLE_RATE): DetectedWord[] {
  const samples = Math.floor(pcm.length / SAMPLE_BYTES);
  const at = (i: number) => pcm.readInt16LE(i * SAMPLE_BYTES);
  const found: DetectedWord[] = [];
  for (let i = 0; i + HEADER <= samples; i++) {
    if (at(i) !== MARKER[0] || !MARKER.every((value, k) => at(i + k) === value)) continue;
    const durationMs = at(i + MARKER.length);
    const length = at(i + MARKER.length + 1);
    const end = i + Math.round((durationMs * sampleRate) / 1000);
    if (length < 1 || length > MAX_WORD_BYTES || end > samples) continue;
    if (!END_MARKER.every((value, k) => at(end - END_MARKER.length + k) === value)) continue;
    const bytes = Buffer.alloc(length);
    for (let k = 0; k < length; k++) bytes[k] = (at(i + HEADER + k) - BYTE_BASE) / BYTE_STEP;
    const startMs = (i * 1000) / sampleRate;
    found.push({ word: bytes.toString('utf8'), startMs, endMs: startMs + durationMs });
    i = end - 1;
  }
  return found;
}
