import {
  FASTER_WHISPER_DECODING,
  type WhisperDecodingOptions,
  type WhisperWindow,
} from '@streamscribe/inference';

export const DECODINGS = ['greedy', 'beam5'] as const;
export type Decoding = (typeof DECODINGS)[number];

/** Beam search as the workers run it by default, without the fallback: random weights would fail every threshold. */
const BEAM_5: WhisperDecodingOptions = { ...FASTER_WHISPER_DECODING, temperatures: [0] };

/**
 * The windows as a decoding decodes them. Beam 5 uses the same windows and fixed steps as greedy:
 * every window then holds 5 decoder rows (40 for a batch of 8) for every step, and the beams'
 * self-attention caches are gathered from their parents' rows each step.
 */
export function windowsFor(decoding: Decoding, windows: WhisperWindow[]): WhisperWindow[] {
  return decoding === 'greedy' ? windows : windows.map((w) => ({ ...w, decoding: BEAM_5 }));
}

/** A path's name with its decoding; greedy paths keep their plain names. */
export function decodingLabel(decoding: Decoding): string {
  return decoding === 'greedy' ? '' : 'beam 5, ';
}

/** Beam 5 against greedy on the same engine and batch, from the same rounds' medians and paired walls. */
export function beamSummary(
  paths: ReadonlyArray<{ name: string; walls: number[] }>,
  median: (values: number[]) => number,
): string[] {
  const prefix = decodingLabel('beam5');
  return paths
    .filter((p) => p.name.startsWith(prefix))
    .flatMap((beam) => {
      const greedy = paths.find((p) => p.name === beam.name.slice(prefix.length));
      if (!greedy) return [];
      const perRep = beam.walls.map((w, i) => (w / greedy.walls[i]).toFixed(2)).join(', ');
      return [
        `${beam.name} / ${greedy.name} wall: ${(median(beam.walls) / median(greedy.walls)).toFixed(2)}× (per rep ${perRep})`,
      ];
    });
}
