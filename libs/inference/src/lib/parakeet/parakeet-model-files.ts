import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readJson, requireModelFiles } from '../runtime/model-files';

export interface ParakeetConfig {
  features_size: number;
  subsampling_factor: number;
  /** TDT duration bins, in encoder frames. @defaultValue [0, 1, 2, 3, 4] */
  durations?: number[];
}

export interface ParakeetModelFiles {
  dir: string;
  config: ParakeetConfig;
  /** Token id → piece (`▁` marks a word start); the blank is the last. */
  vocabulary: string[];
  preprocessorPath: string;
  encoderPath: string;
  decoderJointPath: string;
}

export const PARAKEET_DOWNLOAD_HINT =
  'run `npm run models:download -- parakeet-tdt-0.6b-v2` and point PARAKEET_MODEL_DIR at the folder it prints';

/** Reads a Parakeet TDT export laid out as istupakov/parakeet-tdt-0.6b-v2-onnx on the hub. */
export function loadParakeetModelFiles(dir: string, quantized = false): ParakeetModelFiles {
  const encoder = quantized ? 'encoder-model.int8.onnx' : 'encoder-model.onnx';
  const decoderJoint = quantized ? 'decoder_joint-model.int8.onnx' : 'decoder_joint-model.onnx';
  requireModelFiles(dir, ['nemo128.onnx', encoder, decoderJoint, 'vocab.txt'], PARAKEET_DOWNLOAD_HINT);
  const config: ParakeetConfig = requireConfig(dir);
  return {
    dir,
    config,
    vocabulary: parseVocabulary(readFileSync(join(dir, 'vocab.txt'), 'utf8')),
    preprocessorPath: join(dir, 'nemo128.onnx'),
    encoderPath: join(dir, encoder),
    decoderJointPath: join(dir, decoderJoint),
  };
}

function requireConfig(dir: string): ParakeetConfig {
  try {
    return {
      features_size: 128,
      subsampling_factor: 8,
      ...readJson<Partial<ParakeetConfig>>(dir, 'config.json'),
    };
  } catch {
    return { features_size: 128, subsampling_factor: 8 };
  }
}

/** `vocab.txt`: one `<piece> <id>` per line. */
export function parseVocabulary(text: string): string[] {
  const vocabulary: string[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const match = /^(.*) (\d+)$/.exec(line);
    if (!match) throw new Error(`vocab.txt line ${index + 1} is not "<piece> <id>": ${JSON.stringify(line)}`);
    vocabulary[Number(match[2])] = match[1];
  }
  return vocabulary;
}
