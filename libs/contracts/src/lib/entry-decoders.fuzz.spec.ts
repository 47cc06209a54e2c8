import fc from 'fast-check';
import { expectOnly, fuzzParameters, thrownBy } from '@streamscribe/fuzzing';
import { AudioChunkEntry, CHUNK_FIELDS, decodeChunkEntry, encodeChunkEntry } from './chunk-entry';
import { decodeDeadLetter, DEAD_LETTER_FIELDS } from './dead-letter-entry';
import { SCHEMA_VERSION } from './entry-fields';
import { fieldsFromFlat } from './field-list';
import { MalformedEntryError } from './malformed-entry.error';
import { PROVIDERS } from './providers';
import {
  decodeResultEntry,
  encodeResultEntry,
  RESULT_FIELDS,
  TranscriptionResultEntry,
} from './result-entry';

const KNOWN_NAMES = [
  ...Object.values(CHUNK_FIELDS),
  ...Object.values(RESULT_FIELDS),
  ...Object.values(DEAD_LETTER_FIELDS),
  'redrive_count',
];

/** Values a field could hold: plausible text for some field, numbers at the edges, JSON, garbage bytes. */
const fieldValueArb: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1.5',
    'NaN',
    'Infinity',
    '1e309',
    '9007199254740993',
    'True',
    'False',
    'maybe',
    'ok',
    'failed',
    'wav',
    'l16',
    'mp3',
    'deepgram,whisper',
    'deepgram,nobody',
    '52494646',
    'zz',
    '[]',
    '[1,"a",null]',
    '[{"word":"hi","start":0,"end":1,"confidence":1}]',
    '[{"word":1}]',
    '{}',
    'en-US',
    'english please',
    '2',
  ),
  fc.string({ maxLength: 30 }),
  fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b)),
);

/** A flat [name, value, ...] list as Redis answers it: known and unknown names, duplicates, an odd length. */
const flatFieldsArb: fc.Arbitrary<Array<string | Buffer>> = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...KNOWN_NAMES) }, fc.string({ maxLength: 12 })),
        fieldValueArb,
      ),
      { maxLength: 24 },
    ),
    fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
  )
  .map(([pairs, dangling]) => [...pairs.flat(), ...(dangling === undefined ? [] : [dangling])]);

/** A list that is mostly a valid chunk entry, with some fields replaced, removed or duplicated. */
function mutatedArb<T>(valid: fc.Arbitrary<T>, encode: (value: T) => Array<string | Buffer>) {
  return fc
    .tuple(
      valid,
      fc.array(fc.tuple(fc.nat(), fc.constantFrom('replace', 'drop', 'duplicate'), fieldValueArb), {
        maxLength: 3,
      }),
    )
    .map(([value, edits]) => {
      const pairs: Array<[string | Buffer, string | Buffer]> = [];
      const flat = encode(value);
      for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
      for (const [at, edit, replacement] of edits) {
        if (pairs.length === 0) break;
        const i = at % pairs.length;
        if (edit === 'replace') pairs[i] = [pairs[i][0], replacement];
        else if (edit === 'drop') pairs.splice(i, 1);
        else pairs.push([pairs[i][0], replacement]);
      }
      return pairs.flat();
    });
}

const idArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
const providerArb = fc.constantFrom(...PROVIDERS);
const keywordArb = fc
  .string({ minLength: 1, maxLength: 20 })
  .map((k) => k.replace(/,/g, ' ').trim())
  .filter((k) => k !== '');

/** Chunk entries as the router writes them (so encode → decode must give them back). */
const chunkEntryArb: fc.Arbitrary<AudioChunkEntry> = fc
  .record({
    sessionId: idArb,
    chunkId: idArb,
    seq: fc.option(fc.nat(), { nil: undefined }),
    timestamp: fc.double({ min: 0, max: 4e9, noNaN: true }),
    audio: fc.uint8Array({ minLength: 2, maxLength: 64 }),
    audioFormat: fc.constantFrom('wav' as const, 'l16' as const, 'unknown' as const),
    sampleRate: fc.integer({ min: 1, max: 192000 }),
    channels: fc.integer({ min: 1, max: 8 }),
    hints: fc.record({
      realTimeRequired: fc.boolean(),
      accuracyCritical: fc.boolean(),
      costSensitive: fc.boolean(),
    }),
    transcription: fc.option(
      fc.record(
        {
          language: fc.constantFrom('en', 'en-US', 'de', 'pt_BR'),
          diarize: fc.boolean(),
          keywords: fc.array(keywordArb, { minLength: 1, maxLength: 5 }),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
    fallbackProviders: fc.uniqueArray(providerArb),
    attemptedProviders: fc.uniqueArray(providerArb),
    originalProvider: fc.option(providerArb, { nil: undefined }),
    retryCount: fc.nat(10),
    errorHistory: fc.string({ maxLength: 30 }),
    deadlineMs: fc.option(fc.nat(), { nil: undefined }),
    tenant: fc.option(idArb, { nil: undefined }),
    schemaVersion: fc.integer({ min: 0, max: SCHEMA_VERSION }),
  })
  .map(({ audio, sampleRate, channels, transcription, ...entry }) => ({
    ...entry,
    audio: Buffer.from(audio.length % 2 === 0 ? audio : audio.subarray(1)),
    // The router writes sample rate and channels for raw PCM only.
    ...(entry.audioFormat === 'l16' ? { sampleRate, channels } : {}),
    transcription:
      transcription && Object.keys(transcription).length > 0
        ? {
            language: transcription.language,
            diarize: transcription.diarize,
            ...(transcription.keywords ? { keywords: transcription.keywords } : {}),
          }
        : undefined,
  }));

/** Fields are written with 6 decimals, so the generated times already have at most 6. */
const micros = fc.integer({ min: 0, max: 4_000_000_000_000 }).map((n) => n / 1e6);

const resultEntryArb: fc.Arbitrary<TranscriptionResultEntry> = fc
  .record({
    sessionId: idArb,
    chunkId: idArb,
    seq: fc.option(fc.nat(), { nil: undefined }),
    status: fc.constantFrom('ok' as const, 'failed' as const),
    text: fc.string({ maxLength: 40 }),
    confidence: fc.double({ min: 0, max: 1, noNaN: true }),
    provider: providerArb,
    processingTime: micros,
    timestamp: micros,
    words: fc.array(
      fc.record(
        {
          word: fc.string({ maxLength: 10 }),
          start: fc.double({ min: 0, max: 100, noNaN: true }),
          end: fc.double({ min: 0, max: 100, noNaN: true }),
          confidence: fc.double({ min: 0, max: 1, noNaN: true }),
          speaker: fc.nat(4),
        },
        { requiredKeys: ['word', 'start', 'end', 'confidence'] },
      ),
      { maxLength: 4 },
    ),
    language: fc.option(fc.constantFrom('en', 'de'), { nil: undefined }),
    durationSeconds: fc.option(fc.double({ min: 0, max: 600, noNaN: true }), { nil: undefined }),
    model: fc.option(fc.constantFrom('nova-3', 'universal'), { nil: undefined }),
    costUsd: fc.option(micros, { nil: undefined }),
    error: fc.option(fc.string({ minLength: 1, maxLength: 20 }), { nil: undefined }),
  })
  .map((r) => ({
    ...r,
    error: r.status === 'failed' ? (r.error ?? 'failed (no reason recorded)') : r.error,
  }));

/** What the decoder promises of each word (its times and confidence are the writer's, unchecked). */
const validWord = (w: unknown) =>
  typeof w === 'object' && w !== null && typeof (w as Record<string, unknown>)['word'] === 'string';

/** The strings are as Redis gives them back: UTF-8 bytes decoded, so a lone surrogate reads as U+FFFD. */
const viaUtf8 = (s: string) => Buffer.from(s, 'utf8').toString('utf8');

describe('stream entry decoders (fuzz)', () => {
  it('decodeChunkEntry: any field list decodes to a well-formed chunk or throws MalformedEntryError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          flatFieldsArb,
          mutatedArb(chunkEntryArb, (c) => encodeChunkEntry(c, 'both')),
        ),
        (flat) => {
          let chunk: AudioChunkEntry | undefined;
          expectOnly(
            thrownBy(() => (chunk = decodeChunkEntry(fieldsFromFlat(flat)))),
            MalformedEntryError,
          );
          if (!chunk) return;
          expect(chunk.sessionId).not.toBe('');
          expect(chunk.chunkId).not.toBe('');
          expect(chunk.audio.length).toBeGreaterThan(0);
          expect(['wav', 'l16', 'unknown']).toContain(chunk.audioFormat);
          expect(chunk.schemaVersion).toBeLessThanOrEqual(SCHEMA_VERSION);
          expect(Number.isInteger(chunk.retryCount) && chunk.retryCount >= 0).toBe(true);
          for (const provider of [...chunk.fallbackProviders, ...chunk.attemptedProviders])
            expect(PROVIDERS).toContain(provider);
          if (chunk.audioFormat === 'l16') expect(chunk.sampleRate).toBeDefined();
        },
      ),
      fuzzParameters(2000),
    );
  });

  it('decodeResultEntry: any field list decodes to a well-formed result or throws MalformedEntryError', () => {
    fc.assert(
      fc.property(fc.oneof(flatFieldsArb, mutatedArb(resultEntryArb, encodeResultEntry)), (flat) => {
        let result: TranscriptionResultEntry | undefined;
        expectOnly(
          thrownBy(() => (result = decodeResultEntry(fieldsFromFlat(flat)))),
          MalformedEntryError,
        );
        if (!result) return;
        expect(result.sessionId).not.toBe('');
        expect(result.chunkId).not.toBe('');
        expect(['ok', 'failed']).toContain(result.status);
        expect(Number.isFinite(result.confidence)).toBe(true);
        expect(Array.isArray(result.words)).toBe(true);
        expect(result.words.every(validWord)).toBe(true);
      }),
      fuzzParameters(2000),
    );
  });

  it('decodeDeadLetter: any field list gives a letter, redrivable only when its chunk decodes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          flatFieldsArb,
          mutatedArb(chunkEntryArb, (c) => encodeChunkEntry(c)),
        ),
        (flat) => {
          const fields = fieldsFromFlat(flat);
          const letter = decodeDeadLetter('1-0', fields);
          expect(letter.redrivable).toBe(thrownBy(() => decodeChunkEntry(fields)) === undefined);
          expect(Number.isSafeInteger(letter.redriveCount) && letter.redriveCount >= 0).toBe(true);
          expect(letter.deadLetteredAt === undefined || Number.isFinite(letter.deadLetteredAt)).toBe(true);
          expect(letter.seq === undefined || (Number.isSafeInteger(letter.seq) && letter.seq >= 0)).toBe(
            true,
          );
        },
      ),
      fuzzParameters(2000),
    );
  });

  it('encode → decode gives back every chunk entry the router writes, in each audio field choice', () => {
    fc.assert(
      fc.property(
        chunkEntryArb,
        fc.constantFrom('audio' as const, 'chunk_data' as const, 'both' as const),
        (chunk, audioFields) => {
          const decoded = decodeChunkEntry(fieldsFromFlat(encodeChunkEntry(chunk, audioFields)));
          expect(decoded).toEqual({
            ...chunk,
            errorHistory: viaUtf8(chunk.errorHistory),
            originalProvider: chunk.originalProvider,
          });
        },
      ),
      fuzzParameters(1000),
    );
  });

  it('encode → decode gives back every result entry a worker writes', () => {
    fc.assert(
      fc.property(resultEntryArb, (result) => {
        const decoded = decodeResultEntry(fieldsFromFlat(encodeResultEntry(result)));
        expect(decoded).toEqual({
          ...result,
          text: viaUtf8(result.text),
          error: result.error === undefined ? undefined : viaUtf8(result.error),
          words: result.words.map((w) => ({ ...w, word: viaUtf8(w.word) })),
        });
      }),
      fuzzParameters(1000),
    );
  });
});
