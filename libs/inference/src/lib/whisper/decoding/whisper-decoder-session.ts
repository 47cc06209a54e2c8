import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { WhisperConfig } from '../whisper-model-files';
import { CacheScratch, ScratchLease } from './cache-scratch';
import { gatherRows } from './gather-rows';

export type DecoderCache = Record<string, Tensor>;

/** A decoder layer and one of its cross-attention heads (generation_config.json `alignment_heads`). */
export type AlignmentHead = readonly [layer: number, head: number];

export interface DecoderStepResult {
  /** Each row's logits at its last input position. */
  logits: Float32Array[];
  /** Each row's logits at the first input position (start-of-transcript on the prompt run). */
  firstLogits: Float32Array[];
  /**
   * Each row's cross-attention weights at its last input position, one array of encoder frames
   * per alignment head; only when the session was asked for them and the export provides them.
   */
  attention?: Float32Array[][];
  cache: DecoderCache;
}

/**
 * One run of the merged decoder (the onnx-community layout). The first run takes the prompts with
 * empty past tensors and use_cache_branch=false, so the decoder projects the encoder states into
 * cross-attention keys/values; later runs take one token per row, the grown self-attention cache
 * and those first cross-attention keys/values (exports return empty ones on the cached branch).
 * Rows can be copied (several beams or samples per window) and reordered (beams that survive a
 * step) between runs.
 */
export class WhisperDecoderSession {
  private readonly layers: number;
  private readonly heads: number;
  private readonly headDim: number;
  private readonly fetches: string[];
  /** The fetches plus the alignment heads' cross_attentions.{layer}; undefined without heads. */
  private readonly fetchesWithAttention: string[] | undefined;
  private readonly scratch = new CacheScratch();

  constructor(
    private readonly session: InferenceSession,
    config: WhisperConfig,
    /** The export's alignment heads when it also outputs cross_attentions.{layer}; undefined otherwise. */
    readonly alignmentHeads: readonly AlignmentHead[] | undefined,
  ) {
    this.layers = config.decoder_layers;
    this.heads = config.decoder_attention_heads;
    this.headDim = config.d_model / config.decoder_attention_heads;
    this.fetches = ['logits'];
    for (let i = 0; i < this.layers; i++) {
      for (const kind of ['decoder', 'encoder'])
        for (const part of ['key', 'value']) this.fetches.push(`present.${i}.${kind}.${part}`);
    }
    const attentionLayers = new Set((alignmentHeads ?? []).map(([layer]) => layer));
    this.fetchesWithAttention = alignmentHeads
      ? [...this.fetches, ...[...attentionLayers].map((layer) => `cross_attentions.${layer}`)]
      : undefined;
  }

  /**
   * One decoder run over inputIds [rows, length] (one length for all: the merged decoder has no
   * attention mask). encoderStates has one row per window on the first run; later runs ignore it.
   * withAttention fetches the alignment heads' cross-attention too (a timestamped export only).
   */
  async run(
    encoderStates: Tensor,
    inputIds: number[][],
    cache: DecoderCache | undefined,
    withAttention = false,
  ): Promise<DecoderStepResult> {
    const rows = inputIds.length;
    const length = inputIds[0].length;
    const feeds: DecoderCache = {
      input_ids: new Tensor('int64', BigInt64Array.from(inputIds.flat(), BigInt), [rows, length]),
      encoder_hidden_states: encoderStates,
      use_cache_branch: new Tensor('bool', [cache !== undefined], [1]),
      ...(cache ?? this.emptyCache(rows)),
    };
    const heads = withAttention ? this.alignmentHeads : undefined;
    const outputs = await this.session.run(feeds, (heads && this.fetchesWithAttention) || this.fetches);
    const all = outputs['logits'].data as Float32Array;
    const vocab = outputs['logits'].dims[2];
    const logits = Array.from({ length: rows }, (_, r) =>
      all.slice(((r + 1) * length - 1) * vocab, (r + 1) * length * vocab),
    );
    const firstLogits = Array.from({ length: rows }, (_, r) =>
      all.subarray(r * length * vocab, (r * length + 1) * vocab),
    );
    const next: DecoderCache = {};
    for (let i = 0; i < this.layers; i++) {
      for (const part of ['key', 'value']) {
        next[`past_key_values.${i}.decoder.${part}`] = outputs[`present.${i}.decoder.${part}`];
        // The cross-attention cache is what the first run computed.
        next[`past_key_values.${i}.encoder.${part}`] =
          cache?.[`past_key_values.${i}.encoder.${part}`] ?? outputs[`present.${i}.encoder.${part}`];
      }
    }
    const attention = heads ? this.lastPositionAttention(outputs, rows, heads) : undefined;
    return { logits, firstLogits, attention, cache: next };
  }

  /**
   * The cache with its rows taken from `sources` (row i of the result is row sources[i]).
   * selfOnly keeps the cross-attention entries as they are: beams of one window share their
   * cross-attention keys/values, so reordering beams within windows never needs to move them.
   * Copied cross-attention entries go into the scratch buffers when a lease is given.
   */
  selectRows(
    cache: DecoderCache,
    sources: readonly number[],
    selfOnly: boolean,
    scratch?: ScratchLease,
  ): DecoderCache {
    if (
      sources.every((source, i) => source === i) &&
      cache[`past_key_values.0.decoder.key`].dims[0] === sources.length
    )
      return cache;
    const next: DecoderCache = {};
    for (const [name, tensor] of Object.entries(cache)) {
      const crossAttention = name.includes('.encoder.');
      next[name] =
        selfOnly && crossAttention
          ? tensor
          : gatherRows(
              tensor,
              sources,
              crossAttention && scratch ? (length) => scratch.buffer(name, length) : undefined,
            );
    }
    return next;
  }

  /** The scratch buffers for one decode's copied cross-attention caches (undefined while another decode holds them). */
  lendScratch(): ScratchLease | undefined {
    return this.scratch.lend();
  }

  /** [rows, heads, 1 or prompt length, frames] per layer → per row, per alignment head, the last position's frames. */
  private lastPositionAttention(
    outputs: InferenceSession.ReturnType,
    rows: number,
    heads: readonly AlignmentHead[],
  ): Float32Array[][] {
    return Array.from({ length: rows }, (_, r) =>
      heads.map(([layer, head]) => {
        const tensor = outputs[`cross_attentions.${layer}`];
        const [, heads, positions, frames] = tensor.dims;
        const data = tensor.data as Float32Array;
        const start = ((r * heads + head) * positions + positions - 1) * frames;
        return data.slice(start, start + frames);
      }),
    );
  }

  private emptyCache(rows: number): DecoderCache {
    const empty = new Tensor('float32', new Float32Array(0), [rows, this.heads, 0, this.headDim]);
    const feeds: DecoderCache = {};
    for (let i = 0; i < this.layers; i++) {
      for (const kind of ['decoder', 'encoder'])
        for (const part of ['key', 'value']) feeds[`past_key_values.${i}.${kind}.${part}`] = empty;
    }
    return feeds;
  }
}
