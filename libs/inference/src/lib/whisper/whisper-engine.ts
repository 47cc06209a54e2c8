import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { WhisperLogMel } from '../features/whisper-log-mel';
import { ByteLevelBpeDecoder } from './byte-level-bpe-decoder';
import { WhisperGreedyDecoder } from './whisper-greedy-decoder';
import { WhisperDtype, WhisperModelFiles, loadWhisperModelFiles } from './whisper-model-files';
import { WhisperSpecialTokens } from './whisper-special-tokens';
import { WindowTranscript, windowTranscript } from './whisper-transcript';

/** One ≤ 30 s window of audio to transcribe, with its decoding choices. */
export interface WhisperWindow {
  samples: Float32Array;
  /** Seconds from the start of the chunk, for segment times. */
  offsetSeconds: number;
  /** A language code to force; undefined detects it (multilingual models). */
  language?: string;
  task: 'transcribe' | 'translate';
  timestamps: boolean;
  /** Benchmarks only: see GreedyDecodeOptions.fixedSteps. */
  fixedSteps?: number;
}

export interface WindowResult extends WindowTranscript {
  language?: string;
}

/**
 * Whisper on ONNX Runtime: log-mel features per window, one encoder run for a batch of windows
 * (padded to 30 s, as Whisper always is), then greedy decoding per window with its own true
 * duration for the segment times.
 */
export class WhisperEngine {
  readonly features: WhisperLogMel;
  readonly tokens: WhisperSpecialTokens;
  readonly tokenizer: ByteLevelBpeDecoder;

  private readonly decoder: WhisperGreedyDecoder;

  private constructor(
    readonly files: WhisperModelFiles,
    private readonly encoder: InferenceSession,
    decoderSession: InferenceSession,
  ) {
    this.features = new WhisperLogMel(files.features);
    this.tokens = new WhisperSpecialTokens(files.generation);
    this.tokenizer = new ByteLevelBpeDecoder(files.tokenizer);
    this.decoder = new WhisperGreedyDecoder(decoderSession, files.config, this.tokens);
  }

  static async load(dir: string, sessions: OnnxSessionFactory, dtype: WhisperDtype = 'fp32'): Promise<WhisperEngine> {
    const files = loadWhisperModelFiles(dir, dtype);
    if (files.features.feature_size !== files.config.num_mel_bins) {
      throw new Error(`${dir}: preprocessor_config.json has ${files.features.feature_size} mel bins but config.json ${files.config.num_mel_bins}`);
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
    await this.transcribeBatch([{ samples: new Float32Array(this.files.features.sampling_rate), offsetSeconds: 0, language: this.defaultLanguage(), task: 'transcribe', timestamps: false, fixedSteps: 2 }]);
  }

  async transcribeBatch(windows: WhisperWindow[]): Promise<WindowResult[]> {
    const encoded = await this.encode(windows.map((w) => this.features.compute(w.samples)));
    const results: WindowResult[] = [];
    for (const [i, window] of windows.entries()) results.push(await this.decodeWindow(window, encoded(i)));
    return results;
  }

  private async decodeWindow(window: WhisperWindow, states: Tensor): Promise<WindowResult> {
    const language = window.language ?? (await this.decoder.detectLanguage(states));
    const prompt = this.tokens.prompt(language, window.task, window.timestamps);
    const decoded = await this.decoder.decode(states, prompt, {
      timestamps: window.timestamps,
      maxNewTokens: this.files.config.max_target_positions,
      fixedSteps: window.fixedSteps,
    });
    const duration = window.samples.length / this.files.features.sampling_rate;
    return { ...windowTranscript(decoded, window.offsetSeconds, duration, this.tokenizer, this.tokens), language };
  }

  /** Runs the encoder once over the stacked features; returns each item's hidden states. */
  private async encode(features: Float32Array[]): Promise<(index: number) => Tensor> {
    const { feature_size: bins, nb_max_frames: frames } = this.files.features;
    const stacked = new Float32Array(features.length * bins * frames);
    features.forEach((f, i) => stacked.set(f, i * bins * frames));
    const { last_hidden_state: states } = await this.encoder.run({ input_features: new Tensor('float32', stacked, [features.length, bins, frames]) });
    const [, positions, width] = states.dims;
    const data = states.data as Float32Array;
    const size = positions * width;
    return (index) => new Tensor('float32', data.subarray(index * size, (index + 1) * size), [1, positions, width]);
  }

  /** English for an English-only model (no language tokens); detection otherwise. */
  private defaultLanguage(): string | undefined {
    return this.tokens.languages.has('en') ? 'en' : undefined;
  }
}
