import type { Tensor } from 'onnxruntime-node';
import { logSumExp, topK } from '../runtime/scores';
import { bestCandidate } from './decoding/candidate-ranking';
import type { ScratchLease } from './decoding/cache-scratch';
import type { DecodedTokens } from './decoding/whisper-decoded-tokens';
import type { WhisperDecoderSession } from './decoding/whisper-decoder-session';
import { WindowDecodeOptions, generationLimit } from './decoding/window-decode-options';
import { applyWhisperLogitsRules } from './whisper-logits-rules';
import type { WhisperSpecialTokens } from './whisper-special-tokens';

export interface BeamSearchPass {
  beamSize: number;
  patience: number;
  lengthPenalty: number;
}

interface Beam {
  tokens: number[];
  logProbs: number[];
  sumLogProb: number;
  attention: Float32Array[][];
  /** Its row in the decoder run that produced its last token. */
  row: number;
}

interface WindowSearch {
  live: Beam[];
  finished: Beam[];
  done: boolean;
  limit: number;
}

/**
 * openai/whisper's BeamSearchDecoder for a batch of windows in one decoder run per step: the
 * prompts run once per window, then every window holds beamSize rows (batch × beam rows in all).
 * Each step, every live beam offers its beamSize + 1 likeliest tokens; per window, the best
 * candidates by summed log-probability become the next beams (their self-attention cache rows
 * are gathered from their parents'), and those that end in end-of-text join the finished ones.
 * A window is done when round(beamSize × patience) have finished, or at its length limit (then
 * live beams make up the numbers); the finished candidates are ranked with the length penalty.
 */
export class WhisperBeamSearchDecoder {
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
    pass: BeamSearchPass,
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
    pass: BeamSearchPass,
    scratch: ScratchLease | undefined,
  ): Promise<DecodedTokens[]> {
    const k = pass.beamSize;
    const maxCandidates = Math.max(1, Math.round(k * pass.patience));
    const first = await this.decoder.run(encoderStates, prompts, undefined, true);
    const noSpeech = first.firstLogits.map((logits) =>
      Math.exp(logits[this.tokens.noSpeech] - logSumExp(logits)),
    );
    const searches: WindowSearch[] = options.map((o, b) => {
      const limit = generationLimit(o, prompts[0].length, this.maxTargetPositions);
      return {
        live: [{ tokens: [], logProbs: [], sumLogProb: 0, attention: [], row: b }],
        finished: [],
        done: limit <= 0,
        limit,
      };
    });
    let { logits, attention, cache } = first;
    let rowsPerWindow = 1;
    for (;;) {
      searches.forEach((search, b) => {
        if (!search.done) this.advance(search, logits, attention, options[b], k, maxCandidates);
      });
      if (searches.every((s) => s.done)) break;
      // Rows stay grouped by window, so a window's rows keep sharing its cross-attention cache.
      const sources = searches.flatMap((s, b) =>
        Array.from({ length: k }, (_, j) => (s.done ? b * rowsPerWindow : s.live[j].row)),
      );
      const inputs = searches.flatMap((s) =>
        Array.from({ length: k }, (_, j) => [
          s.done ? this.tokens.endOfText : (s.live[j].tokens.at(-1) as number),
        ]),
      );
      cache = this.decoder.selectRows(cache, sources, rowsPerWindow === k, scratch);
      ({ logits, attention, cache } = await this.decoder.run(encoderStates, inputs, cache, true));
      searches.forEach((s, b) => s.live.forEach((beam, j) => (beam.row = b * k + j)));
      rowsPerWindow = k;
    }
    return searches.map((s, b) => {
      const best =
        s.finished[
          bestCandidate(
            s.finished.map((c) => ({ sumLogProb: c.sumLogProb, length: c.tokens.length })),
            pass.lengthPenalty,
          )
        ];
      const result = best ?? { tokens: [], logProbs: [], sumLogProb: 0, attention: [] };
      return {
        tokens: result.tokens,
        logProbs: result.logProbs,
        sumLogProb: result.sumLogProb,
        temperature: 0,
        noSpeechProb: noSpeech[b],
        attention: first.attention ? result.attention : undefined,
      };
    });
  }

  /** One step of one window: its next beams from its live beams' logits (rows of this run). */
  private advance(
    search: WindowSearch,
    logits: Float32Array[],
    attention: Float32Array[][] | undefined,
    options: WindowDecodeOptions,
    k: number,
    maxCandidates: number,
  ): void {
    const candidates: { parent: Beam; token: number; logProb: number; sumLogProb: number }[] = [];
    for (const parent of search.live) {
      const row = logits[parent.row];
      if (options.fixedSteps === undefined)
        applyWhisperLogitsRules(row, parent.tokens, this.tokens, options.timestamps);
      // Log-softmax keeps the order of the logits: the likeliest tokens are the largest logits.
      const logSum = logSumExp(row);
      for (const token of topK(row, k + 1)) {
        const logProb = row[token] - logSum;
        candidates.push({ parent, token, logProb, sumLogProb: parent.sumLogProb + logProb });
      }
    }
    candidates.sort((a, b) => b.sumLogProb - a.sumLogProb);
    const live: Beam[] = [];
    const finished: Beam[] = [];
    for (const { parent, token, logProb, sumLogProb } of candidates) {
      if (sumLogProb === -Infinity) break;
      const stepAttention = attention ? [...parent.attention, attention[parent.row]] : [];
      if (token === this.tokens.endOfText && options.fixedSteps === undefined) {
        finished.push({
          tokens: parent.tokens,
          logProbs: parent.logProbs,
          sumLogProb,
          attention: stepAttention,
          row: parent.row,
        });
      } else {
        live.push({
          tokens: [...parent.tokens, token],
          logProbs: [...parent.logProbs, logProb],
          sumLogProb,
          attention: stepAttention,
          row: parent.row,
        });
        if (live.length === k) break;
      }
    }
    for (const beam of finished) if (search.finished.length < maxCandidates) search.finished.push(beam);
    search.live = live;
    if (search.finished.length >= maxCandidates) {
      search.done = true;
    } else if (live.length < k || live[0].tokens.length >= search.limit) {
      // At the length limit, the likeliest unfinished beams stand in for missing candidates.
      for (const beam of live) if (search.finished.length < k) search.finished.push(beam);
      search.done = true;
    }
  }
}
