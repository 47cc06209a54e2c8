import type { Tensor } from 'onnxruntime-node';
import { argmax, logSumExp } from '../runtime/scores';
import { sampleIndex, seededRandom } from '../runtime/seeded-random';
import { bestCandidate } from './decoding/candidate-ranking';
import type { ScratchLease } from './decoding/cache-scratch';
import type { DecodedTokens } from './decoding/whisper-decoded-tokens';
import type { DecoderCache, WhisperDecoderSession } from './decoding/whisper-decoder-session';
import { WindowDecodeOptions, generationLimit } from './decoding/window-decode-options';
import { applyWhisperLogitsRules } from './whisper-logits-rules';
import type { WhisperSpecialTokens } from './whisper-special-tokens';

/** One greedy or sampling pass over a batch of windows. */
export interface SamplingPass {
  /** 0 takes the most likely token; above 0 samples from softmax(logits / temperature). */
  temperature: number;
  /** Samples per window (openai's best_of), the best of which is kept; 1 at temperature 0. */
  samples: number;
  /** Seeds each window's generator, so its samples do not depend on the rest of the batch. */
  seed: number;
  lengthPenalty: number;
}

interface Row {
  tokens: number[];
  logProbs: number[];
  sumLogProb: number;
  attention: Float32Array[][];
  done: boolean;
}

/**
 * Greedy decoding (and, above temperature 0, sampling) for a batch of windows at once: one
 * decoder run per step serves every row. A window with several samples runs its prompt once and
 * copies the cache to its sample rows. A row that has finished is fed end-of-text until the last
 * one finishes, and its outputs are ignored.
 */
export class WhisperGreedyDecoder {
  constructor(
    private readonly decoder: WhisperDecoderSession,
    private readonly tokens: WhisperSpecialTokens,
    private readonly maxTargetPositions: number,
  ) {}

  /** Decodes each window of encoderStates [B, …] from its prompt; prompts must share one length. */
  async decode(
    encoderStates: Tensor,
    prompts: number[][],
    options: WindowDecodeOptions[],
    pass: SamplingPass,
  ): Promise<DecodedTokens[]> {
    const scratch = this.decoder.lendScratch();
    try {
      return await this.search(encoderStates, prompts, options, pass, scratch);
    } finally {
      scratch?.release();
    }
  }

  private async search(
    encoderStates: Tensor,
    prompts: number[][],
    options: WindowDecodeOptions[],
    pass: SamplingPass,
    scratch: ScratchLease | undefined,
  ): Promise<DecodedTokens[]> {
    const n = pass.temperature > 0 ? pass.samples : 1;
    const limits = options.map((o) => generationLimit(o, prompts[0].length, this.maxTargetPositions));
    const randoms = prompts.map(() => seededRandom(pass.seed));
    const windowOf = (r: number) => Math.floor(r / n);
    const rows: Row[] = Array.from({ length: prompts.length * n }, (_, r) => ({
      tokens: [],
      logProbs: [],
      sumLogProb: 0,
      attention: [],
      done: limits[windowOf(r)] <= 0,
    }));
    const first = await this.decoder.run(encoderStates, prompts, undefined, true);
    const noSpeech = first.firstLogits.map((logits) =>
      Math.exp(logits[this.tokens.noSpeech] - logSumExp(logits)),
    );
    const firstAttention = first.attention;
    let cache: DecoderCache = this.decoder.selectRows(
      first.cache,
      rows.map((_, r) => windowOf(r)),
      false,
      scratch,
    );
    let logits = rows.map((_, r) => first.logits[windowOf(r)]);
    let attention = firstAttention ? rows.map((_, r) => firstAttention[windowOf(r)]) : undefined;
    for (;;) {
      const inputs = rows.map((row, r) => {
        const b = windowOf(r);
        return [
          row.done
            ? this.tokens.endOfText
            : this.choose(
                row,
                logits[r],
                attention?.[r],
                options[b],
                limits[b],
                pass.temperature,
                randoms[b],
              ),
        ];
      });
      if (rows.every((row) => row.done)) break;
      const next = await this.decoder.run(encoderStates, inputs, cache, true);
      ({ cache, logits, attention } = next);
    }
    return prompts.map((_, b) => {
      const samples = rows.slice(b * n, (b + 1) * n);
      const best =
        samples[
          bestCandidate(
            samples.map((s) => ({ sumLogProb: s.sumLogProb, length: s.tokens.length })),
            pass.lengthPenalty,
          )
        ];
      return {
        tokens: best.tokens,
        logProbs: best.logProbs,
        sumLogProb: best.sumLogProb,
        temperature: pass.temperature,
        noSpeechProb: noSpeech[b],
        attention: firstAttention ? best.attention : undefined,
      };
    });
  }

  /** Picks a row's next token, records it and whether the row is done; returns the token to feed. */
  private choose(
    row: Row,
    logits: Float32Array,
    attention: Float32Array[] | undefined,
    options: WindowDecodeOptions,
    limit: number,
    temperature: number,
    random: () => number,
  ): number {
    const { fixedSteps, timestamps } = options;
    if (fixedSteps === undefined) applyWhisperLogitsRules(logits, row.tokens, this.tokens, timestamps);
    const next = temperature > 0 ? sampleIndex(logits, temperature, random) : argmax(logits);
    const logProb = logits[next] - logSumExp(logits);
    if (attention) row.attention.push(attention);
    if (next === this.tokens.endOfText && fixedSteps === undefined) {
      row.sumLogProb += logProb;
      row.done = true;
    } else {
      row.tokens.push(next);
      row.logProbs.push(logProb);
      row.sumLogProb += logProb;
      row.done = row.tokens.length >= limit;
    }
    return next;
  }
}
