import type { AlignmentHead } from './whisper-decoder-session';

/**
 * The alignment heads to read word times from, when the export can give them: generation_config.json
 * lists them (`alignment_heads`, [layer, head] pairs) and the decoder outputs `cross_attentions.{layer}`
 * for each of their layers (onnx-community's `*_timestamped` exports do; the plain ones do not).
 */
export function alignmentHeadsOf(
  alignmentHeads: readonly AlignmentHead[] | undefined,
  decoderOutputs: readonly string[],
): readonly AlignmentHead[] | undefined {
  if (!alignmentHeads || alignmentHeads.length === 0) return undefined;
  const outputs = new Set(decoderOutputs);
  return alignmentHeads.every(([layer]) => outputs.has(`cross_attentions.${layer}`))
    ? alignmentHeads
    : undefined;
}
