import fc from 'fast-check';
import { audioBytesArb, expectOnly, fuzzParameters, hostileWavArb, thrownBy } from '@streamscribe/fuzzing';
import { AudioFormatError } from '../audio-format.error';
import { parseWav } from './parse-wav';
import { riffChunks } from './riff-chunks';

describe('parseWav (fuzz)', () => {
  it('either describes samples that lie inside the file, in whole frames, or throws AudioFormatError', () => {
    fc.assert(
      fc.property(audioBytesArb, (bytes) => {
        let info: ReturnType<typeof parseWav> | undefined;
        expectOnly(
          thrownBy(() => (info = parseWav(bytes))),
          AudioFormatError,
        );
        if (!info) return;
        // RIFF header (12) and the data chunk's own header (8) come first; fmt may follow the data.
        expect(info.dataOffset).toBeGreaterThanOrEqual(20);
        expect(info.dataOffset + info.dataLength).toBeLessThanOrEqual(bytes.length);
        expect(info.blockAlign).toBe((info.channels * info.bitsPerSample) / 8);
        expect(info.dataLength % info.blockAlign).toBe(0);
        expect(info.sampleRate).toBeGreaterThan(0);
        expect(info.channels).toBeGreaterThan(0);
        expect(Number.isFinite(info.durationSeconds) && info.durationSeconds >= 0).toBe(true);
      }),
      fuzzParameters(2000),
    );
  });

  it('walks chunks forward only, so even a file of tiny chunks ends', () => {
    fc.assert(
      fc.property(hostileWavArb, (bytes) => {
        let last = -1;
        let count = 0;
        for (const chunk of riffChunks(bytes)) {
          expect(chunk.offset).toBeGreaterThan(last);
          last = chunk.offset;
          count += 1;
        }
        expect(count).toBeLessThanOrEqual(Math.ceil(bytes.length / 8));
      }),
      fuzzParameters(1000),
    );
  });
});
