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
 * Greedy decoding with the merged decoder's KV cache, for a batch of windows at once: the first
 * run takes the prompts (all of one length: the merged decoder has no attention mask) with empty
 * past tensors and use_cache_branch=false, so the decoder projects the encoder states into
 * cross-attention keys/values; later runs take one token per window, the grown self-attention
 * cache and those first cross-attention keys/values (exports return empty ones on the cached
 * branch). One run per step serves every window; a window that has finished is fed end-of-text
 * until the last one finishes, and its outputs are ignored.
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

  /** Per window of encoderStates [B, …], the language token most likely after start-of-transcript. */
  async detectLanguages(encoderStates: Tensor): Promise<(string | undefined)[]> {
    const batch = encoderStates.dims[0];
    if (this.tokens.languages.size === 0) return Array.from({ length: batch }, () => undefined);
    const { logits } = await this.step(encoderStates, Array.from({ length: batch }, () => [this.tokens.startOfTranscript]), undefined);
    return logits.map((row) => {
      let best: [string, number] | undefined;
      for (const [code, id] of this.tokens.languages) if (!best || row[id] > best[1]) best = [code, row[id]];
      return best?.[0];
    });
  }

  /** Decodes each window of encoderStates [B, …] from its prompt; prompts must share one length. */
  async decode(encoderStates: Tensor, prompts: number[][], options: GreedyDecodeOptions[]): Promise<DecodedTokens[]> {
    const promptLength = prompts[0].length;
    if (prompts.some((p) => p.length !== promptLength)) throw new RangeError('one decoder batch needs prompts of one length');
    const limits = options.map((o) => Math.min(o.fixedSteps ?? o.maxNewTokens, this.config.max_target_positions - promptLength));
    const results: DecodedTokens[] = prompts.map(() => ({ tokens: [], logProbs: [] }));
    const done = limits.map((limit) => limit <= 0);
    let cache: Feeds | undefined;
    let inputs = prompts;
    while (done.includes(false)) {
      const step = await this.step(encoderStates, inputs, cache);
      cache = step.cache;
      inputs = step.logits.map((logits, b) => {
        if (done[b]) return [this.tokens.endOfText];
        const { fixedSteps, timestamps } = options[b];
        const generated = results[b].tokens;
        if (fixedSteps === undefined) applyWhisperLogitsRules(logits, generated, this.tokens, timestamps);
        const next = argmax(logits);
        if (next === this.tokens.endOfText && fixedSteps === undefined) {
          done[b] = true;
        } else {
          generated.push(next);
          results[b].logProbs.push(logSoftmax(logits)[next]);
          done[b] = generated.length >= limits[b];
        }
        return [next];
      });
    }
    return results;
  }

  /** One decoder run: each window's logits at its last input position, and the cache for the next run. */
  private async step(encoderStates: Tensor, inputIds: number[][], cache: Feeds | undefined): Promise<{ logits: Float32Array[]; cache: Feeds }> {
    const batch = inputIds.length;
    const length = inputIds[0].length;
    const feeds: Feeds = {
      input_ids: new Tensor('int64', BigInt64Array.from(inputIds.flat(), BigInt), [batch, length]),
      encoder_hidden_states: encoderStates,
      use_cache_branch: new Tensor('bool', [cache !== undefined], [1]),
      ...(cache ?? this.emptyCache(batch)),
    };
    const outputs = await this.session.run(feeds);
    const all = outputs['logits'].data as Float32Array;
    const vocab = outputs['logits'].dims[2];
    const logits = Array.from({ length: batch }, (_, b) => all.slice(((b + 1) * length - 1) * vocab, (b + 1) * length * vocab));
    const next: Feeds = {};
    for (let i = 0; i < this.layers; i++) {
      for (const part of ['key', 'value']) {
        next[`past_key_values.${i}.decoder.${part}`] = outputs[`present.${i}.decoder.${part}`];
        // The cross-attention cache is what the first run computed.
        next[`past_key_values.${i}.encoder.${part}`] = cache?.[`past_key_values.${i}.encoder.${part}`] ?? outputs[`present.${i}.encoder.${part}`];
      }
    }
    return { logits, cache: next };
  }

  private emptyCache(batch: number): Feeds {
    const empty = new Tensor('float32', new Float32Array(0), [batch, this.heads, 0, this.headDim]);
    const feeds: Feeds = {};
    for (let i = 0; i < this.layers; i++) {
      for (const kind of ['decoder', 'encoder']) for (const part of ['key', 'value']) feeds[`past_key_values.${i}.${kind}.${part}`] = empty;
    }
    return feeds;
  }
}
