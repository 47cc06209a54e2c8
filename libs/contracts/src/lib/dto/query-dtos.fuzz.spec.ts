import { BadRequestException, ValidationPipe } from '@nestjs/common';
import fc from 'fast-check';
import { fuzzParameters } from '@streamscribe/fuzzing';
import { ChunkIngestQuery, RoutingQuery, TranscriptionQuery } from './chunk-ingest.query';
import { DeadLetterListQuery, RedriveRequest } from './dead-letter.query';

// The router's pipe (configureRouterHttp): transform, whitelist, unknown names refused.
const pipe = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors) =>
    new BadRequestException(errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ')),
});

const QUERY_NAMES = [
  'provider',
  'realTimeRequired',
  'accuracyCritical',
  'costSensitive',
  'fallback',
  'language',
  'diarize',
  'keywords',
  'wordTimestamps',
  'hedge',
  'consensus',
  'consensusTimeoutMs',
  'seq',
  'chunkId',
  'wait',
  'timeoutMs',
  'sessionId',
  'chunkSeconds',
  'offsetMs',
  'split',
  'count',
  'after',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
];

const queryValue = fc.oneof(
  fc.constantFrom(
    '',
    'true',
    'false',
    '1',
    '0',
    '-1',
    '99999999999999999999',
    '1e3',
    '0x10',
    'deepgram',
    'deepgram,whisper',
    'deepgram,whisper,assemblyai,parakeet',
    'nobody,deepgram',
    'en-US',
    '1700000000000-0',
    ',,,',
    'a'.repeat(200),
  ),
  fc.string({ maxLength: 20 }),
);

/** Query objects as Express parses them: each name a string, or an array when repeated (`?a=1&a=2`). */
const queryArb = fc.dictionary(
  fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...QUERY_NAMES) }, fc.string({ maxLength: 10 })),
  fc.oneof({ weight: 4, arbitrary: queryValue }, fc.array(queryValue, { maxLength: 3 })),
  { maxKeys: 6 },
);

/** Runs the router's pipe: a validated instance, or undefined for a 400; any other error fails the property. */
async function piped<T>(
  metatype: new () => T,
  value: unknown,
  type: 'query' | 'body',
): Promise<T | undefined> {
  try {
    return (await pipe.transform(value, { type, metatype })) as T;
  } catch (error) {
    if (error instanceof BadRequestException) return undefined;
    throw error;
  }
}

describe('query DTOs (fuzz)', () => {
  it('any query gives a validated query or a 400, and a validated one answers every question about itself', async () => {
    await fc.assert(
      fc.asyncProperty(
        queryArb,
        fc.constantFrom(ChunkIngestQuery, TranscriptionQuery),
        async (raw, metatype) => {
          const query: RoutingQuery | undefined = await piped<RoutingQuery>(metatype, raw, 'query');
          if (!query) return;
          expect(query).toBeInstanceOf(metatype);
          query.transcriptionHints();
          query.keywordsProblem();
          query.fallbackProviders();
          query.fallbackProblem();
          query.consensusProviders();
          query.consensusProblem();
          for (const flag of [
            'realTimeRequired',
            'accuracyCritical',
            'costSensitive',
            'hedge',
            'diarize',
          ] as const)
            expect(query[flag] === undefined || typeof query[flag] === 'boolean').toBe(true);
          if (query instanceof ChunkIngestQuery && query.seq !== undefined)
            expect(Number.isInteger(query.seq) && query.seq >= 0).toBe(true);
          if (query instanceof TranscriptionQuery && query.chunkSeconds !== undefined)
            expect(Number.isInteger(query.chunkSeconds) && query.chunkSeconds >= 1).toBe(true);
          if (query instanceof ChunkIngestQuery && query.offsetMs !== undefined)
            expect(Number.isSafeInteger(query.offsetMs) && query.offsetMs >= 0).toBe(true);
          if (query instanceof TranscriptionQuery)
            expect(query.split === undefined || typeof query.split === 'boolean').toBe(true);
        },
      ),
      fuzzParameters(600, 5_000),
    );
  });

  it('any dead-letter list query or re-drive body gives a validated value or a 400', async () => {
    const bodyArb = fc.oneof(
      fc.record(
        {
          ids: fc.oneof(fc.array(fc.constantFrom('1-0', '1700000000000-12', 'x', '1-', '')), fc.jsonValue()),
          all: fc.oneof(fc.boolean(), fc.jsonValue()),
          provider: fc.oneof(fc.constantFrom('deepgram', 'nobody'), fc.jsonValue()),
          limit: fc.oneof(fc.integer(), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
      fc.jsonValue(),
    );
    await fc.assert(
      fc.asyncProperty(queryArb, bodyArb, async (query, body) => {
        const list = await piped(DeadLetterListQuery, query, 'query');
        if (list?.count !== undefined) expect(Number.isInteger(list.count)).toBe(true);
        const redrive = await piped(RedriveRequest, body, 'body');
        // @IsOptional lets null through as well as undefined (class-validator's rule); the
        // re-drive service reads every field with `??`, so null means absent there too.
        if (redrive?.ids != null) expect(Array.isArray(redrive.ids)).toBe(true);
        if (redrive?.limit != null) expect(Number.isInteger(redrive.limit)).toBe(true);
      }),
      fuzzParameters(600, 5_000),
    );
  });
});
