import { InferenceSession, Tensor } from 'onnxruntime-node';
import { fromFloat16, toFloat16Bits } from './float16';

/**
 * An fp16 export (WHISPER_MODEL_DTYPE=fp16) seen as float32: feeds the model wants in float16 are
 * converted, float16 outputs come back as float32, and the metadata says float32. The engines and
 * decoders stay float32-only. An output fed back unchanged (the encoder's states, the
 * cross-attention cache, which a decoder feeds every step) reuses the model's own float16 tensor
 * instead of converting it again.
 */
export class Float16IoSession implements InferenceSession {
  readonly inputMetadata: readonly InferenceSession.ValueMetadata[];
  readonly outputMetadata: readonly InferenceSession.ValueMetadata[];
  private readonly halfInputs: Set<string>;
  /** float32 data we produced from a float16 output → that output. */
  private readonly origins = new WeakMap<Float32Array, Tensor>();

  constructor(private readonly inner: InferenceSession) {
    this.halfInputs = new Set(inner.inputMetadata.filter(isHalf).map((m) => m.name));
    this.inputMetadata = inner.inputMetadata.map(asFloat32);
    this.outputMetadata = inner.outputMetadata.map(asFloat32);
  }

  /** True when any input or output of the session is float16. */
  static needed(session: InferenceSession): boolean {
    return [...session.inputMetadata, ...session.outputMetadata].some(isHalf);
  }

  get inputNames(): readonly string[] {
    return this.inner.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.inner.outputNames;
  }

  run(
    feeds: InferenceSession.FeedsType,
    options?: InferenceSession.RunOptions,
  ): Promise<InferenceSession.ReturnType>;
  run(
    feeds: InferenceSession.FeedsType,
    fetches: InferenceSession.FetchesType,
    options?: InferenceSession.RunOptions,
  ): Promise<InferenceSession.ReturnType>;
  async run(
    feeds: InferenceSession.FeedsType,
    fetchesOrOptions?: InferenceSession.FetchesType | InferenceSession.RunOptions,
    options?: InferenceSession.RunOptions,
  ): Promise<InferenceSession.ReturnType> {
    const converted: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) {
      converted[name] = this.halfInputs.has(name) && tensor.type === 'float32' ? this.toHalf(tensor) : tensor;
    }
    const outputs = await (options === undefined
      ? this.inner.run(converted, fetchesOrOptions as InferenceSession.RunOptions | undefined)
      : this.inner.run(converted, fetchesOrOptions as InferenceSession.FetchesType, options));
    const result: Record<string, Tensor> = {};
    for (const [name, tensor] of Object.entries(outputs)) {
      if (tensor.type !== 'float16') {
        result[name] = tensor;
        continue;
      }
      const data = fromFloat16(tensor.data as Uint16Array);
      this.origins.set(data, tensor);
      result[name] = new Tensor('float32', data, tensor.dims);
    }
    return result;
  }

  release(): Promise<void> {
    return this.inner.release();
  }

  startProfiling(): void {
    this.inner.startProfiling();
  }

  endProfiling(): void {
    this.inner.endProfiling();
  }

  private toHalf(tensor: Tensor): Tensor {
    const data = tensor.data as Float32Array;
    const origin = this.origins.get(data);
    if (
      origin &&
      origin.dims.length === tensor.dims.length &&
      origin.dims.every((d, i) => d === tensor.dims[i])
    )
      return origin;
    return new Tensor('float16', toFloat16Bits(data), tensor.dims);
  }
}

function isHalf(meta: InferenceSession.ValueMetadata): meta is InferenceSession.TensorValueMetadata {
  return meta.isTensor && meta.type === 'float16';
}

function asFloat32(meta: InferenceSession.ValueMetadata): InferenceSession.ValueMetadata {
  return isHalf(meta) ? { ...meta, type: 'float32' } : meta;
}
