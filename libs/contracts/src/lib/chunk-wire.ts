import { EncodedFields, withoutFields } from './field-list';
import { ProviderName, parseProviderList } from './providers';

/**
 * Which audio fields the chunk entries streamscribe writes to a provider stream carry: `audio`
 * (raw bytes, ours: half the size), `chunk_data` (hex, the classic wire format's) or `both`. A
 * classic consumer (redis-py with `decode_responses=True`, as the guide writes it) decodes every
 * field as UTF-8 and fails on raw audio, so `both` only suits readers that skip undecodable fields.
 */
export type ChunkAudioFields = 'audio' | 'chunk_data' | 'both';
export const CHUNK_AUDIO_FIELD_CHOICES: readonly ChunkAudioFields[] = ['audio', 'chunk_data', 'both'];

/** How streamscribe writes chunk entries to each provider's stream. */
export interface ChunkWireSettings {
  /** For every provider stream not listed in `classicFleets`. @defaultValue 'audio' */
  audioFields: ChunkAudioFields;
  /**
   * Providers whose fleets are, or include, classic consumers (code written to the guide): the
   * router routes to them without our heartbeat, and their streams get `chunk_data` only.
   * @defaultValue []
   */
  classicFleets: readonly ProviderName[];
}

/** The two audio fields' names (CHUNK_FIELDS.audio and .hexAudio). */
export const RAW_AUDIO_FIELD = 'audio';
export const HEX_AUDIO_FIELD = 'chunk_data';

export const DEFAULT_CHUNK_WIRE: ChunkWireSettings = { audioFields: 'audio', classicFleets: [] };

/** The settings from the environment every app validates (CHUNK_AUDIO_FIELDS, CLASSIC_FLEETS). */
export function chunkWireFrom(env: {
  CHUNK_AUDIO_FIELDS: string;
  CLASSIC_FLEETS: string;
}): ChunkWireSettings {
  return {
    audioFields: env.CHUNK_AUDIO_FIELDS as ChunkAudioFields,
    classicFleets: parseProviderList(env.CLASSIC_FLEETS).providers,
  };
}

/** The audio fields for entries written to `provider`'s stream. */
export function audioFieldsFor(provider: ProviderName, wire: ChunkWireSettings): ChunkAudioFields {
  return wire.classicFleets.includes(provider) ? 'chunk_data' : wire.audioFields;
}

/** The audio as the requested fields: raw `audio`, hex `chunk_data`, or both. */
export function audioFieldPairs(audio: Buffer, audioFields: ChunkAudioFields): EncodedFields {
  const pairs: EncodedFields = [];
  if (audioFields !== 'chunk_data') pairs.push(RAW_AUDIO_FIELD, audio);
  if (audioFields !== 'audio') pairs.push(HEX_AUDIO_FIELD, audio.toString('hex'));
  return pairs;
}

/**
 * An already encoded entry (a dead letter's fields, re-driven) with its audio re-written as the
 * requested fields; entries with no audio field are returned unchanged (a malformed letter is
 * never re-driven anyway).
 */
export function withChunkAudioFields(
  fields: ReadonlyArray<Buffer | string>,
  audioFields: ChunkAudioFields,
): EncodedFields {
  let audio: Buffer | undefined;
  let hex: string | undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i].toString();
    if (name === RAW_AUDIO_FIELD)
      audio = Buffer.isBuffer(fields[i + 1])
        ? (fields[i + 1] as Buffer)
        : Buffer.from(fields[i + 1] as string, 'latin1');
    if (name === HEX_AUDIO_FIELD) hex = fields[i + 1].toString();
  }
  const raw = audio ?? (hex === undefined ? undefined : Buffer.from(hex, 'hex'));
  if (raw === undefined) return [...fields];
  return [
    ...audioFieldPairs(raw, audioFields),
    ...withoutFields(fields, (name) => name === RAW_AUDIO_FIELD || name === HEX_AUDIO_FIELD),
  ];
}
