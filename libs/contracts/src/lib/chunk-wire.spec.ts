import { decodeChunkEntry, encodeChunkEntry, newChunkEntry } from './chunk-entry';
import { audioFieldsFor, chunkWireFrom, withChunkAudioFields } from './chunk-wire';
import { fieldsFromFlat } from './field-list';

const audio = Buffer.from([0x52, 0x49, 0x46, 0x46, 0x00, 0xff, 0x80]);
const chunk = newChunkEntry({
  sessionId: 's1',
  chunkId: 'c1',
  seq: 0,
  audio,
  audioFormat: 'unknown',
  hints: { realTimeRequired: false, accuracyCritical: false, costSensitive: false },
  fallbackProviders: [],
});
const names = (flat: ReadonlyArray<Buffer | string>) => flat.filter((_, i) => i % 2 === 0).map(String);
/** What redis-py with decode_responses=True does to every value: UTF-8, strictly. */
const decodesAsUtf8 = (flat: ReadonlyArray<Buffer | string>) =>
  flat.every(
    (v) => typeof v === 'string' || new TextDecoder('utf-8', { fatal: true }).decode(v) !== undefined,
  );

describe('chunk audio fields (the classic wire format, both ways)', () => {
  it('writes raw audio, hex chunk_data or both, and every form decodes to the same bytes', () => {
    expect(names(encodeChunkEntry(chunk))).toContain('audio');
    expect(names(encodeChunkEntry(chunk))).not.toContain('chunk_data');
    const hexOnly = encodeChunkEntry(chunk, 'chunk_data');
    expect(names(hexOnly)).not.toContain('audio');
    expect(fieldsFromFlat(hexOnly).get('chunk_data')?.toString()).toBe(audio.toString('hex'));
    expect(names(encodeChunkEntry(chunk, 'both'))).toEqual(expect.arrayContaining(['audio', 'chunk_data']));
    for (const fields of ['audio', 'chunk_data', 'both'] as const) {
      expect(decodeChunkEntry(fieldsFromFlat(encodeChunkEntry(chunk, fields))).audio).toEqual(audio);
    }
  });

  it('only chunk_data alone is readable by a consumer that decodes every field as UTF-8', () => {
    expect(decodesAsUtf8(encodeChunkEntry(chunk, 'chunk_data'))).toBe(true);
    expect(() => decodesAsUtf8(encodeChunkEntry(chunk, 'both'))).toThrow(/not valid/);
  });

  it('re-writes an encoded entry (a re-drive) as the target wants, keeping the other fields', () => {
    const raw = encodeChunkEntry(chunk);
    const hex = withChunkAudioFields(raw, 'chunk_data');
    expect(names(hex).sort()).toEqual(
      names(raw)
        .map((n) => (n === 'audio' ? 'chunk_data' : n))
        .sort(),
    );
    expect(decodeChunkEntry(fieldsFromFlat(hex))).toEqual(decodeChunkEntry(fieldsFromFlat(raw)));
    expect(decodeChunkEntry(fieldsFromFlat(withChunkAudioFields(hex, 'audio'))).audio).toEqual(audio);
    expect(withChunkAudioFields(['foo', 'bar'], 'chunk_data')).toEqual(['foo', 'bar']);
  });

  it('a classic fleet always gets chunk_data; others get CHUNK_AUDIO_FIELDS', () => {
    const wire = chunkWireFrom({ CHUNK_AUDIO_FIELDS: 'both', CLASSIC_FLEETS: 'whisper, parakeet' });
    expect(wire.classicFleets).toEqual(['whisper', 'parakeet']);
    expect(audioFieldsFor('whisper', wire)).toBe('chunk_data');
    expect(audioFieldsFor('deepgram', wire)).toBe('both');
  });
});
