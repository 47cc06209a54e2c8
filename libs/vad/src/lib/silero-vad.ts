import { join, resolve } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { LinearResampler, VAD_SAMPLE_RATE } from './pcm';
import { type SpeechSegmenterOptions, resolveSegmenterOptions, spansOfFrames } from './speech-segmenter';
import type { SpeechSpan, VoiceActivityDetector } from './speech-span';
import type { VadFrame } from './vad-frame';

/** Silero v5's window at 16 kHz (32 ms), and the tail of the previous window it sees with it. */
export const VAD_WINDOW_SAMPLES = 512;
const CONTEXT_SAMPLES = 64;
const STATE_SIZE = 2 * 1 * 128;
export const VAD_FRAME_MS = (VAD_WINDOW_SAMPLES * 1000) / VAD_SAMPLE_RATE;

/** The Silero VAD v5 model shipped in this lib (libs/vad/model, MIT): 16 kHz only, all it is fed. */
export const SILERO_MODEL_FILE = 'silero_vad_16k_op15.onnx';
/** Where an app bundle (webpack.app.config.js `VAD_MODEL`) has the model: beside main.js. */
export const BUNDLED_VAD_MODEL_DIR = 'vad-model';

/**
 * The shipped model's path: libs/vad/model run from sources (tests, `npm start`), or the copy
 * beside main.js in a bundled app (dist/apps/<app>/vad-model).
 */
export function bundledSileroModel(): string {
  if (!__filename.endsWith('.ts')) return join(__dirname, BUNDLED_VAD_MODEL_DIR, SILERO_MODEL_FILE);
  return resolve(__dirname, '../../model', SILERO_MODEL_FILE);
}

export interface SileroVadOptions {
  /**
   * An ONNX export of Silero VAD v5 (inputs input/state/sr) to load instead of the bundled one.
   * @defaultValue bundledSileroModel()
   */
  modelPath?: string;
  /**
   * onnxruntime intra-op threads; the model is tiny, one thread keeps it off the decoders' cores.
   * @defaultValue 1
   */
  threads?: number;
  /** How `speechSpans` turns frames into spans (Silero's defaults otherwise). */
  segmenter?: SpeechSegmenterOptions;
}

export interface VadStreamOptions {
  /**
   * Rate of the samples pushed; anything other than 16 kHz is resampled linearly.
   * @defaultValue 16000
   */
  sampleRate?: number;
}

/**
 * Silero voice activity detection on onnxruntime-node (CPU). One loaded model serves any number of
 * streams; each stream keeps its own recurrent state.
 */
export class SileroVad implements VoiceActivityDetector {
  private constructor(
    private readonly session: InferenceSession,
    private readonly segmenterOptions: SpeechSegmenterOptions,
  ) {}

  static async load(options: SileroVadOptions = {}): Promise<SileroVad> {
    const threads = options.threads ?? 1;
    if (!Number.isInteger(threads) || threads < 1)
      throw new RangeError(`threads must be a whole number >= 1, got ${threads}`);
    resolveSegmenterOptions(options.segmenter);
    const modelPath = options.modelPath ?? bundledSileroModel();
    const session = await InferenceSession.create(modelPath, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
    });
    for (const name of ['input', 'state', 'sr'])
      if (!session.inputNames.includes(name))
        throw new Error(
          `${modelPath} is not a Silero VAD v5 export: inputs are ${session.inputNames.join(', ')}, expected input, state, sr`,
        );
    return new SileroVad(session, options.segmenter ?? {});
  }

  /** A new stream with its own state, times from its first sample. */
  stream(options: VadStreamOptions = {}): StreamingVad {
    return new StreamingVad(this.session, options.sampleRate ?? VAD_SAMPLE_RATE);
  }

  async speechSpans(
    samples: Float32Array,
    sampleRate: number,
    options: SpeechSegmenterOptions = this.segmenterOptions,
  ): Promise<SpeechSpan[]> {
    const stream = this.stream({ sampleRate });
    const frames = [...(await stream.push(samples)), ...(await stream.flush())];
    return spansOfFrames(frames, options);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * One audio stream through Silero: push samples of any length, get a frame per full 32 ms window.
 * Pushes are processed in order even when not awaited one by one.
 */
export class StreamingVad {
  private readonly resampler: LinearResampler;
  private readonly state = new Float32Array(STATE_SIZE);
  private readonly window = new Float32Array(CONTEXT_SAMPLES + VAD_WINDOW_SAMPLES);
  private readonly sampleRateTensor = new Tensor('int64', BigInt64Array.from([BigInt(VAD_SAMPLE_RATE)]), []);
  private pending = new Float32Array(0);
  private framesDone = 0;
  /** Samples (16 kHz) pushed in all; the last frame of a flush ends here. */
  private samplesIn = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly session: InferenceSession,
    readonly sampleRate: number,
  ) {
    this.resampler = new LinearResampler(sampleRate, VAD_SAMPLE_RATE);
  }

  /** Milliseconds of audio the frames returned so far cover. */
  get processedMs(): number {
    return Math.min(this.framesDone * VAD_FRAME_MS, (this.samplesIn * 1000) / VAD_SAMPLE_RATE);
  }

  push(samples: Float32Array): Promise<VadFrame[]> {
    return this.enqueue(() => this.run(this.resampler.push(samples), false));
  }

  /** End of audio: a last partial window is scored padded with silence. */
  flush(): Promise<VadFrame[]> {
    return this.enqueue(() => this.run(new Float32Array(0), true));
  }

  private enqueue(work: () => Promise<VadFrame[]>): Promise<VadFrame[]> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async run(samples: Float32Array, flush: boolean): Promise<VadFrame[]> {
    this.samplesIn += samples.length;
    const buffered = new Float32Array(this.pending.length + samples.length);
    buffered.set(this.pending);
    buffered.set(samples, this.pending.length);
    const frames: VadFrame[] = [];
    let at = 0;
    while (buffered.length - at >= VAD_WINDOW_SAMPLES || (flush && at < buffered.length)) {
      const chunk = buffered.subarray(at, Math.min(at + VAD_WINDOW_SAMPLES, buffered.length));
      at += chunk.length;
      const startMs = this.framesDone * VAD_FRAME_MS;
      const probability = await this.score(chunk);
      this.framesDone++;
      const endMs = Math.min(startMs + VAD_FRAME_MS, (this.samplesIn * 1000) / VAD_SAMPLE_RATE);
      frames.push({ startMs, endMs, probability });
    }
    this.pending = buffered.slice(at);
    return frames;
  }

  private async score(chunk: Float32Array): Promise<number> {
    const window = this.window;
    window.copyWithin(0, VAD_WINDOW_SAMPLES, VAD_WINDOW_SAMPLES + CONTEXT_SAMPLES);
    window.fill(0, CONTEXT_SAMPLES);
    window.set(chunk, CONTEXT_SAMPLES);
    const input = new Tensor('float32', window.slice(), [1, window.length]);
    const state = new Tensor('float32', this.state.slice(), [2, 1, 128]);
    const out = await this.session.run({ input, state, sr: this.sampleRateTensor });
    this.state.set(out['stateN'].data as Float32Array);
    return (out['output'].data as Float32Array)[0];
  }
}
