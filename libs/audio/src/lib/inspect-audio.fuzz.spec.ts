import fc from 'fast-check';
import {
  audioBytesArb,
  contentTypeArb,
  expectOnly,
  fuzzParameters,
  hostileWavArb,
  thrownBy,
} from '@streamscribe/fuzzing';
import { AudioDescription, frameBytes } from './audio-description';
import { AudioFormatError } from './audio-format.error';
import { parseAudioContentType } from './content-type/parse-audio-content-type';
import { compressedFormatOf, sniffCompressedFormat } from './decode/compressed-format';
import { inspectAudio } from './inspect-audio';
import { splitAudio } from './split-audio';
import { parseWav } from './wav/parse-wav';

/** l16 bodies: whole frames or not, at any rate and channel count a header can name. */
const l16Arb = fc.record({
  rate: fc.oneof(
    fc.constantFrom(1, 8000, 16000, 192000, 4_000_000_000),
    fc.integer({ min: 1, max: 2 ** 32 }),
  ),
  channels: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constantFrom(65535, 65536, 100_000)),
  body: fc.uint8Array({ minLength: 1, maxLength: 512 }).map((b) => Buffer.from(b)),
});

/** What `inspectAudio` accepted, or undefined when it threw AudioFormatError (anything else fails). */
function inspected(body: Buffer, contentType: string | undefined): AudioDescription | undefined {
  let description: AudioDescription | undefined;
  expectOnly(
    thrownBy(() => (description = inspectAudio(body, contentType))),
    AudioFormatError,
  );
  return description;
}

describe('audio intake parsers (fuzz)', () => {
  it('parseAudioContentType accepts wav or l16 with positive integer parameters, or throws AudioFormatError', () => {
    fc.assert(
      fc.property(fc.option(contentTypeArb, { nil: undefined }), (contentType) => {
        let declared: ReturnType<typeof parseAudioContentType> | undefined;
        expectOnly(
          thrownBy(() => (declared = parseAudioContentType(contentType))),
          AudioFormatError,
        );
        if (declared?.format !== 'l16') return;
        expect(Number.isSafeInteger(declared.sampleRate) && declared.sampleRate >= 1).toBe(true);
        expect(Number.isSafeInteger(declared.channels) && declared.channels >= 1).toBe(true);
      }),
      fuzzParameters(3000),
    );
  });

  it('compressedFormatOf and sniffCompressedFormat never throw', () => {
    fc.assert(
      fc.property(fc.option(contentTypeArb, { nil: undefined }), audioBytesArb, (contentType, bytes) => {
        compressedFormatOf(contentType);
        sniffCompressedFormat(bytes);
      }),
      fuzzParameters(2000),
    );
  });

  it('inspectAudio describes samples inside the body, in whole frames, or throws AudioFormatError', () => {
    const wavBody = fc.tuple(fc.constantFrom('audio/wav', 'audio/x-wav', undefined), audioBytesArb);
    const anyBody = fc.tuple(fc.option(contentTypeArb, { nil: undefined }), audioBytesArb);
    const l16Body = l16Arb.map(
      ({ rate, channels, body }) => [`audio/l16; rate=${rate}; channels=${channels}`, body] as const,
    );
    fc.assert(
      fc.property(fc.oneof(wavBody, anyBody, l16Body), ([contentType, body]) => {
        const description = inspected(body, contentType);
        if (!description) return;
        expect(description.pcmOffset + description.pcmLength).toBeLessThanOrEqual(body.length);
        expect(description.pcmLength % frameBytes(description)).toBe(0);
        expect(Number.isFinite(description.durationSeconds) && description.durationSeconds >= 0).toBe(true);
      }),
      fuzzParameters(2000),
    );
  });

  it('splitAudio cuts whatever inspectAudio accepted into WAVs holding every frame once, or throws AudioFormatError', () => {
    const accepted = fc.oneof(
      hostileWavArb.map((body) => ({ body, contentType: 'audio/wav' })),
      l16Arb.map(({ rate, channels, body }) => ({
        body,
        contentType: `audio/l16;rate=${rate};channels=${channels}`,
      })),
    );
    fc.assert(
      fc.property(accepted, fc.integer({ min: 1, max: 600 }), ({ body, contentType }, chunkSeconds) => {
        const description = inspected(body, contentType);
        if (!description) return;
        let chunks: Buffer[] = [];
        expectOnly(
          thrownBy(() => (chunks = splitAudio(body, description, chunkSeconds))),
          AudioFormatError,
        );
        let frames = 0;
        for (const chunk of chunks) {
          const wav = parseWav(chunk);
          expect(wav).toMatchObject({ sampleRate: description.sampleRate, channels: description.channels });
          frames += wav.dataLength / wav.blockAlign;
        }
        if (chunks.length > 0) expect(frames).toBe(description.pcmLength / frameBytes(description));
      }),
      fuzzParameters(1000),
    );
  });
});
