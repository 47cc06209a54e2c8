import fc from 'fast-check';

/** Media types the router knows, and some it does not, in any letter case. */
const MEDIA_TYPES = [
  'audio/wav',
  'audio/x-wav',
  'audio/wave',
  'audio/vnd.wave',
  'audio/l16',
  'audio/L16',
  'audio/mpeg',
  'audio/ogg',
  'audio/flac',
  'audio/mp4',
  'audio/aac',
  'audio/webm',
  'application/octet-stream',
  'text/plain',
  'audio/',
  '',
];

const randomCase = (s: string) =>
  fc
    .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
    .map((upper) => [...s].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

/** Numbers as a client could write them: ordinary, zero, negative, huge, fractional, hex, padded, quoted. */
const numberText = fc.oneof(
  fc.constantFrom(
    '16000',
    '8000',
    '0',
    '-1',
    '1',
    '65535',
    '65536',
    '4000000000',
    '9007199254740993',
    '1e5',
    '0x10',
    '16000.0',
    '',
    ' 8000 ',
    '"16000"',
    '"',
    'NaN',
    'Infinity',
    '١٦٠٠٠',
  ),
  fc.nat().map(String),
  fc.string({ maxLength: 12 }),
);

const paramArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom('rate', 'channels', 'RATE', 'Channels', 'codecs', 'charset'), numberText)
      .map(([n, v]) => `${n}=${v}`),
  },
  fc.string({ maxLength: 20 }),
);

/** Content-Type headers: known and unknown media types with l16-style parameters, and noise. */
export const contentTypeArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...MEDIA_TYPES).chain(randomCase),
        fc.array(paramArb, { maxLength: 4 }),
        fc.constantFrom(';', '; ', ' ; ', ';;'),
      )
      .map(([type, params, sep]) => [type, ...params].join(sep)),
  },
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
);
