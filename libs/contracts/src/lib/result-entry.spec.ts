import { fieldsFromFlat } from './field-list';
import {
  decodeResultEntry,
  encodeResultEntry,
  resultIndexField,
  TranscriptionResultEntry,
} from './result-entry';

describe('result entry codec', () => {
  const result: TranscriptionResultEntry = {
    sessionId: 's',
    chunkId: 'c',
    seq: 3,
    status: 'ok',
    text: 'hello there',
    confidence: 0.9,
    provider: 'assemblyai',
    processingTime: 1.25,
    timestamp: 1_700_000_000.5,
    words: [{ word: 'hello', start: 0, end: 0.5, confidence: 0.9, speaker: 1 }],
    language: 'en',
    durationSeconds: 1.5,
    model: 'universal',
    costUsd: 0.0000625,
  };

  it('round-trips words with speakers, language, duration, model and cost', () => {
    const flat = encodeResultEntry(result);
    expect(flat).toEqual(
      expect.arrayContaining(['cost_usd', '0.000063', 'model', 'universal', 'duration', '1.5']),
    );
    expect(decodeResultEntry(fieldsFromFlat(flat))).toEqual({
      ...result,
      costUsd: 0.000063,
      processingTime: 1.25,
    });
  });

  it('reads the classic results and results written before costs existed', () => {
    const classic = fieldsFromFlat([
      'text',
      'hi',
      'confidence',
      '0.8',
      'provider',
      'deepgram',
      'processing_time',
      '0.2',
      'chunk_id',
      'c1',
      'session_id',
      's',
      'timestamp',
      '1',
    ]);
    expect(decodeResultEntry(classic)).toMatchObject({
      status: 'ok',
      text: 'hi',
      words: [],
      costUsd: undefined,
      model: undefined,
    });
  });
  it('a failed result always carries an error field (to a classic reader it is empty text, confidence 0)', () => {
    const failed = {
      sessionId: 's',
      chunkId: 'c',
      status: 'failed' as const,
      text: '',
      confidence: 0,
      provider: 'deepgram',
      processingTime: 0,
      timestamp: 1,
      words: [],
    };
    expect(fieldsFromFlat(encodeResultEntry(failed)).get('error')?.toString()).toBe(
      'failed (no reason recorded)',
    );
    expect(
      fieldsFromFlat(encodeResultEntry({ ...failed, error: 'deepgram:401' }))
        .get('error')
        ?.toString(),
    ).toBe('deepgram:401');
    expect(fieldsFromFlat(encodeResultEntry({ ...failed, status: 'ok', text: 'hi' })).has('error')).toBe(
      false,
    );
  });

  it('indexes ours once per chunk and classic entries once per chunk and provider', () => {
    expect(resultIndexField({ chunkId: 'c1', seq: 3, provider: 'whisper' })).toBe('c1');
    expect(resultIndexField({ chunkId: 'c1', provider: 'whisper' })).toBe('c1@whisper');
  });
});
