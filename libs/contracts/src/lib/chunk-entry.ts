import {
  EncodedFields,
  FieldReader,
  RawFields,
  SCHEMA_VERSION,
  epochSeconds,
  pythonBool,
} from './entry-fields';
import { MalformedEntryError } from './malformed-entry.error';
import { ProviderName, parseProviderList } from './providers';

export type AudioFormat = 'wav' | 'l16' | 'unknown';

export interface RoutingHints {
  realTimeRequired: boolean;
  accuracyCritical: boolean;
  costSensitive: boolean;
}

/** One chunk of audio on a provider stream, decoded. */
export interface AudioChunkEntry {
  sessionId: string;
  chunkId: string;
  /** Position in the session's audio; absent only on entries written by the seed's producer. */
  seq?: number;
  /** Seconds since the epoch when the chunk was produced. */
  timestamp: number;
  audio: Buffer;
  audioFormat: AudioFormat;
  /** Sample rate and channel count, known for raw PCM (`l16`); WAV carries its own header. */
  sampleRate?: number;
  channels?: number;
  hints: RoutingHints;
  fallbackProviders: ProviderName[];
  /** Providers that already tried this chunk (this system's bound on failover). */
  attemptedProviders: ProviderName[];
  originalProvider?: string;
  retryCount: number;
  /** The seed's `;provider:error` history, kept verbatim. */
  errorHistory: string;
  /** Epoch ms after which the result is no longer useful to the client. */
  deadlineMs?: number;
  /** BCP-47 language of the audio, when the client said; providers detect it otherwise. */
  language?: string;
  tenant?: string;
  schemaVersion: number;
}

/** Field names: the seed's, plus this system's additions. */
export const CHUNK_FIELDS = {
  audio: 'audio',
  hexAudio: 'chunk_data',
  sessionId: 'session_id',
  chunkId: 'chunk_id',
  seq: 'seq',
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
  language: 'language',
  tenant: 'tenant',
  schemaVersion: 'schema_version',
} as const;

const HEX_AUDIO = /^(?:[0-9a-fA-F]{2})*$/;
const AUDIO_FORMATS: readonly AudioFormat[] = ['wav', 'l16', 'unknown'];

/**
 * Encodes a chunk for XADD. Audio goes out as raw bytes in `audio` (half the size of the seed's
 * hex `chunk_data`); the seed's other fields keep their names and formats.
 */
export function encodeChunkEntry(chunk: AudioChunkEntry): EncodedFields {
  const f = CHUNK_FIELDS;
  const fields: EncodedFields = [
    f.audio, chunk.audio,
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
    [f.sampleRate, chunk.sampleRate],
    [f.channels, chunk.channels],
    [f.originalProvider, chunk.originalProvider],
    [f.errorHistory, chunk.errorHistory || undefined],
    [f.deadlineMs, chunk.deadlineMs],
    [f.language, chunk.language],
    [f.tenant, chunk.tenant],
  ];
  for (const [name, value] of optional) {
    if (value !== undefined) fields.push(name, String(value));
  }
  return fields;
}

/**
 * Decodes a provider-stream entry written by this system or by the seed's Python producer.
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
    fallbackProviders: fallback.providers,
    attemptedProviders: attempted.providers,
    originalProvider: r.optionalText(f.originalProvider) || undefined,
    retryCount: r.optionalInteger(f.retryCount) ?? 0,
    errorHistory: r.optionalText(f.errorHistory) ?? '',
    deadlineMs: r.optionalInteger(f.deadlineMs),
    language: r.optionalText(f.language) || undefined,
    tenant: r.optionalText(f.tenant) || undefined,
    schemaVersion: r.optionalInteger(f.schemaVersion) ?? 0,
  };
  if (entry.schemaVersion > SCHEMA_VERSION) {
    r.problems.push(`schema_version ${entry.schemaVersion} is newer than this worker understands (${SCHEMA_VERSION})`);
  }
  if (entry.audioFormat === 'l16' && (entry.audio.length % 2 !== 0 || entry.sampleRate === undefined)) {
    r.problems.push('l16 audio needs an even byte count and a sample_rate');
  }
  if (r.problems.length > 0) throw new MalformedEntryError(r.problems);
  return entry;
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
  return audio.length >= 12 && audio.toString('latin1', 0, 4) === 'RIFF' && audio.toString('latin1', 8, 12) === 'WAVE'
    ? 'wav'
    : 'unknown';
}

/** A fresh chunk as the router produces it: no attempts yet, current schema. */
export function newChunkEntry(
  init: Pick<AudioChunkEntry, 'sessionId' | 'chunkId' | 'seq' | 'audio' | 'audioFormat' | 'hints' | 'fallbackProviders'> &
    Partial<Pick<AudioChunkEntry, 'sampleRate' | 'channels' | 'deadlineMs' | 'tenant' | 'language'>>,
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
