import { join } from 'node:path';

const WORKSPACE_ROOT = join(__dirname, '..', '..', '..', '..');

/**
 * The committed test models (`tools/models/generate_models.py tiny`): the public exports' tensor
 * names, shapes and dtypes, with weights built so greedy decoding yields known text.
 * `whisper-timestamped` is the tiny Whisper as onnx-community's `*_timestamped` exports are made:
 * its decoder also outputs cross-attentions and generation_config.json names alignment heads.
 */
export function tinyModelDir(model: 'whisper' | 'whisper-timestamped' | 'parakeet'): string {
  return join(WORKSPACE_ROOT, 'tools/models/tiny', model);
}

/** What the tiny Whisper decodes any audio to (≤ 30 s; each further 30 s window repeats it). */
export const TINY_WHISPER_TEXT = 'hello world from streamscribe café';
/** The language the tiny Whisper's detection finds. */
export const TINY_WHISPER_DETECTED_LANGUAGE = 'fr';

/**
 * The tiny Parakeet emits one word piece of this chain per 4 encoder frames (0.32 s), so the
 * text depends on the audio's length: 1 s → 'the quick brown', 2 s → 'the quick brown fox jumps'.
 */
export function tinyParakeetText(seconds: number): string {
  const pieces = ['▁the', '▁qu', 'ick', '▁brown', '▁fox', '▁jump', 's', '▁over', '▁a', '▁lazy', '▁dog'];
  const features = Math.floor((seconds * 16000) / 160) + 1;
  const encoderFrames = Math.ceil(features / 8);
  const emitted = Math.min(pieces.length, Math.ceil(encoderFrames / 4));
  return pieces.slice(0, emitted).join('').replace(/▁/g, ' ').trim();
}

/**
 * With timestamps, the tiny Whisper's segment ends at <|1.00|> when decoded greedily, but beam
 * search finds the likelier <|0.98|> (tools/models/generate_models.py tiny_whisper_next_token_bias:
 * after <|1.00|>, end-of-text has a rival; after <|0.98|> it is certain).
 */
export const TINY_WHISPER_GREEDY_SEGMENT_END = 1;
export const TINY_WHISPER_BEAM_SEGMENT_END = 0.98;

/** Word times (s) the timestamped tiny Whisper's alignment head gives for TINY_WHISPER_TEXT. */
export const TINY_WHISPER_ALIGNED_WORDS = [
  { word: 'hello', start: 0, end: 0.4 },
  { word: 'world', start: 0.4, end: 0.7 },
  { word: 'from', start: 0.7, end: 0.9 },
  { word: 'streamscribe', start: 0.9, end: 1.3 },
  { word: 'café', start: 1.3, end: 1.78 },
];
