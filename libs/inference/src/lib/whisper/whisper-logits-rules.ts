import { logSoftmax } from '../runtime/scores';
import type { WhisperSpecialTokens } from './whisper-special-tokens';

/**
 * Whisper's logits rules for greedy decoding (as openai/whisper's SuppressTokens,
 * SuppressBlank and ApplyTimestampRules): configured tokens never; end-of-text and blank not
 * first; without timestamps, no timestamp tokens; with them, timestamps come in pairs, never go
 * back, the first token is one, and a timestamp wins when their total probability beats every
 * text token. `generated` holds the tokens after the prompt. Mutates `logits` (one row).
 */
export function applyWhisperLogitsRules(
  logits: Float32Array,
  generated: readonly number[],
  tokens: WhisperSpecialTokens,
  timestamps: boolean,
): void {
  const suppress = (from: number, to: number) => logits.fill(-Infinity, from, to);
  for (const id of tokens.suppress) logits[id] = -Infinity;
  if (generated.length === 0) for (const id of tokens.beginSuppress) logits[id] = -Infinity;
  logits[tokens.noTimestamps] = -Infinity;
  logits[tokens.startOfTranscript] = -Infinity;
  if (!timestamps) {
    suppress(tokens.timestampBegin, logits.length);
    return;
  }
  const last = generated.at(-1);
  const lastWasTimestamp = last !== undefined && tokens.isTimestamp(last);
  const penultimateWasTimestamp = generated.length < 2 || tokens.isTimestamp(generated[generated.length - 2]);
  if (lastWasTimestamp) {
    if (penultimateWasTimestamp) suppress(tokens.timestampBegin, logits.length);
    else suppress(0, tokens.endOfText);
  }
  const previousTimestamps = generated.filter((id) => tokens.isTimestamp(id));
  if (previousTimestamps.length > 0) {
    // Never go back in time; a closed pair's end may be the next start.
    const floor =
      previousTimestamps[previousTimestamps.length - 1] +
      (lastWasTimestamp && !penultimateWasTimestamp ? 0 : 1);
    suppress(tokens.timestampBegin, Math.min(floor, logits.length));
  }
  if (generated.length === 0) {
    suppress(0, tokens.timestampBegin);
    suppress(tokens.timestampBegin + tokens.maxInitialTimestampIndex + 1, logits.length);
  }
  const logProbs = logSoftmax(logits);
  let timestampMass = -Infinity;
  for (let i = tokens.timestampBegin; i < logProbs.length; i++)
    timestampMass = logAddExp(timestampMass, logProbs[i]);
  let bestText = -Infinity;
  for (let i = 0; i < tokens.timestampBegin; i++) bestText = Math.max(bestText, logProbs[i]);
  if (timestampMass > bestText) suppress(0, tokens.timestampBegin);
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const max = Math.max(a, b);
  return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
}
