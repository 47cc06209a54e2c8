import { fieldsFromFlat } from './field-list';
import { decodeResultEntry, encodeResultEntry, TranscriptionResultEntry } from './result-entry';

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
    expect(flat).toEqual(expect.arrayContaining(['cost_usd', '0.000063', 'model', 'universal', 'duration', '1.5']));
    expect(decodeResultEntry(fieldsFromFlat(flat))).toEqual({ ...result, costUsd: 0.000063, processingTime: 1.25 });
  });

  it("reads the classic results and results written before costs existed", () => {
    const classic = fieldsFromFlat(['text', 'hi', 'confidence', '0.8', 'provider', 'deepgram', 'processing_time', '0.2', 'chunk_id', 'c1', 'session_id', 's', 'timestamp', '1']);
    expect(decodeResultEntry(classic)).toMatchObject({ status: 'ok', text: 'hi', words: [], costUsd: undefined, model: undefined });
  });
});
