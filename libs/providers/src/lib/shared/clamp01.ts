/** Confidences are 0..1 on the fabric, whatever a provider sends. */
export function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
