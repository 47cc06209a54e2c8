import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ChunkTranscriptionHints, LANGUAGE_PATTERN, keywordList, keywordsProblem } from '../chunk-entry';
import { parseBoolean } from '../parse-boolean';
import { PROVIDERS, ProviderName, parseProviderList } from '../providers';
import { CHUNK_ID_PATTERN } from './session-id';

const toBoolean = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  // A bare flag (`?realTimeRequired`) means true.
  if (value.trim() === '') return true;
  return parseBoolean(value) ?? value;
};

const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** How a whole file is cut into chunks: at pauses found by voice activity detection, or every chunkSeconds. */
export const CHUNK_CUT_MODES = ['pauses', 'fixed'] as const;
export type ChunkCutMode = (typeof CHUNK_CUT_MODES)[number];

/** Query options shared by chunk ingest and whole-file transcription. */
export class RoutingQuery {
  /** Explicit provider; wins over every hint. */
  @IsOptional()
  @IsIn(PROVIDERS, { message: `provider must be one of: ${PROVIDERS.join(', ')}` })
  provider?: ProviderName;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'realTimeRequired must be true or false' })
  realTimeRequired?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'accuracyCritical must be true or false' })
  accuracyCritical?: boolean;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'costSensitive must be true or false' })
  costSensitive?: boolean;

  /** Comma list of providers to fail over to, in order. */
  @IsOptional()
  @Matches(/^[a-z, ]*$/i, { message: 'fallback must be a comma list of provider names' })
  fallback?: string;

  /** BCP-47 language of the speech: only providers that transcribe it are chosen; absent, the provider detects it. */
  @IsOptional()
  @Matches(LANGUAGE_PATTERN, { message: 'language must be a language tag such as en, en-US or de' })
  language?: string;

  /** Label speakers on every word: only providers that can tell speakers apart are chosen. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'diarize must be true or false' })
  diarize?: boolean;

  /** Comma list of terms to boost (names, jargon), sent as each provider's keyterm/keyword option. */
  @IsOptional()
  @Matches(/^[^\n\r]*$/, { message: 'keywords must be a comma list on one line' })
  keywords?: string;

  /** Only providers that give word timestamps are chosen. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'wordTimestamps must be true or false' })
  wordTimestamps?: boolean;

  /** Opt-in hedging: a chunk still without a result after its provider's p95 × HEDGE_FACTOR also goes to the next provider. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'hedge must be true or false' })
  hedge?: boolean;

  /** Comma list of 2-4 providers that all transcribe the audio; their words are voted on. */
  @IsOptional()
  @Matches(/^[a-z, ]*$/i, { message: 'consensus must be a comma list of provider names' })
  consensus?: string;

  /** How long consensus waits for every provider before it votes on what arrived, in ms. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: 'consensusTimeoutMs must be an integer' })
  @Min(100)
  @Max(600_000)
  consensusTimeoutMs?: number;

  /** What the client asked of the transcription, or a problem with it. */
  transcriptionHints(): ChunkTranscriptionHints | undefined {
    const keywords = keywordList(this.keywords);
    if (this.language === undefined && this.diarize === undefined && keywords.length === 0) return undefined;
    return { language: this.language, diarize: this.diarize, ...(keywords.length > 0 ? { keywords } : {}) };
  }

  keywordsProblem(): string | undefined {
    const problem = keywordsProblem(keywordList(this.keywords));
    return problem ? `keywords: ${problem}` : undefined;
  }

  /** The fallback list parsed; unknown names are reported by `fallbackProblem`. */
  fallbackProviders(): ProviderName[] {
    return parseProviderList(this.fallback).providers;
  }

  /** The consensus providers parsed; `consensusProblem` says what is wrong with the list. */
  consensusProviders(): ProviderName[] {
    return parseProviderList(this.consensus).providers;
  }

  consensusProblem(): string | undefined {
    if (this.consensus === undefined) return undefined;
    const { providers, unknown } = parseProviderList(this.consensus);
    if (unknown.length > 0)
      return `consensus names unknown providers: ${unknown.join(', ')} (known: ${PROVIDERS.join(', ')})`;
    if (providers.length < 2)
      return 'consensus needs at least two different providers, e.g. consensus=deepgram,whisper,assemblyai';
    if (this.provider || this.hedge)
      return 'consensus already sends the audio to every listed provider: drop provider and hedge';
    return undefined;
  }

  fallbackProblem(): string | undefined {
    const { unknown } = parseProviderList(this.fallback);
    return unknown.length > 0
      ? `fallback names unknown providers: ${unknown.join(', ')} (known: ${PROVIDERS.join(', ')})`
      : undefined;
  }
}

export class ChunkIngestQuery extends RoutingQuery {
  /** Position of the chunk in the session; assigned in arrival order when absent. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: 'seq must be a non-negative integer' })
  @Min(0)
  @Max(2 ** 31)
  seq?: number;

  /**
   * Where the chunk starts in the session's audio, in ms. Absent: the sum of the durations of the
   * chunks before it (by seq), when those are known.
   */
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: 'offsetMs must be a non-negative integer' })
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  offsetMs?: number;

  /** Client-chosen chunk id; re-posting the same id is idempotent. */
  @IsOptional()
  @Matches(CHUNK_ID_PATTERN, { message: "chunkId must be 1-128 letters, digits, '.', '_' or '-'" })
  chunkId?: string;
}

export class TranscriptionQuery extends RoutingQuery {
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'wait must be true or false' })
  wait?: boolean;

  /** How long `wait=true` holds the request, in ms. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: 'timeoutMs must be an integer' })
  @Min(1)
  @Max(600_000)
  timeoutMs?: number;

  @IsOptional()
  @Matches(CHUNK_ID_PATTERN, { message: "sessionId must be 1-128 letters, digits, '.', '_' or '-'" })
  sessionId?: string;

  /** Chunk length for splitting the file, in seconds. */
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: 'chunkSeconds must be an integer' })
  @Min(1)
  @Max(600)
  chunkSeconds?: number;

  /**
   * `false`: the file goes to the provider whole, as one chunk (within the provider's own limit
   * and WHOLE_FILE_MAX_BYTES); on failure the whole file fails over. `true`: always cut into
   * chunks. Absent: cut, unless `diarize=true` and the chosen provider takes the file whole.
   */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'split must be true or false' })
  split?: boolean;

  /**
   * Where the file is cut: `pauses` (where voice activity detection finds a pause, within
   * CHUNK_MIN_SECONDS..chunkSeconds) or `fixed` (every chunkSeconds). Absent: CHUNK_CUTS.
   */
  @IsOptional()
  @IsIn(CHUNK_CUT_MODES, { message: `cuts must be one of: ${CHUNK_CUT_MODES.join(', ')}` })
  cuts?: ChunkCutMode;
}
