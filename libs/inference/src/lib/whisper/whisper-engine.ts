import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { WhisperLogMel } from '../features/whisper-log-mel';
import { ByteLevelBpeDecoder } from './byte-level-bpe-decoder';
import type { DecodedTokens } from './decoding/whisper-decoded-tokens';
import type { WhisperDecodingOptions } from './decoding/whisper-decoding-options';
import { WhisperDtype, WhisperModelFiles, loadWhisperModelFiles } from './whisper-model-files';
import { WhisperSpecialTokens } from './whisper-special-tokens';
import { WindowTranscript, windowTranscript } from './whisper-transcript';
import { WhisperWindowDecoder } from './whisper-window-decoder';

/** One ≤ 30 s window of audio to transcribe, with its decoding choices. */
export interface WhisperWindow {
  samples: Float32Array;
  /** Seconds from the start of the chunk, for segment times. */
  offsetSeconds: number;
  /** A language code to force; undefined detects it (multilingual models). */
  language?: string;
  task: 'transcribe' | 'translate';
  timestamps: boolean;
  /** Benchmarks only: see WindowDecodeOptions.fixedSteps. */
  fixedSteps?: number;
  /** Beam search, temperature fallback; undefined decodes greedily, once. */
  decoding?: WhisperDecodingOptions;
}

export interface WindowResult extends WindowTranscript {
  language?: string;
}

/**
 * Whisper on ONNX Runtime: log-mel features per window, one encoder run for a batch of windows
 * (padded to 30 s, as Whisper always is), then decoding (greedy, or beam search with temperature
 * fallback, as each window asks) with each window's own true duration for the segment times.
 */
export class WhisperEngine {
  readonly features: WhisperLogMel;
  readonly tokens: WhisperSpecialTokens;
  readonly tokenizer: ByteLevelBpeDecoder;

  private readonly decoder: WhisperWindowDecoder;

  private constructor(
    readonly files: WhisperModelFiles,
    private readonly encoder: InferenceSession,
    decoderSession: InferenceSession,
  ) {
    this.features = new WhisperLogMel(files.features);
    this.tokens = new WhisperSpecialTokens(files.generation);
    this.tokenizer = new ByteLevelBpeDecoder(files.tokenizer);
    this.decoder = new WhisperWindowDecoder(
      decoderSession,
      files.config,
      files.generation,
      this.tokens,
      this.tokenizer,
    );
  }

  static async load(
    dir: string,
    sessions: OnnxSessionFactory,
    dtype: WhisperDtype = 'fp32',
  ): Promise<WhisperEngine> {
    const files = loadWhisperModelFiles(dir, dtype);
    if (files.features.feature_size !== files.config.num_mel_bins) {
      throw new Error(
        `${dir}: preprocessor_config.json has ${files.features.feature_size} mel bins but config.json ${files.config.num_mel_bins}`,
      );
    }
    const encoder = await sessions.create(files.encoderPath);
    return new WhisperEngine(files, encoder, await sessions.create(files.decoderPath));
  }

  /** Seconds of audio one window holds (30 for every Whisper). */
  get windowSeconds(): number {
    return this.files.features.n_samples / this.files.features.sampling_rate;
  }

  /** One encoder run and a short decode on silence, so the first chunk does not pay for lazy init. */
  async warmUp(): Promise<void> {
    await this.transcribeBatch([
      {
        samples: new Float32Array(this.files.features.sampling_rate),
        offsetSeconds: 0,
        language: this.defaultLanguage(),
        task: 'transcribe',
        timestamps: false,
        fixedSteps: 2,
      },
    ]);
  }

  async transcribeBatch(windows: WhisperWindow[]): Promise<WindowResult[]> {
    const states = await this.encode(windows.map((w) => this.features.compute(w.samples)));
    const languages = windows.map((w) => w.language);
    const undetected = indicesWhere(windows, (w) => w.language === undefined);
    if (undetected.length > 0) {
      const found = await this.decoder.detectLanguages(rowsOf(states, undetected));
      undetected.forEach((index, i) => (languages[index] = found[i]));
    }
    const prompts = windows.map((w, i) => this.tokens.prompt(languages[i], w.task, w.timestamps));
    const decoded: DecodedTokens[] = [];
    // One decoder batch per prompt length (the merged decoder has no attention mask to pad with).
    for (const length of new Set(prompts.map((p) => p.length))) {
      const group = indicesWhere(prompts, (p) => p.length === length);
      const options = group.map((i) => ({
        timestamps: windows[i].timestamps,
        maxNewTokens: this.files.config.max_target_positions,
        fixedSteps: windows[i].fixedSteps,
        decoding: windows[i].decoding,
      }));
      const results = await this.decoder.decode(
        rowsOf(states, group),
        group.map((i) => prompts[i]),
        options,
      );
      group.forEach((index, i) => (decoded[index] = results[i]));
    }
    return windows.map((w, i) => {
      const duration = w.samples.length / this.files.features.sampling_rate;
      return {
        ...windowTranscript(decoded[i], w.offsetSeconds, duration, this.tokenizer, this.tokens),
        language: languages[i],
      };
    });
  }

  /** Runs the encoder once over the stacked features: [B, positions, width]. */
  private async encode(features: Float32Array[]): Promise<Tensor> {
    const { feature_size: bins, nb_max_frames: frames } = this.files.features;
    const stacked = new Float32Array(features.length * bins * frames);
    features.forEach((f, i) => stacked.set(f, i * bins * frames));
    const { last_hidden_state: states } = await this.encoder.run({
      input_features: new Tensor('float32', stacked, [features.length, bins, frames]),
    });
    return states;
  }

  /** English for an English-only model (no language tokens); detection otherwise. */
  private defaultLanguage(): string | undefined {
    return this.tokens.languages.has('en') ? 'en' : undefined;
  }
}

function indicesWhere<T>(items: T[], predicate: (item: T) => boolean): number[] {
  return items.flatMap((item, i) => (predicate(item) ? [i] : []));
}

/** The given rows of a [B, …] tensor (the tensor itself when that is all of them, in order). */
function rowsOf(states: Tensor, rows: number[]): Tensor {
  const [batch, ...rest] = states.dims;
  if (rows.length === batch && rows.every((row, i) => row === i)) return states;
  const size = rest.reduce((a, b) => a * b, 1);
  const data = states.data as Float32Array;
  const out = new Float32Array(rows.length * size);
  rows.forEach((row, i) => out.set(data.subarray(row * size, (row + 1) * size), i * size));
  return new Tensor('float32', out, [rows.length, ...rest]);
}
