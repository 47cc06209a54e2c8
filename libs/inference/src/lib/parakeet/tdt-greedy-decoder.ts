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

/** One item's place in the loop: its frame, previous token and prediction-network state. */
interface ItemState {
  frames: Float32Array[];
  t: number;
  previous: number;
  emittedOnFrame: number;
  /** [layers × width] each, the item's slice of input_states_1 / input_states_2. */
  state1: Float32Array;
  state2: Float32Array;
  tokens: TdtToken[];
}

/**
 * The Token-and-Duration Transducer greedy loop, for a batch of items at once: each run of the
 * decoder-joint scores, for every item still inside its own encoded length (never the batch's
 * padded one), tokens and durations at that item's frame t given its previous token. A non-blank
 * token is emitted and adopts the prediction network's new state; t moves on by the predicted
 * duration, or by one frame after a blank or too many tokens on one frame. Items advance
 * independently; finished ones leave the batch.
 */
export class TdtGreedyDecoder {
  private readonly layers: number;
  private readonly width: number;

  constructor(
    private readonly session: InferenceSession,
    private readonly vocabularySize: number,
    private readonly durations: readonly number[],
  ) {
    const meta = session.inputMetadata.find((m) => m.name === 'input_states_1');
    const shape = meta && meta.isTensor ? meta.shape : [2, 1, 640];
    this.layers = Number(shape[0]);
    this.width = Number(shape[2]);
  }

  get blank(): number {
    return this.vocabularySize - 1;
  }

  /** items[b]: that item's encoder frames, [frameCount][encoder width]. */
  async decode(items: Float32Array[][]): Promise<TdtToken[][]> {
    const states: ItemState[] = items.map((frames) => ({
      frames,
      t: 0,
      previous: this.blank,
      emittedOnFrame: 0,
      state1: new Float32Array(this.layers * this.width),
      state2: new Float32Array(this.layers * this.width),
      tokens: [],
    }));
    for (
      let active = states.filter((s) => s.t < s.frames.length);
      active.length > 0;
      active = active.filter((s) => s.t < s.frames.length)
    ) {
      await this.step(active);
    }
    return states.map((s) => s.tokens);
  }

  private async step(active: ItemState[]): Promise<void> {
    const batch = active.length;
    const frameWidth = active[0].frames[0].length;
    const frames = new Float32Array(batch * frameWidth);
    active.forEach((s, i) => frames.set(s.frames[s.t], i * frameWidth));
    const outputs = await this.session.run({
      encoder_outputs: new Tensor('float32', frames, [batch, frameWidth, 1]),
      targets: new Tensor(
        'int32',
        Int32Array.from(active, (s) => s.previous),
        [batch, 1],
      ),
      target_length: new Tensor('int32', new Int32Array(batch).fill(1), [batch]),
      input_states_1: this.stackStates(active.map((s) => s.state1)),
      input_states_2: this.stackStates(active.map((s) => s.state2)),
    });
    const scores = outputs['outputs'].data as Float32Array;
    const row = this.vocabularySize + this.durations.length;
    active.forEach((s, i) => {
      const itemScores = scores.subarray(i * row, (i + 1) * row);
      const tokenScores = itemScores.subarray(0, this.vocabularySize);
      const token = argmax(tokenScores);
      const step = this.durations[argmax(itemScores, this.vocabularySize, row) - this.vocabularySize];
      if (token !== this.blank) {
        s.tokens.push({ id: token, frame: s.t, duration: step, logProb: logSoftmax(tokenScores)[token] });
        s.state1 = this.itemState(outputs['output_states_1'], i, batch);
        s.state2 = this.itemState(outputs['output_states_2'], i, batch);
        s.previous = token;
        s.emittedOnFrame++;
      }
      if (step > 0) {
        s.t += step;
        s.emittedOnFrame = 0;
      } else if (token === this.blank || s.emittedOnFrame >= MAX_TOKENS_PER_FRAME) {
        s.t++;
        s.emittedOnFrame = 0;
      }
    });
  }

  /** Per-item [layers × width] states as one [layers, batch, width] tensor. */
  private stackStates(items: Float32Array[]): Tensor {
    const out = new Float32Array(this.layers * items.length * this.width);
    items.forEach((state, i) => {
      for (let l = 0; l < this.layers; l++)
        out.set(state.subarray(l * this.width, (l + 1) * this.width), (l * items.length + i) * this.width);
    });
    return new Tensor('float32', out, [this.layers, items.length, this.width]);
  }

  /** Item i's [layers × width] slice of a [layers, batch, width] state output. */
  private itemState(states: Tensor, i: number, batch: number): Float32Array {
    const data = states.data as Float32Array;
    const out = new Float32Array(this.layers * this.width);
    for (let l = 0; l < this.layers; l++)
      out.set(data.subarray((l * batch + i) * this.width, (l * batch + i + 1) * this.width), l * this.width);
    return out;
  }
}
