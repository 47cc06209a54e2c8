import { AudioFormatError } from '../audio-format.error';
import { AudioShape } from '../validate/validate-audio';
import { encodeWav } from '../wav/encode-wav';
import { PauseCutPlan } from './pause-cut-plan';
import { SpeechSpanFinder, monoFloats, pausesWithin } from './speech-spans';

/** One chunk cut from a file, and where it lies in the file's audio. */
export interface CutChunk {
  /** A standalone WAV. */
  wav: Buffer;
  /** The first frame's index in the file. */
  startFrame: number;
  frames: number;
  /** Frames at its start that the chunk before also holds (a forced cut's overlap, both sides); 0 after a pause. */
  leadingOverlapFrames: number;
  /** Whether the cut after this chunk fell inside speech (no pause in the window). */
  forcedCut: boolean;
}

/** The VAD looks this far on either side of what it judges, so speech at the edges is judged in context. */
const CONTEXT_MS = 500;
/** The window is read backwards from its end in stretches of this much audio. */
const SCAN_MS = 3000;
/** A pause this long is taken for a gap between sentences: no need to read further back. */
const SENTENCE_PAUSE_MS = 500;

/**
 * Cuts a stream of samples into standalone WAV chunks at pauses, following `plan`: once a chunk's
 * window (`minFrames`..`maxFrames` after its start) has arrived, `finder` looks for speech in it
 * (from its end backwards, 3 s at a time, until a whole pause of 500 ms or more turns up) and the
 * cut goes into the middle of the latest of its longer pauses (at least half as long as the longest
 * found).
 * With no pause in the window the cut is forced at its end, and both chunks hold `overlapFrames`
 * beyond it, so a word under the cut is whole in at least one of them (the transcript keeps each
 * word once, by its time). At most one window (`maxFrames + overlapFrames`) is held.
 *
 * @throws AudioFormatError when the source ends before `plan.totalBytes` (a truncated upload).
 */
export async function* splitAudioStreamAtPauses(
  samples: AsyncIterable<Buffer>,
  shape: AudioShape,
  plan: PauseCutPlan,
  finder: SpeechSpanFinder,
): AsyncGenerator<CutChunk> {
  const { frameBytes, totalFrames, maxFrames, overlapFrames } = plan;
  let held: Buffer[] = [];
  let heldBytes = 0;
  /** The file frame that `held` starts at (the current chunk's start). */
  let start = 0;
  let leading = 0;
  let received = 0;
  const heldFrames = () => Math.floor(heldBytes / frameBytes);
  const joined = (): Buffer => {
    if (held.length !== 1) held = [Buffer.concat(held, heldBytes)];
    return held[0];
  };
  const take = (frames: number): Buffer => joined().subarray(0, frames * frameBytes);
  // A chunk is decided when the window (plus the overlap a forced cut needs) is in, or the file is.
  const needed = () => Math.min(totalFrames - start, maxFrames + overlapFrames);
  const isLast = () => totalFrames - start <= maxFrames + plan.minRestFrames;

  async function* decide(): AsyncGenerator<CutChunk> {
    while (start < totalFrames && heldFrames() >= needed()) {
      if (isLast()) {
        if (heldFrames() < totalFrames - start) return;
        yield chunkOf(take(totalFrames - start), false);
        start = totalFrames;
        return;
      }
      const cut = await cutPoint();
      const end = cut.forced ? Math.min(totalFrames, cut.at + overlapFrames) : cut.at;
      yield chunkOf(take(end - start), cut.forced);
      const next = cut.forced ? cut.at - overlapFrames : cut.at;
      // Copied, so the audio before the next chunk is let go.
      held = [Buffer.from(joined().subarray((next - start) * frameBytes))];
      heldBytes = held[0].length;
      leading = end - next;
      start = next;
    }
  }

  function chunkOf(bytes: Buffer, forcedCut: boolean): CutChunk {
    return {
      wav: encodeWav(bytes, shape),
      startFrame: start,
      frames: bytes.length / frameBytes,
      leadingOverlapFrames: leading,
      forcedCut,
    };
  }

  async function cutPoint(): Promise<{ at: number; forced: boolean }> {
    const rate = shape.sampleRate;
    const latest = Math.min(maxFrames, totalFrames - start - plan.minRestFrames);
    const earliest = Math.min(plan.minFrames, latest);
    const context = Math.round((CONTEXT_MS * rate) / 1000);
    const scan = Math.round((SCAN_MS * rate) / 1000);
    // Pauses in frames from the chunk's start, found from the window's end backwards, a stretch at
    // a time, until one is as long as a gap between sentences: the VAD mostly reads a few seconds,
    // not the whole window.
    let pauses: Array<{ from: number; to: number }> = [];
    for (let end = latest; end > earliest;) {
      const begin = Math.max(earliest, end - scan);
      const from = Math.max(0, begin - context);
      const audio = take(Math.min(heldFrames(), end + context)).subarray(from * frameBytes);
      const spans = await finder.speechSpans(monoFloats(audio, shape), rate);
      const toMs = (frames: number) => ((frames - from) * 1000) / rate;
      const found = pausesWithin(spans, toMs(begin), toMs(end), 0).map((p) => ({
        from: from + Math.round((p.startMs * rate) / 1000),
        to: from + Math.round((p.endMs * rate) / 1000),
      }));
      // A pause across the stretches' boundary is one pause.
      const after = pauses[0];
      const joins = found.length > 0 && after !== undefined && found[found.length - 1].to >= after.from;
      if (joins) after.from = found.pop()?.from ?? after.from;
      pauses = [...found, ...pauses];
      const minFrames = (SENTENCE_PAUSE_MS * rate) / 1000;
      // (One that reaches back to the stretch's start may be longer still: read on.)
      if (pauses.some((p) => p.to - p.from >= minFrames && p.from > begin)) break;
      end = begin;
    }
    const minPause = (plan.minPauseMs * rate) / 1000;
    const candidates = pauses.filter((p) => p.to - p.from >= minPause);
    if (candidates.length === 0) return { at: start + latest, forced: true };
    // The latest of the longer pauses (at least half the longest): a gap between sentences rather
    // than a breath between words, as close to the window's end as such a gap allows. The cut goes
    // in its middle, furthest from the speech on either side (the VAD's edges are approximate).
    const longest = Math.max(...candidates.map((p) => p.to - p.from));
    const pause = candidates.filter((p) => p.to - p.from >= longest / 2).pop() as {
      from: number;
      to: number;
    };
    return { at: start + Math.round((pause.from + pause.to) / 2), forced: false };
  }

  for await (const piece of samples) {
    const room = plan.totalBytes - received;
    const usable = piece.length > room ? piece.subarray(0, Math.max(0, room)) : piece;
    received += usable.length;
    if (usable.length) {
      held.push(usable);
      heldBytes += usable.length;
    }
    yield* decide();
  }
  yield* decide();
  if (start < totalFrames) {
    throw new AudioFormatError(
      `the audio ended after ${received} of the ${plan.totalBytes} bytes of samples its length promised: the upload was cut short`,
    );
  }
}
