import { AudioFormatError } from '../audio-format.error';
import { AudioShape } from '../validate/validate-audio';
import { encodeWav } from '../wav/encode-wav';
import { PauseCutPlan } from './pause-cut-plan';
import { SpeechSpan, SpeechSpanFinder, monoFloats, pausesWithin } from './speech-spans';

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

/** The VAD looks this far on either side of the window, so speech at its edges is judged in context. */
const CONTEXT_MS = 500;

/**
 * Cuts a stream of samples into standalone WAV chunks at pauses, following `plan`: once a chunk's
 * window (`minFrames`..`maxFrames` after its start) has arrived, `finder` looks for speech in it
 * and the cut goes into the middle of the latest of its longer pauses (at least half as long as the
 * longest there).
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
    const from = Math.max(0, earliest - context);
    const to = Math.min(heldFrames(), latest + context);
    const audio = take(to).subarray(from * frameBytes);
    const spans = await finder.speechSpans(monoFloats(audio, shape), rate);
    const toMs = (frames: number) => ((frames - from) * 1000) / rate;
    const pauses = pausesWithin(spans, toMs(earliest), toMs(latest), plan.minPauseMs);
    if (pauses.length === 0) return { at: start + latest, forced: true };
    // The latest of the longer pauses (at least half the longest): a gap between sentences rather
    // than a breath between words, as close to the window's end as such a gap allows. The cut goes
    // in its middle, furthest from the speech on either side (the VAD's edges are approximate).
    const longest = Math.max(...pauses.map((p) => p.endMs - p.startMs));
    const pause = pauses.filter((p) => p.endMs - p.startMs >= longest / 2).pop() as SpeechSpan;
    const atMs = (pause.startMs + pause.endMs) / 2;
    return { at: start + from + Math.round((atMs * rate) / 1000), forced: false };
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
