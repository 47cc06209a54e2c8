import { FieldReader, RawFields, SCHEMA_VERSION, epochSeconds, pythonBool } from './entry-fields';
import { ChunkAudioFields, HEX_AUDIO_FIELD, RAW_AUDIO_FIELD, audioFieldPairs } from './chunk-wire';
import { EncodedFields } from './field-list';
import { MalformedEntryError } from './malformed-entry.error';
import { ProviderName, parseProviderList } from './providers';

export type AudioFormat = 'wav' | 'l16' | 'unknown';

export interface RoutingHints {
  realTimeRequired: boolean;
  accuracyCritical: boolean;
  costSensitive: boolean;
}

/**
 * What the client asked of the transcription itself, whichever provider does it; absent fields
 * leave the worker's settings in force.
 */
export interface ChunkTranscriptionHints {
  /** BCP-47 language of the speech; absent: the provider detects it (or its worker's default). */
  language?: string;
  /** Label speakers on every word. */
  diarize?: boolean;
  /** Terms to boost (names, jargon). */
  keywords?: string[];
}

export const LANGUAGE_PATTERN = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;
export const MAX_KEYWORDS = 100;
export const MAX_KEYWORD_LENGTH = 100;

/** One chunk of audio on a provider stream, decoded. */
export interface AudioChunkEntry {
  sessionId: string;
  chunkId: string;
  /** Position in the session's audio; absent only on entries written by the classic producer. */
  seq?: number;
  /**
   * Where the chunk starts in the session's audio, in ms (`offset_ms`): a whole file's chunks carry
   * the sum of the durations before them; a live session's, the client's `offsetMs` or the sum of
   * the chunks before it by seq. Absent when unknown (the classic producer's entries, a live chunk
   * that arrived before the chunk ahead of it): its words are then on the chunk's own clock.
   */
  offsetMs?: number;
  /** Seconds since the epoch when the chunk was produced. */
  timestamp: number;
  audio: Buffer;
  audioFormat: AudioFormat;
  /** Sample rate and channel count, known for raw PCM (`l16`); WAV carries its own header. */
  sampleRate?: number;
  channels?: number;
  hints: RoutingHints;
  transcription?: ChunkTranscriptionHints;
  fallbackProviders: ProviderName[];
  /** Providers that already tried this chunk (this system's bound on failover). */
  attemptedProviders: ProviderName[];
  originalProvider?: string;
  retryCount: number;
  /** The classic `;provider:error` history, kept verbatim. */
  errorHistory: string;
  /** Epoch ms after which the result is no longer useful to the client. */
  deadlineMs?: number;
  tenant?: string;
  schemaVersion: number;
}

/** Field names: the classic format's, plus this system's additions. */
export const CHUNK_FIELDS = {
  audio: RAW_AUDIO_FIELD,
  hexAudio: HEX_AUDIO_FIELD,
  sessionId: 'session_id',
  chunkId: 'chunk_id',
  seq: 'seq',
  offsetMs: 'offset_ms',
  timestamp: 'timestamp',
  audioFormat: 'audio_format',
  sampleRate: 'sample_rate',
  channels: 'channels',
  realTimeRequired: 'real_time_required',
  accuracyCritical: 'accuracy_critical',
  costSensitive: 'cost_sensitive',
  fallbackProviders: 'fallback_providers',
  attemptedProviders: 'attempted_providers',
  originalProvider: 'original_provider',
  retryCount: 'retry_count',
  errorHistory: 'error_history',
  deadlineMs: 'deadline_ms',
  tenant: 'tenant',
  schemaVersion: 'schema_version',
  language: 'language',
  diarize: 'diarize',
  keywords: 'keywords',
} as const;

const HEX_AUDIO = /^(?:[0-9a-fA-F]{2})*$/;
const AUDIO_FORMATS: readonly AudioFormat[] = ['wav', 'l16', 'unknown'];

/**
 * Encodes a chunk for XADD. Audio goes out as raw bytes in `audio` (half the size of the classic format's
 * hex `chunk_data`) unless `audioFields` asks for `chunk_data` or both (see `ChunkAudioFields`); its
 * other fields keep their names and formats.
 */
export function encodeChunkEntry(
  chunk: AudioChunkEntry,
  audioFields: ChunkAudioFields = 'audio',
): EncodedFields {
  const f = CHUNK_FIELDS;
  // One field name and its value per line.
  // prettier-ignore
  const fields: EncodedFields = [
    ...audioFieldPairs(chunk.audio, audioFields),
    f.sessionId, chunk.sessionId,
    f.chunkId, chunk.chunkId,
    f.timestamp, String(chunk.timestamp),
    f.audioFormat, chunk.audioFormat,
    f.realTimeRequired, pythonBool(chunk.hints.realTimeRequired),
    f.accuracyCritical, pythonBool(chunk.hints.accuracyCritical),
    f.costSensitive, pythonBool(chunk.hints.costSensitive),
    f.fallbackProviders, chunk.fallbackProviders.join(','),
    f.attemptedProviders, chunk.attemptedProviders.join(','),
    f.retryCount, String(chunk.retryCount),
    f.schemaVersion, String(chunk.schemaVersion),
  ];
  const optional: Array<[string, string | number | undefined]> = [
    [f.seq, chunk.seq],
    [f.offsetMs, chunk.offsetMs],
    [f.sampleRate, chunk.sampleRate],
    [f.channels, chunk.channels],
    [f.originalProvider, chunk.originalProvider],
    [f.errorHistory, chunk.errorHistory || undefined],
    [f.deadlineMs, chunk.deadlineMs],
    [f.tenant, chunk.tenant],
    [f.language, chunk.transcription?.language],
    [
      f.diarize,
      chunk.transcription?.diarize === undefined ? undefined : pythonBool(chunk.transcription.diarize),
    ],
    [f.keywords, chunk.transcription?.keywords?.length ? chunk.transcription.keywords.join(',') : undefined],
  ];
  for (const [name, value] of optional) {
    if (value !== undefined) fields.push(name, String(value));
  }
  return fields;
}

/**
 * Decodes a provider-stream entry written by this system or by the classic Python producer.
 * Throws MalformedEntryError naming every problem found.
 */
export function decodeChunkEntry(fields: RawFields): AudioChunkEntry {
  const r = new FieldReader(fields);
  const f = CHUNK_FIELDS;
  const audio = readAudio(r);
  const sessionId = r.text(f.sessionId);
  const chunkId = r.text(f.chunkId);
  const timestamp = r.optionalNumber(f.timestamp) ?? Date.now() / 1000;
  const fallback = parseProviderList(r.optionalText(f.fallbackProviders));
  const attempted = parseProviderList(r.optionalText(f.attemptedProviders));
  for (const name of [...fallback.unknown, ...attempted.unknown]) {
    r.problems.push(`unknown provider '${name.slice(0, 40)}'`);
  }
  const declaredFormat = r.optionalText(f.audioFormat);
  if (declaredFormat !== undefined && !AUDIO_FORMATS.includes(declaredFormat as AudioFormat)) {
    r.problems.push(`unknown audio_format '${declaredFormat.slice(0, 40)}'`);
  }
  const entry: AudioChunkEntry = {
    sessionId,
    chunkId,
    seq: r.optionalInteger(f.seq),
    offsetMs: r.optionalInteger(f.offsetMs),
    timestamp,
    audio,
    audioFormat: (declaredFormat as AudioFormat | undefined) ?? sniffFormat(audio),
    sampleRate: r.optionalInteger(f.sampleRate),
    channels: r.optionalInteger(f.channels),
    hints: {
      realTimeRequired: r.flag(f.realTimeRequired),
      accuracyCritical: r.flag(f.accuracyCritical),
      costSensitive: r.flag(f.costSensitive),
    },
    transcription: readTranscriptionHints(r),
    fallbackProviders: fallback.providers,
    attemptedProviders: attempted.providers,
    originalProvider: r.optionalText(f.originalProvider) || undefined,
    retryCount: r.optionalInteger(f.retryCount) ?? 0,
    errorHistory: r.optionalText(f.errorHistory) ?? '',
    deadlineMs: r.optionalInteger(f.deadlineMs),
    tenant: r.optionalText(f.tenant) || undefined,
    schemaVersion: r.optionalInteger(f.schemaVersion) ?? 0,
  };
  if (entry.schemaVersion > SCHEMA_VERSION) {
    r.problems.push(
      `schema_version ${entry.schemaVersion} is newer than this worker understands (${SCHEMA_VERSION})`,
    );
  }
  if (entry.audioFormat === 'l16' && (entry.audio.length % 2 !== 0 || entry.sampleRate === undefined)) {
    r.problems.push('l16 audio needs an even byte count and a sample_rate');
  }
  if (r.problems.length > 0) throw new MalformedEntryError(r.problems);
  return entry;
}

function readTranscriptionHints(r: FieldReader): ChunkTranscriptionHints | undefined {
  const f = CHUNK_FIELDS;
  const language = r.optionalText(f.language) || undefined;
  if (language !== undefined && !LANGUAGE_PATTERN.test(language)) {
    r.problems.push(`field '${f.language}' is not a language tag: '${language.slice(0, 40)}'`);
  }
  const diarize = r.optionalText(f.diarize) ? r.flag(f.diarize) : undefined;
  const keywords = keywordList(r.optionalText(f.keywords));
  const problem = keywordsProblem(keywords);
  if (problem) r.problems.push(`field '${f.keywords}': ${problem}`);
  if (language === undefined && diarize === undefined && keywords.length === 0) return undefined;
  return { language, diarize, ...(keywords.length > 0 ? { keywords } : {}) };
}

/** A comma list of terms (the wire form of `keywords`); blanks are dropped. */
export function keywordList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
}

export function keywordsProblem(keywords: readonly string[]): string | undefined {
  if (keywords.length > MAX_KEYWORDS) return `at most ${MAX_KEYWORDS} keywords, got ${keywords.length}`;
  const long = keywords.find((k) => k.length > MAX_KEYWORD_LENGTH);
  return long
    ? `a keyword is longer than ${MAX_KEYWORD_LENGTH} characters: '${long.slice(0, 40)}…'`
    : undefined;
}

function readAudio(r: FieldReader): Buffer {
  const raw = r.buffer(CHUNK_FIELDS.audio);
  if (raw !== undefined) {
    if (raw.length === 0) r.problems.push(`field '${CHUNK_FIELDS.audio}' is empty`);
    return raw;
  }
  const hex = r.optionalText(CHUNK_FIELDS.hexAudio);
  if (hex === undefined || hex === '') {
    r.problems.push(`missing audio: neither '${CHUNK_FIELDS.audio}' nor '${CHUNK_FIELDS.hexAudio}' is set`);
    return Buffer.alloc(0);
  }
  if (!HEX_AUDIO.test(hex)) {
    r.problems.push(`field '${CHUNK_FIELDS.hexAudio}' is not hex-encoded audio`);
    return Buffer.alloc(0);
  }
  return Buffer.from(hex, 'hex');
}

function sniffFormat(audio: Buffer): AudioFormat {
  return audio.length >= 12 &&
    audio.toString('latin1', 0, 4) === 'RIFF' &&
    audio.toString('latin1', 8, 12) === 'WAVE'
    ? 'wav'
    : 'unknown';
}

/** A fresh chunk as the router produces it: no attempts yet, current schema. */
export function newChunkEntry(
  init: Pick<
    AudioChunkEntry,
    'sessionId' | 'chunkId' | 'seq' | 'audio' | 'audioFormat' | 'hints' | 'fallbackProviders'
  > &
    Partial<
      Pick<
        AudioChunkEntry,
        'sampleRate' | 'channels' | 'deadlineMs' | 'tenant' | 'transcription' | 'offsetMs'
      >
    >,
  nowMs: number = Date.now(),
): AudioChunkEntry {
  return {
    ...init,
    timestamp: Number(epochSeconds(nowMs)),
    attemptedProviders: [],
    retryCount: 0,
    errorHistory: '',
    schemaVersion: SCHEMA_VERSION,
  };
}
