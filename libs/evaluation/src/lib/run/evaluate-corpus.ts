import { normaliseEnglishText } from '../normalise/english-text-normaliser';
import { WordErrors, alignWords, poolErrors, wordErrorRate } from '../wer/align-words';
import type { CorpusItem } from '../corpus/read-corpus';

/** What a transcriber heard in one file. */
export interface Heard {
  text: string;
  /** The audio's length, as measured where it was decoded. */
  audioSeconds: number;
}

/** Sends one corpus file somewhere (a provider adapter, the router) and returns its transcript. */
export interface CorpusTranscriber {
  readonly description: string;
  transcribe(item: CorpusItem): Promise<Heard>;
}

export interface FileScore extends WordErrors {
  name: string;
  /** After normalisation: what was compared. */
  reference: string;
  hypothesis: string;
  wer: number;
  audioSeconds: number;
  processingSeconds: number;
  /** Processing time over audio time: below 1 is faster than real time. */
  realTimeFactor: number;
  /** Why the file has no transcript; it is then scored as all deletions. */
  error?: string;
}

export interface CorpusScore {
  transcriber: string;
  files: FileScore[];
  /** Every file's errors over every file's reference words. */
  pooled: WordErrors & {
    wer: number;
    audioSeconds: number;
    processingSeconds: number;
    realTimeFactor: number;
    failedFiles: number;
  };
}

export interface EvaluateOptions {
  /** Files in flight at once. @defaultValue 1 (processing times then do not overlap) */
  concurrency?: number;
  /** Called as each file is scored, in completion order. */
  onFile?: (score: FileScore) => void;
}

/**
 * Transcribes each file and scores it: both texts through Whisper's English normaliser, then
 * aligned word by word as sclite aligns. Processing time is measured around each request, so the
 * real-time factor includes upload, queueing and decoding, as a caller would see it.
 */
export async function evaluateCorpus(
  items: readonly CorpusItem[],
  transcriber: CorpusTranscriber,
  options: EvaluateOptions = {},
): Promise<CorpusScore> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  const files: FileScore[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      files[i] = await scoreOne(items[i], transcriber);
      options.onFile?.(files[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  const pooled = poolErrors(files);
  const audioSeconds = sum(files.map((f) => f.audioSeconds));
  const processingSeconds = sum(files.map((f) => f.processingSeconds));
  return {
    transcriber: transcriber.description,
    files,
    pooled: {
      ...pooled,
      wer: wordErrorRate(pooled),
      audioSeconds,
      processingSeconds,
      realTimeFactor: audioSeconds > 0 ? processingSeconds / audioSeconds : NaN,
      failedFiles: files.filter((f) => f.error !== undefined).length,
    },
  };
}

async function scoreOne(item: CorpusItem, transcriber: CorpusTranscriber): Promise<FileScore> {
  const reference = normaliseEnglishText(item.reference).trim();
  const started = performance.now();
  let heard: Heard | undefined;
  let error: string | undefined;
  try {
    heard = await transcriber.transcribe(item);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const processingSeconds = (performance.now() - started) / 1000;
  const hypothesis = heard ? normaliseEnglishText(heard.text).trim() : '';
  const errors = alignWords(words(reference), words(hypothesis));
  const audioSeconds = heard?.audioSeconds ?? 0;
  return {
    name: item.name,
    reference,
    hypothesis,
    ...errors,
    wer: wordErrorRate(errors),
    audioSeconds,
    processingSeconds,
    realTimeFactor: audioSeconds > 0 ? processingSeconds / audioSeconds : NaN,
    ...(error === undefined ? {} : { error }),
  };
}

function words(text: string): string[] {
  return text.split(' ').filter(Boolean);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
