import {
  FASTER_WHISPER_DECODING,
  type WhisperDecodingOptions,
  type WhisperEngine,
  type WhisperWindow,
} from '@streamscribe/inference';

/** Beam search as the workers run it by default, without the fallback: random weights would fail every threshold. */
const BEAM_5: WhisperDecodingOptions = { ...FASTER_WHISPER_DECODING, temperatures: [0] };

/**
 * Beam 5 over the same windows and fixed steps as the greedy paths: every window then holds 5
 * decoder rows (40 for a batch of 8) for every step, and the beams' self-attention caches are
 * gathered from their parents' rows each step.
 */
export function beamPaths(
  engine: WhisperEngine,
  windows: WhisperWindow[],
): Record<string, () => Promise<unknown>> {
  const beamWindows = windows.map((w) => ({ ...w, decoding: BEAM_5 }));
  return {
    'beam 5, batch 1': () =>
      beamWindows.reduce<Promise<unknown>>(
        (previous, w) => previous.then(() => engine.transcribeBatch([w])),
        Promise.resolve(),
      ),
    [`beam 5, batch ${windows.length}`]: () => engine.transcribeBatch(beamWindows),
  };
}

/** The greedy vs beam summary lines, from the same rounds' medians and paired walls. */
export function beamSummary(
  walls: Record<string, number[]>,
  chunks: number,
  median: (values: number[]) => number,
): string[] {
  const greedy = walls[`batch ${chunks}`];
  const beam = walls[`beam 5, batch ${chunks}`];
  const beamAlone = walls['beam 5, batch 1'];
  return [
    `beam 5 / greedy wall at batch ${chunks}: ${(median(beam) / median(greedy)).toFixed(2)}× (per rep ${beam.map((w, i) => (w / greedy[i]).toFixed(2)).join(', ')})`,
    `beam 5 batch 1 / beam 5 batch ${chunks} wall: ${(median(beamAlone) / median(beam)).toFixed(2)}× (per rep ${beamAlone.map((w, i) => (w / beam[i]).toFixed(2)).join(', ')})`,
  ];
}
