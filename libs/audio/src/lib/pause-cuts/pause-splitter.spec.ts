import { Readable } from 'node:stream';
import { AudioFormatError } from '../audio-format.error';
import { AudioRejectedError } from '../validate/audio-rejected.error';
import { parseWav } from '../wav/parse-wav';
import { planPauseCuts } from './pause-cut-plan';
import { CutChunk, splitAudioStreamAtPauses } from './pause-splitter';
import { SpeechSpan, SpeechSpanFinder, pausesWithin } from './speech-spans';

const RATE = 8000;
const mono = { sampleRate: RATE, channels: 1, bitsPerSample: 16, encoding: 'pcm' as const };
const stereo = { ...mono, channels: 2 };

/** "Speech" (a loud square wave) over `spans` seconds, silence elsewhere. */
function audio(totalSeconds: number, spans: Array<[number, number]>, channels = 1): Buffer {
  const frames = Math.round(totalSeconds * RATE);
  const pcm = Buffer.alloc(frames * 2 * channels);
  for (const [from, to] of spans)
    for (let f = Math.round(from * RATE); f < Math.min(frames, Math.round(to * RATE)); f++)
      for (let c = 0; c < channels; c++) pcm.writeInt16LE(f % 2 ? 8000 : -8000, (f * channels + c) * 2);
  return pcm;
}

/** An energy detector over 10 ms frames: enough to find the square-wave "speech" exactly. */
class EnergyFinder implements SpeechSpanFinder {
  readonly lookedAt: number[] = [];
  async speechSpans(samples: Float32Array, sampleRate: number): Promise<SpeechSpan[]> {
    this.lookedAt.push(samples.length);
    const step = sampleRate / 100;
    const spans: SpeechSpan[] = [];
    for (let i = 0; i < samples.length; i += step) {
      const loud = samples.subarray(i, i + step).some((v) => Math.abs(v) > 0.1);
      const ms = (i * 1000) / sampleRate;
      const last = spans[spans.length - 1];
      if (loud && last && last.endMs === ms) last.endMs = ms + 10;
      else if (loud) spans.push({ startMs: ms, endMs: ms + 10 });
    }
    return spans;
  }
}

function pieces(bytes: Buffer, size: number): AsyncIterable<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

async function collect(source: AsyncIterable<CutChunk>): Promise<CutChunk[]> {
  const out: CutChunk[] = [];
  for await (const chunk of source) out.push(chunk);
  return out;
}

const window = { minSeconds: 20, maxSeconds: 30, overlapSeconds: 1 };

/** The chunks' samples laid back where they came from: must rebuild the file exactly. */
function expectRebuilds(chunks: CutChunk[], pcm: Buffer, frameBytes: number): void {
  const rebuilt = Buffer.alloc(pcm.length);
  let covered = 0;
  for (const chunk of chunks) {
    const wav = parseWav(chunk.wav);
    const body = chunk.wav.subarray(wav.dataOffset, wav.dataOffset + wav.dataLength);
    expect(body.length).toBe(chunk.frames * frameBytes);
    expect(chunk.startFrame).toBe(covered - chunk.leadingOverlapFrames);
    // The overlap repeats exactly what the chunk before held.
    const overlap = body.subarray(0, chunk.leadingOverlapFrames * frameBytes);
    expect(overlap.equals(rebuilt.subarray(chunk.startFrame * frameBytes, covered * frameBytes))).toBe(true);
    body.copy(rebuilt, chunk.startFrame * frameBytes);
    covered = chunk.startFrame + chunk.frames;
  }
  expect(covered * frameBytes).toBe(pcm.length);
  expect(rebuilt.equals(pcm)).toBe(true);
}

describe('splitAudioStreamAtPauses', () => {
  // Utterances of 4 s with 1 s pauses, from 0 s: pauses at 4-5, 9-10, 14-15, 19-20, 24-25, 29-30 …
  const utterances: Array<[number, number]> = Array.from({ length: 14 }, (_, i) => [i * 5, i * 5 + 4]);
  const speech = (t: number) => utterances.some(([a, b]) => t > a && t < b);

  it('cuts in the latest pause of each 20–30 s window and loses nothing', async () => {
    const pcm = audio(70, utterances);
    const plan = planPauseCuts(mono, pcm.length, window, 100);
    const chunks = await collect(splitAudioStreamAtPauses(pieces(pcm, 4093), mono, plan, new EnergyFinder()));
    expectRebuilds(chunks, pcm, 2);
    const cuts = chunks.slice(1).map((c) => c.startFrame / RATE);
    // The 29-30 s pause, then (from ~29.75 s) the 54-55 s one; the rest is the last chunk.
    expect(cuts.length).toBe(2);
    for (const cut of cuts) expect(speech(cut)).toBe(false);
    expect(cuts[0]).toBeGreaterThan(29);
    expect(cuts[0]).toBeLessThanOrEqual(30);
    expect(chunks.every((c) => c.leadingOverlapFrames === 0 && !c.forcedCut)).toBe(true);
    expect(chunks.every((c) => c.frames <= 30 * RATE)).toBe(true);
  });

  it('forces a cut at the window’s end inside unbroken speech, with the overlap on both sides', async () => {
    const pcm = audio(50, [[2, 47]]);
    const plan = planPauseCuts(mono, pcm.length, window, 100);
    const chunks = await collect(splitAudioStreamAtPauses(pieces(pcm, 7777), mono, plan, new EnergyFinder()));
    expectRebuilds(chunks, pcm, 2);
    expect(chunks.map((c) => [c.startFrame / RATE, c.frames / RATE, c.leadingOverlapFrames / RATE])).toEqual([
      [0, 31, 0],
      [29, 21, 2],
    ]);
    expect(chunks[0].forcedCut).toBe(true);
  });

  it('cuts the same whatever the piece size, stereo and odd-sized pieces included', async () => {
    const pcm = audio(65, utterances, 2);
    const plan = planPauseCuts(stereo, pcm.length, window, 100);
    const cutsOf = async (size: number) =>
      (await collect(splitAudioStreamAtPauses(pieces(pcm, size), stereo, plan, new EnergyFinder()))).map(
        (c) => [c.startFrame, c.frames],
      );
    const whole = await cutsOf(pcm.length);
    expect(await cutsOf(1001)).toEqual(whole);
    expect(await cutsOf(97)).toEqual(whole);
  });

  it('prefers a pause between sentences to a later breath between words, and cuts in its middle', async () => {
    // Words of 0.4 s with 0.25 s gaps, but one pause of 1 s from 23.5 s to 24.5 s.
    const words: Array<[number, number]> = [];
    for (let t = 0; t < 23.5; t += 0.65) words.push([t, Math.min(t + 0.4, 23.5)]);
    for (let t = 24.5; t < 40; t += 0.65) words.push([t, t + 0.4]);
    const pcm = audio(40, words);
    const plan = planPauseCuts(mono, pcm.length, window, 100);
    const chunks = await collect(splitAudioStreamAtPauses(pieces(pcm, 4000), mono, plan, new EnergyFinder()));
    expect(chunks.map((c) => c.startFrame / RATE)).toEqual([0, 24]);
  });

  it('holds at most one window: the detector never sees more than the window and its context', async () => {
    const pcm = audio(
      200,
      Array.from({ length: 40 }, (_, i) => [i * 5, i * 5 + 4]),
    );
    const plan = planPauseCuts(mono, pcm.length, window, 100);
    const finder = new EnergyFinder();
    const chunks = await collect(splitAudioStreamAtPauses(pieces(pcm, 8000), mono, plan, finder));
    expect(chunks.length).toBeLessThanOrEqual(plan.chunkCountBound);
    expect(Math.max(...finder.lookedAt)).toBeLessThanOrEqual((10 + 1) * RATE);
  });

  it('keeps a too-short rest with the last chunk, and fails a truncated upload', async () => {
    const pcm = audio(30.05, [[0, 30.05]]);
    const plan = planPauseCuts(mono, pcm.length, window, 100);
    const chunks = await collect(splitAudioStreamAtPauses(pieces(pcm, 999), mono, plan, new EnergyFinder()));
    expect(chunks.map((c) => c.frames)).toEqual([pcm.length / 2]);
    const cutShort = splitAudioStreamAtPauses(
      pieces(pcm.subarray(0, 20000), 999),
      mono,
      plan,
      new EnergyFinder(),
    );
    await expect(collect(cutShort)).rejects.toBeInstanceOf(AudioFormatError);
  });
});

describe('planPauseCuts', () => {
  it('bounds the chunk count by the shortest step between cuts', () => {
    const plan = planPauseCuts(mono, 300 * RATE * 2, window, 100);
    expect(plan.chunkCountBound).toBe(1 + Math.ceil(270 / 20));
  });

  it('raises the window’s start to fit MAX_CHUNKS_PER_FILE, and refuses what cannot fit', () => {
    const plan = planPauseCuts(mono, 300 * RATE * 2, window, 11);
    expect(plan.chunkCountBound).toBeLessThanOrEqual(11);
    expect(plan.minFrames).toBe(27 * RATE);
    expect(() => planPauseCuts(mono, 300 * RATE * 2, window, 5)).toThrow(AudioRejectedError);
  });
});

describe('pausesWithin', () => {
  it('finds the stretches without speech inside the window, edges included', () => {
    const spans = [
      { startMs: 0, endMs: 1000 },
      { startMs: 1100, endMs: 2000 },
      { startMs: 2500, endMs: 4000 },
    ];
    expect(pausesWithin(spans, 500, 3000, 200)).toEqual([{ startMs: 2000, endMs: 2500 }]);
    expect(pausesWithin(spans, 500, 5000, 200)).toEqual([
      { startMs: 2000, endMs: 2500 },
      { startMs: 4000, endMs: 5000 },
    ]);
  });
});
