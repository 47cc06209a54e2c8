import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { ByteLevelBpeDecoder } from './byte-level-bpe-decoder';
import { alignmentHeadsOf } from './decoding/alignment-heads';
import { gatherRows } from './decoding/gather-rows';
import { compressionRatio, DecodeQuality, isSilence, needsFallback } from './decoding/temperature-fallback';
import { averageLogProb, DecodedTokens } from './decoding/whisper-decoded-tokens';
import { GREEDY_DECODING, WhisperDecodingOptions } from './decoding/whisper-decoding-options';
import { WhisperDecoderSession } from './decoding/whisper-decoder-session';
import type { WindowDecodeOptions } from './decoding/window-decode-options';
import { WhisperBeamSearchDecoder } from './whisper-beam-search-decoder';
import { WhisperGreedyDecoder } from './whisper-greedy-decoder';
import type { WhisperConfig, WhisperGenerationConfig } from './whisper-model-files';
import type { WhisperSpecialTokens } from './whisper-special-tokens';

/** One decode of a window at one temperature, with the figures the fallback rule reads. */
interface Attempt {
  decoded: DecodedTokens;
  quality: DecodeQuality;
}

/**
 * Decodes a batch of windows as their decoding options ask: beam search (or greedy) at the first
 * temperature, then openai/whisper's temperature fallback — the windows whose result is too
 * repetitive or too improbable are decoded again together at the next temperature, sampling.
 */
export class WhisperWindowDecoder {
  private readonly session: WhisperDecoderSession;
  private readonly greedy: WhisperGreedyDecoder;
  private readonly beam: WhisperBeamSearchDecoder;

  constructor(
    decoderSession: InferenceSession,
    config: WhisperConfig,
    generation: WhisperGenerationConfig,
    private readonly tokens: WhisperSpecialTokens,
    private readonly tokenizer: ByteLevelBpeDecoder,
  ) {
    this.session = new WhisperDecoderSession(
      decoderSession,
      config,
      alignmentHeadsOf(generation.alignment_heads, decoderSession.outputNames),
    );
    this.greedy = new WhisperGreedyDecoder(this.session, tokens, config.max_target_positions);
    this.beam = new WhisperBeamSearchDecoder(this.session, tokens, config.max_target_positions);
  }

  /** Whether word times come from cross-attention (the export provides alignment heads). */
  get alignsWords(): boolean {
    return this.session.alignmentHeads !== undefined;
  }

  /** Per window of encoderStates [B, …], the language token most likely after start-of-transcript. */
  async detectLanguages(encoderStates: Tensor): Promise<(string | undefined)[]> {
    const batch = encoderStates.dims[0];
    if (this.tokens.languages.size === 0) return Array.from({ length: batch }, () => undefined);
    const { logits } = await this.session.run(
      encoderStates,
      Array.from({ length: batch }, () => [this.tokens.startOfTranscript]),
      undefined,
    );
    return logits.map((row) => {
      let best: [string, number] | undefined;
      for (const [code, id] of this.tokens.languages) if (!best || row[id] > best[1]) best = [code, row[id]];
      return best?.[0];
    });
  }

  /** Decodes each window of encoderStates [B, …] from its prompt; prompts must share one length. */
  async decode(
    encoderStates: Tensor,
    prompts: number[][],
    options: WindowDecodeOptions[],
  ): Promise<DecodedTokens[]> {
    if (prompts.some((p) => p.length !== prompts[0].length))
      throw new RangeError('one decoder batch needs prompts of one length');
    const decoded: DecodedTokens[] = [];
    const groups = new Map<string, number[]>();
    options.forEach((o, i) => {
      const key = JSON.stringify(o.decoding ?? GREEDY_DECODING);
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    for (const group of groups.values()) {
      const results = await this.decodeWithFallback(
        selectRows(encoderStates, group),
        group.map((i) => prompts[i]),
        group.map((i) => options[i]),
        options[group[0]].decoding ?? GREEDY_DECODING,
      );
      group.forEach((index, i) => (decoded[index] = results[i]));
    }
    return decoded;
  }

  private async decodeWithFallback(
    states: Tensor,
    prompts: number[][],
    options: WindowDecodeOptions[],
    decoding: WhisperDecodingOptions,
  ): Promise<DecodedTokens[]> {
    // Each attempt with its quality, computed once (a tokenizer decode and a deflate each).
    const attempts: Attempt[][] = prompts.map(() => []);
    let pending = prompts.map((_, i) => i);
    const ladder = decoding.temperatures.length > 0 ? decoding.temperatures : [0];
    for (const [step, temperature] of ladder.entries()) {
      const rows = selectRows(states, pending);
      const subPrompts = pending.map((i) => prompts[i]);
      const subOptions = pending.map((i) => options[i]);
      const results =
        temperature === 0 && decoding.beamSize > 1
          ? await this.beam.decode(rows, subPrompts, subOptions, decoding)
          : await this.greedy.decode(rows, subPrompts, subOptions, {
              temperature,
              samples: decoding.bestOf,
              seed: decoding.seed + step,
              lengthPenalty: decoding.lengthPenalty,
            });
      const tried = results.map((decoded) => ({ decoded, quality: this.quality(decoded) }));
      pending.forEach((i, j) => attempts[i].push(tried[j]));
      pending = pending.filter(
        (i, j) => options[i].fixedSteps === undefined && needsFallback(tried[j].quality, decoding),
      );
      if (pending.length === 0) break;
    }
    return attempts.map((tried) => {
      const { decoded, quality } = choose(tried, decoding);
      return isSilence(quality, decoding) ? { ...decoded, silent: true } : decoded;
    });
  }

  private quality(decoded: DecodedTokens): DecodeQuality {
    const text = this.tokenizer.decode(decoded.tokens.filter((id) => id < this.tokens.endOfText));
    return {
      compressionRatio: compressionRatio(text),
      avgLogProb: averageLogProb(decoded),
      noSpeechProb: decoded.noSpeechProb,
    };
  }
}

/**
 * The last attempt when it passed; when every temperature failed, the likeliest attempt among
 * those that are not repetition loops (faster-whisper's rule; openai/whisper keeps the last).
 */
function choose(tried: Attempt[], decoding: WhisperDecodingOptions): Attempt {
  const last = tried[tried.length - 1];
  if (!needsFallback(last.quality, decoding)) return last;
  const threshold = decoding.compressionRatioThreshold ?? Infinity;
  const notLooping = tried.filter((a) => a.quality.compressionRatio <= threshold);
  const pool = notLooping.length > 0 ? notLooping : tried;
  return pool.reduce((best, a) => (averageLogProb(a.decoded) > averageLogProb(best.decoded) ? a : best));
}

/** The given rows of a [B, …] tensor (the tensor itself when that is all of them, in order). */
function selectRows(states: Tensor, rows: number[]): Tensor {
  return rows.length === states.dims[0] && rows.every((row, i) => row === i)
    ? states
    : gatherRows(states, rows);
}
