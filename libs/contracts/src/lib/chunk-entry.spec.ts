import { decodeChunkEntry, encodeChunkEntry, newChunkEntry } from './chunk-entry';
import { fieldsFromFlat } from './field-list';
import { MalformedEntryError } from './malformed-entry.error';

const wavBytes = Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE', 'latin1'), Buffer.from([0, 1, 2, 255])]);

describe('chunk entry codec', () => {
  it('round-trips a chunk with raw binary audio', () => {
    const chunk = newChunkEntry({
      sessionId: 's1',
      chunkId: 'c1',
      seq: 7,
      audio: Buffer.from([0, 255, 10, 13, 0]),
      audioFormat: 'l16',
      sampleRate: 16000,
      channels: 1,
      hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: true },
      fallbackProviders: ['whisper', 'assemblyai'],
      transcription: { language: 'de' },
    });
    const flat = encodeChunkEntry({ ...chunk, audio: Buffer.from([0, 255, 10, 13]) });
    const decoded = decodeChunkEntry(fieldsFromFlat(flat));
    expect(decoded.audio).toEqual(Buffer.from([0, 255, 10, 13]));
    expect(decoded).toMatchObject({
      sessionId: 's1',
      chunkId: 'c1',
      seq: 7,
      audioFormat: 'l16',
      sampleRate: 16000,
      hints: { realTimeRequired: true, accuracyCritical: false, costSensitive: true },
      fallbackProviders: ['whisper', 'assemblyai'],
      transcription: { language: 'de' },
      attemptedProviders: [],
      retryCount: 0,
      schemaVersion: 1,
    });
    expect(flat).not.toContain('chunk_data');
  });

  it('decodes an entry exactly as the classic Python producer writes it', () => {
    const seedFields = fieldsFromFlat([
      'chunk_data',
      wavBytes.toString('hex'),
      'session_id',
      'session_123',
      'chunk_id',
      'chunk_001',
      'timestamp',
      '1732540000.123456',
      'real_time_required',
      'True',
      'accuracy_critical',
      'False',
      'cost_sensitive',
      'False',
      'fallback_providers',
      'whisper,assemblyai',
    ]);
    const decoded = decodeChunkEntry(seedFields);
    expect(decoded.audio).toEqual(wavBytes);
    expect(decoded.audioFormat).toBe('wav');
    expect(decoded.seq).toBeUndefined();
    expect(decoded.timestamp).toBeCloseTo(1732540000.123456);
    expect(decoded.hints.realTimeRequired).toBe(true);
    expect(decoded.fallbackProviders).toEqual(['whisper', 'assemblyai']);
  });

  it('decodes a classic fallback entry with original_provider, retry_count and error_history', () => {
    const decoded = decodeChunkEntry(
      fieldsFromFlat([
        'chunk_data',
        '00ff',
        'session_id',
        's',
        'chunk_id',
        'c',
        'timestamp',
        '1',
        'fallback_providers',
        '',
        'original_provider',
        'deepgram',
        'retry_count',
        '1',
        'error_history',
        ';deepgram:boom',
      ]),
    );
    expect(decoded).toMatchObject({
      originalProvider: 'deepgram',
      retryCount: 1,
      errorHistory: ';deepgram:boom',
    });
    expect(decoded.fallbackProviders).toEqual([]);
  });

  it('names every problem of a malformed entry', () => {
    const attempt = () =>
      decodeChunkEntry(
        fieldsFromFlat(['chunk_data', 'zz', 'real_time_required', 'maybe', 'fallback_providers', 'otter']),
      );
    expect(attempt).toThrow(MalformedEntryError);
    try {
      attempt();
    } catch (error) {
      expect((error as MalformedEntryError).problems).toEqual(
        expect.arrayContaining([
          "field 'chunk_data' is not hex-encoded audio",
          "missing field 'session_id'",
          "missing field 'chunk_id'",
          "unknown provider 'otter'",
          "field 'real_time_required' is not a boolean: 'maybe'",
        ]),
      );
    }
  });
});

describe('chunk transcription hints', () => {
  const base = newChunkEntry({
    sessionId: 's',
    chunkId: 'c',
    seq: 0,
    audio: wavBytes,
    audioFormat: 'wav',
    hints: { realTimeRequired: false, accuracyCritical: false, costSensitive: false },
    fallbackProviders: [],
  });

  it('round-trips language, diarize and keywords, and leaves them out when unset', () => {
    const flat = encodeChunkEntry({
      ...base,
      transcription: { language: 'en-US', diarize: false, keywords: ['Redis Streams', 'Nest'] },
    });
    expect(decodeChunkEntry(fieldsFromFlat(flat)).transcription).toEqual({
      language: 'en-US',
      diarize: false,
      keywords: ['Redis Streams', 'Nest'],
    });
    const plain = encodeChunkEntry(base);
    expect(plain).not.toContain('language');
    expect(decodeChunkEntry(fieldsFromFlat(plain)).transcription).toBeUndefined();
  });

  it('names bad hints', () => {
    const flat = [...encodeChunkEntry(base), 'language', 'english please', 'keywords', 'x'.repeat(101)];
    expect(() => decodeChunkEntry(fieldsFromFlat(flat))).toThrow(
      /field 'language' is not a language tag: 'english please'.*field 'keywords': a keyword is longer than 100 characters/,
    );
  });
});
