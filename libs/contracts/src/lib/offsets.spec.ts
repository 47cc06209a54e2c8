import { CHUNK_FIELDS, decodeChunkEntry, encodeChunkEntry, newChunkEntry } from './chunk-entry';
import { decodeResultEntry, encodeResultEntry } from './result-entry';
import { fieldsFromFlat } from './field-list';
import { MalformedEntryError } from './malformed-entry.error';

const hints = { realTimeRequired: false, accuracyCritical: false, costSensitive: false };
const chunk = (offsetMs?: number) =>
  newChunkEntry({
    sessionId: 's',
    chunkId: 'c',
    seq: 3,
    offsetMs,
    audio: Buffer.from([1, 2, 3, 4]),
    audioFormat: 'l16',
    sampleRate: 16000,
    hints,
    fallbackProviders: [],
  });
const pairs = fieldsFromFlat;

describe('offset_ms on the wire', () => {
  it("round-trips a chunk's offset, and leaves the field out when the offset is unknown", () => {
    const encoded = encodeChunkEntry(chunk(90_000));
    expect(encoded).toContain(CHUNK_FIELDS.offsetMs);
    expect(decodeChunkEntry(pairs(encoded)).offsetMs).toBe(90_000);
    const unknown = encodeChunkEntry(chunk());
    expect(unknown).not.toContain(CHUNK_FIELDS.offsetMs);
    expect(decodeChunkEntry(pairs(unknown)).offsetMs).toBeUndefined();
  });

  it('refuses an offset that is not a non-negative integer, naming the field', () => {
    const encoded = encodeChunkEntry(chunk(5));
    const bad = encoded.map((v, i) => (encoded[i - 1] === CHUNK_FIELDS.offsetMs ? '-5' : v));
    expect(() => decodeChunkEntry(pairs(bad))).toThrow(MalformedEntryError);
    expect(() => decodeChunkEntry(pairs(bad))).toThrow(/offset_ms/);
  });

  it("round-trips a result's offset; a result without one (classic, or offset unknown) decodes without", () => {
    const result = {
      sessionId: 's',
      chunkId: 'c',
      seq: 1,
      status: 'ok' as const,
      text: 'hello',
      confidence: 0.9,
      provider: 'deepgram',
      processingTime: 0.1,
      timestamp: 1,
      words: [{ word: 'hello', start: 30.1, end: 30.4, confidence: 0.9 }],
    };
    const withOffset = encodeResultEntry({ ...result, offsetMs: 30_000 });
    expect(withOffset[withOffset.indexOf('offset_ms') + 1]).toBe('30000');
    expect(decodeResultEntry(pairs(withOffset))).toMatchObject({ offsetMs: 30_000, words: result.words });
    const without = encodeResultEntry(result);
    expect(without).not.toContain('offset_ms');
    expect(decodeResultEntry(pairs(without)).offsetMs).toBeUndefined();
  });
});
