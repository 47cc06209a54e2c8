import { InferenceSession, Tensor } from 'onnxruntime-node';
import { argmax, logSoftmax } from '../runtime/scores';

/** A token the TDT loop emitted, at the encoder frame it was emitted on. */
export interface TdtToken {
  id: number;
  frame: number;
  /** Frames the duration head said the token lasts. */
  duration: number;
  logProb: number;
}

/** Most tokens emitted on one frame before the loop moves on regardless (as NeMo and onnx-asr). */
const MAX_TOKENS_PER_FRAME = 10;

/**
 * The Token-and-Duration Transducer greedy loop over one item's encoder frames (its true length,
 * not the batch's padded one): the joint scores tokens and durations for frame t given the
 * previous token; a non-blank token is emitted and advances the prediction network's state; t
 * moves on by the predicted duration, or by one frame after a blank or too many tokens.
 */
export class TdtGreedyDecoder {
  private readonly stateShape: readonly number[];

  constructor(
    private readonly session: InferenceSession,
    private readonly vocabularySize: number,
    private readonly durations: readonly number[],
  ) {
    const meta = session.inputMetadata.find((m) => m.name === 'input_states_1');
    const shape = meta && meta.isTensor ? meta.shape : [2, 1, 640];
    this.stateShape = [Number(shape[0]), 1, Number(shape[2])];
  }

  get blank(): number {
    return this.vocabularySize - 1;
  }

  /** frames: [frameCount][width] rows of one item. */
  async decode(frames: Float32Array[]): Promise<TdtToken[]> {
    const stateSize = this.stateShape.reduce((a, b) => a * b, 1);
    let state1: Tensor = new Tensor('float32', new Float32Array(stateSize), this.stateShape);
    let state2: Tensor = new Tensor('float32', new Float32Array(stateSize), this.stateShape);
    const tokens: TdtToken[] = [];
    let previous = this.blank;
    let emittedOnFrame = 0;
    for (let t = 0; t < frames.length; ) {
      const outputs = await this.session.run({
        encoder_outputs: new Tensor('float32', frames[t], [1, frames[t].length, 1]),
        targets: new Tensor('int32', Int32Array.of(previous), [1, 1]),
        target_length: new Tensor('int32', Int32Array.of(1), [1]),
        input_states_1: state1,
        input_states_2: state2,
      });
      const scores = outputs['outputs'].data as Float32Array;
      const tokenScores = scores.subarray(0, this.vocabularySize);
      const token = argmax(tokenScores);
      const step = this.durations[argmax(scores, this.vocabularySize, this.vocabularySize + this.durations.length) - this.vocabularySize];
      if (token !== this.blank) {
        tokens.push({ id: token, frame: t, duration: step, logProb: logSoftmax(tokenScores)[token] });
        state1 = outputs['output_states_1'];
        state2 = outputs['output_states_2'];
        previous = token;
        emittedOnFrame++;
      }
      if (step > 0) {
        t += step;
        emittedOnFrame = 0;
      } else if (token === this.blank || emittedOnFrame >= MAX_TOKENS_PER_FRAME) {
        t++;
        emittedOnFrame = 0;
      }
    }
    return tokens;
  }
}
