/**
 * A copy of the samples in a buffer of their own, to hand to a thread. Posting a view as it is
 * would copy its whole underlying buffer (structured clone keeps views whole): a 30 s window cut
 * from a 10-minute chunk would carry all 10 minutes.
 */
export function ownedSamples(samples: Float32Array): { samples: Float32Array; buffer: ArrayBuffer } {
  const copy = samples.slice();
  return { samples: copy, buffer: copy.buffer as ArrayBuffer };
}
