import { join } from 'node:path';
import { readJson, requireModelFiles } from '../runtime/model-files';
import type { WhisperFeatureConfig } from '../features/whisper-log-mel';
import type { TokenizerJson } from './byte-level-bpe-decoder';

/**
 * Weight variants of the onnx-community exports, by their file-name suffix. fp16 exports take and
 * give float16 tensors; the session factory converts at the boundary (Float16IoSession).
 */
export const WHISPER_DTYPE_SUFFIXES = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  bnb4: '_bnb4',
} as const;
export type WhisperDtype = keyof typeof WHISPER_DTYPE_SUFFIXES;

export interface WhisperConfig {
  d_model: number;
  decoder_layers: number;
  decoder_attention_heads: number;
  num_mel_bins: number;
  vocab_size: number;
  max_target_positions: number;
  max_source_positions: number;
}

export interface WhisperGenerationConfig {
  decoder_start_token_id: number;
  eos_token_id: number;
  no_timestamps_token_id: number;
  lang_to_id?: Record<string, number>;
  task_to_id?: Record<string, number>;
  suppress_tokens?: number[];
  begin_suppress_tokens?: number[];
  max_initial_timestamp_index?: number;
  is_multilingual?: boolean;
  /** [decoder layer, head] pairs whose cross-attention follows the words in time. */
  alignment_heads?: [number, number][];
}

export interface WhisperModelFiles {
  dir: string;
  config: WhisperConfig;
  generation: WhisperGenerationConfig;
  features: WhisperFeatureConfig;
  tokenizer: TokenizerJson;
  encoderPath: string;
  decoderPath: string;
}

export const WHISPER_DOWNLOAD_HINT =
  'run `npm run models:download -- whisper-base` (or another whisper-* name) and point WHISPER_MODEL_DIR at the folder it prints';

/** Reads a Whisper export laid out as onnx-community/whisper-* on the Hugging Face hub. */
export function loadWhisperModelFiles(dir: string, dtype: WhisperDtype = 'fp32'): WhisperModelFiles {
  const suffix = WHISPER_DTYPE_SUFFIXES[dtype];
  const encoder = `onnx/encoder_model${suffix}.onnx`;
  const decoder = `onnx/decoder_model_merged${suffix}.onnx`;
  requireModelFiles(
    dir,
    ['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json', encoder, decoder],
    WHISPER_DOWNLOAD_HINT,
  );
  return {
    dir,
    config: readJson(dir, 'config.json'),
    generation: readJson(dir, 'generation_config.json'),
    features: readJson(dir, 'preprocessor_config.json'),
    tokenizer: readJson(dir, 'tokenizer.json'),
    encoderPath: join(dir, encoder),
    decoderPath: join(dir, decoder),
  };
}
