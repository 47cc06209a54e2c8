import { homedir } from 'node:os';
import { join } from 'node:path';
import { WHISPER_DTYPE_SUFFIXES, WhisperDtype } from '../whisper/whisper-model-files';

/** A public export on the Hugging Face hub that a worker reads as it is laid out there. */
export interface CatalogModel {
  name: string;
  repo: string;
  /** The variable that points a worker at the downloaded folder. */
  envVar: 'WHISPER_MODEL_DIR' | 'PARAKEET_MODEL_DIR';
  /** Approximate download size, for the prompt. */
  approxMegabytes: number;
  /**
   * `sha256` pins a file's content: the download must hash to it. A file without one is checked
   * against the checksum the hub publishes for it (X-Linked-Etag, or the git ETag of a small file).
   */
  files: { path: string; optional?: boolean; sha256?: string }[];
}

const WHISPER_REPOS: Record<string, { repo: string; megabytes: number }> = {
  'whisper-tiny': { repo: 'onnx-community/whisper-tiny', megabytes: 150 },
  'whisper-base': { repo: 'onnx-community/whisper-base', megabytes: 290 },
  // Also outputs cross-attentions, and names alignment heads: word times from the alignment.
  'whisper-base-timestamped': { repo: 'onnx-community/whisper-base_timestamped', megabytes: 290 },
  'whisper-small': { repo: 'onnx-community/whisper-small', megabytes: 970 },
  'whisper-large-v3-turbo': { repo: 'onnx-community/whisper-large-v3-turbo', megabytes: 3300 },
};

const PARAKEET_REPOS: Record<string, { repo: string; megabytes: number }> = {
  'parakeet-tdt-0.6b-v2': { repo: 'istupakov/parakeet-tdt-0.6b-v2-onnx', megabytes: 2500 },
  'parakeet-tdt-0.6b-v3': { repo: 'istupakov/parakeet-tdt-0.6b-v3-onnx', megabytes: 2500 },
};

/** The model `npm start` offers when nothing else is configured: small, multilingual, fine on CPU. */
export const DEFAULT_LOCAL_MODEL = 'whisper-base';

export function catalogNames(): string[] {
  return [...Object.keys(WHISPER_REPOS), ...Object.keys(PARAKEET_REPOS)];
}

/**
 * The files a worker needs from a named export. Whisper takes one weight variant (dtype);
 * exports over 2 GB keep their weights in an `.onnx_data` file beside the graph, so that is
 * fetched when the hub has it. Parakeet's quantized variant is the int8 encoder and decoder.
 */
export function catalogModel(
  name: string,
  variant: { whisperDtype?: WhisperDtype; parakeetQuantized?: boolean } = {},
): CatalogModel {
  const whisper = WHISPER_REPOS[name];
  if (whisper) {
    const suffix = WHISPER_DTYPE_SUFFIXES[variant.whisperDtype ?? 'fp32'];
    const graphs = [`onnx/encoder_model${suffix}.onnx`, `onnx/decoder_model_merged${suffix}.onnx`];
    return {
      name,
      repo: whisper.repo,
      envVar: 'WHISPER_MODEL_DIR',
      approxMegabytes: whisper.megabytes,
      files: [
        ...['config.json', 'generation_config.json', 'preprocessor_config.json', 'tokenizer.json'].map(
          (path) => ({ path }),
        ),
        ...graphs.flatMap((path) => [{ path }, { path: `${path}_data`, optional: true }]),
      ],
    };
  }
  const parakeet = PARAKEET_REPOS[name];
  if (parakeet) {
    const q = variant.parakeetQuantized ? '.int8' : '';
    return {
      name,
      repo: parakeet.repo,
      envVar: 'PARAKEET_MODEL_DIR',
      approxMegabytes: parakeet.megabytes,
      files: [
        { path: 'config.json', optional: true },
        { path: 'vocab.txt' },
        { path: 'nemo128.onnx' },
        { path: `encoder-model${q}.onnx` },
        { path: `encoder-model${q}.onnx.data`, optional: true },
        { path: `decoder_joint-model${q}.onnx` },
      ],
    };
  }
  throw new RangeError(`unknown model '${name}': choose one of ${catalogNames().join(', ')}`);
}

/** Where `npm run models:download` puts a model unless told: $STREAMSCRIBE_MODELS_DIR or ~/.cache/streamscribe/models, then the name. */
export function defaultModelDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(
    env['STREAMSCRIBE_MODELS_DIR'] ||
      join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'streamscribe', 'models'),
    name,
  );
}
