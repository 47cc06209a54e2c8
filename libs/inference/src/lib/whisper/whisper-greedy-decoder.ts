import { InferenceSession, Tensor } from 'onnxruntime-node';
import { argmax, logSoftmax } from '../runtime/scores';
import { applyWhisperLogitsRules } from './whisper-logits-rules';
import type { WhisperConfig } from './whisper-model-files';
import type { WhisperSpecialTokens } from './whisper-special-tokens';

export interface GreedyDecodeOptions {
  timestamps: boolean;
  /** Stop after this many generated tokens (the model's context bounds it too). */
  maxNewTokens: number;
  /** Benchmarks only: generate exactly this many tokens, ignoring end-of-text, so runs compare. */
  fixedSteps?: number;
}

export interface DecodedTokens {
  /** Generated tokens after the prompt, without the final end-of-text. */
  tokens: number[];
  /** Natural-log probability of each of those tokens when it was chosen. */
  logProbs: number[];
}

type Feeds = Record<string, Tensor>;

/**
 * Greedy decoding with the merged decoder's KV cache: the first run takes the whole prompt with
 * empty past tensors and use_cache_branch=false (the decoder projects the encoder states into
 * cross-attention keys/values); later runs take one token, the grown self-attention cache and
 * those first cross-attention keys/values (exports return empty ones on the cached branch).
 */
export class WhisperGreedyDecoder {
  private readonly layers: number;
  private readonly heads: number;
  private readonly headDim: number;

  constructor(
    private readonly session: InferenceSession,
    private readonly config: WhisperConfig,
    private readonly tokens: WhisperSpecialTokens,
  ) {
    this.layers = config.decoder_layers;
    this.heads = config.decoder_attention_heads;
    this.headDim = config.d_model / config.decoder_attention_heads;
  }

  /** The language token the model finds most likely after start-of-transcript. */
  async detectLanguage(encoderStates: Tensor): Promise<string | undefined> {
    if (this.tokens.languages.size === 0) return undefined;
    const { logits } = await this.step(encoderStates, [this.tokens.startOfTranscript], undefined);
    let best: [string, number] | undefined;
    for (const [code, id] of this.tokens.languages) if (!best || logits[id] > best[1]) best = [code, logits[id]];
    return best?.[0];
  }

  async decode(encoderStates: Tensor, prompt: number[], options: GreedyDecodeOptions): Promise<DecodedTokens> {
    const limit = Math.min(options.fixedSteps ?? options.maxNewTokens, this.config.max_target_positions - prompt.length);
    const generated: number[] = [];
    const logProbs: number[] = [];
    let cache: Feeds | undefined;
    let input = prompt;
    while (generated.length < limit) {
      const step = await this.step(encoderStates, input, cache);
      cache = step.cache;
      if (options.fixedSteps === undefined) applyWhisperLogitsRules(step.logits, generated, this.tokens, options.timestamps);
      const next = argmax(step.logits);
      if (next === this.tokens.endOfText && options.fixedSteps === undefined) break;
      generated.push(next);
      logProbs.push(logSoftmax(step.logits)[next]);
      input = [next];
    }
    return { tokens: generated, logProbs };
  }

  /** One decoder run: the last position's logits and the cache for the next run. */
  private async step(encoderStates: Tensor, inputIds: number[], cache: Feeds | undefined): Promise<{ logits: Float32Array; cache: Feeds }> {
    const feeds: Feeds = {
      input_ids: new Tensor('int64', BigInt64Array.from(inputIds, BigInt), [1, inputIds.length]),
      encoder_hidden_states: encoderStates,
      use_cache_branch: new Tensor('bool', [cache !== undefined], [1]),
      ...(cache ?? this.emptyCache()),
    };
    const outputs = await this.session.run(feeds);
    const logits = outputs['logits'];
    const vocab = logits.dims[2];
    const last = (logits.data as Float32Array).slice((inputIds.length - 1) * vocab, inputIds.length * vocab);
    const next: Feeds = {};
    for (let i = 0; i < this.layers; i++) {
      for (const part of ['key', 'value']) {
        next[`past_key_values.${i}.decoder.${part}`] = outputs[`present.${i}.decoder.${part}`];
        // The cross-attention cache is what the first run computed.
        next[`past_key_values.${i}.encoder.${part}`] = cache?.[`past_key_values.${i}.encoder.${part}`] ?? outputs[`present.${i}.encoder.${part}`];
      }
    }
    return { logits: last, cache: next };
  }

  private emptyCache(): Feeds {
    const empty = new Tensor('float32', new Float32Array(0), [1, this.heads, 0, this.headDim]);
    const feeds: Feeds = {};
    for (let i = 0; i < this.layers; i++) {
      for (const kind of ['decoder', 'encoder']) for (const part of ['key', 'value']) feeds[`past_key_values.${i}.${kind}.${part}`] = empty;
    }
    return feeds;
  }
}
