/** Confidences are 0..1 on the fabric, whatever a provider sends. */
export function clamp01(value: number): number {
  // NaN (a provider, or a model's NaN logits) would be written as "NaN" and break readers.
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}
