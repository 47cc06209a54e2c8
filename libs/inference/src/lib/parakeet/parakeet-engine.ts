import { Tensor, type InferenceSession } from 'onnxruntime-node';
import type { WordTiming } from '@streamscribe/contracts';
import { MODEL_SAMPLE_RATE } from '../audio/to-model-input';
import type { OnnxSessionFactory } from '../runtime/onnx-session.factory';
import { geometricMeanProbability } from '../runtime/scores';
import { ParakeetModelFiles, loadParakeetModelFiles } from './parakeet-model-files';
import { TdtGreedyDecoder, TdtToken } from './tdt-greedy-decoder';

/** NeMo's preprocessor hops 10 ms; an encoder frame spans subsampling_factor of those. */
const FEATURE_HOP_SECONDS = 0.01;
const DEFAULT_DURATIONS = [0, 1, 2, 3, 4];

export interface ParakeetResult {
  text: string;
  words: WordTiming[];
  confidence: number;
}

/**
 * Parakeet TDT on ONNX Runtime: the preprocessor and encoder run once per batch over the padded
 * waveforms (each item's length goes with it), then the TDT loop decodes the batch together, each
 * item over its own encoded length only.
 */
export class ParakeetEngine {
  private constructor(
    readonly files: ParakeetModelFiles,
    private readonly preprocessor: InferenceSession,
    private readonly encoder: InferenceSession,
    private readonly decoder: TdtGreedyDecoder,
  ) {}

  static async load(dir: string, sessions: OnnxSessionFactory, quantized = false): Promise<ParakeetEngine> {
    const files = loadParakeetModelFiles(dir, quantized);
    const [preprocessor, encoder, decoderJoint] = [
      await sessions.create(files.preprocessorPath),
      await sessions.create(files.encoderPath),
      await sessions.create(files.decoderJointPath),
    ];
    return new ParakeetEngine(
      files,
      preprocessor,
      encoder,
      new TdtGreedyDecoder(
        decoderJoint,
        files.vocabulary.length,
        files.config.durations ?? DEFAULT_DURATIONS,
      ),
    );
  }

  get frameSeconds(): number {
    return FEATURE_HOP_SECONDS * this.files.config.subsampling_factor;
  }

  async warmUp(): Promise<void> {
    await this.transcribeBatch([new Float32Array(16000)]);
  }

  /** Empty waveforms get an empty result without a model run (NeMo would still emit a frame). */
  async transcribeBatch(waveforms: Float32Array[]): Promise<ParakeetResult[]> {
    const audible = waveforms.filter((w) => w.length > 0);
    const decoded = audible.length > 0 ? await this.decoder.decode(await this.encode(audible)) : [];
    return waveforms.map((w) =>
      w.length === 0
        ? { text: '', words: [], confidence: 0 }
        : this.toResult(decoded.shift() ?? [], w.length / MODEL_SAMPLE_RATE),
    );
  }

  /** Preprocessor + encoder over the batch; each item's encoder frames up to its own length. */
  private async encode(waveforms: Float32Array[]): Promise<Float32Array[][]> {
    const longest = Math.max(...waveforms.map((w) => w.length));
    const padded = new Float32Array(waveforms.length * longest);
    waveforms.forEach((w, i) => padded.set(w, i * longest));
    const lengths = BigInt64Array.from(waveforms, (w) => BigInt(w.length));
    const { features, features_lens } = await this.preprocessor.run({
      waveforms: new Tensor('float32', padded, [waveforms.length, longest]),
      waveforms_lens: new Tensor('int64', lengths, [waveforms.length]),
    });
    const { outputs, encoded_lengths } = await this.encoder.run({
      audio_signal: features,
      length: features_lens,
    });
    const [batch, width, time] = outputs.dims;
    const data = outputs.data as Float32Array;
    const encodedLengths = encoded_lengths.data as BigInt64Array;
    return Array.from({ length: batch }, (_, b) =>
      Array.from({ length: Math.min(Number(encodedLengths[b]), time) }, (_, t) => {
        const frame = new Float32Array(width);
        for (let d = 0; d < width; d++) frame[d] = data[(b * width + d) * time + t];
        return frame;
      }),
    );
  }

  /**
   * Words from the tokens, timed by encoder frame. The last encoder frame reaches past the audio
   * (frames are padded up to a whole 80 ms) and a TDT duration may skip beyond it, so times are
   * capped at the audio's end: a word must not overlap the next chunk of a session.
   */
  private toResult(tokens: TdtToken[], audioSeconds: number): ParakeetResult {
    const words: WordTiming[] = [];
    let group: TdtToken[] = [];
    const flush = () => {
      const text = group
        .map((t) => this.files.vocabulary[t.id])
        .join('')
        .replace(/▁/g, '');
      if (text !== '') {
        const last = group[group.length - 1];
        words.push({
          word: text,
          start: round(Math.min(group[0].frame * this.frameSeconds, audioSeconds)),
          end: round(Math.min((last.frame + Math.max(last.duration, 1)) * this.frameSeconds, audioSeconds)),
          confidence: geometricMeanProbability(group.map((t) => t.logProb)),
        });
      }
      group = [];
    };
    for (const token of tokens) {
      if (this.files.vocabulary[token.id].startsWith('▁')) flush();
      group.push(token);
    }
    flush();
    return {
      text: words.map((w) => w.word).join(' '),
      words,
      confidence: geometricMeanProbability(tokens.map((t) => t.logProb)),
    };
  }
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
