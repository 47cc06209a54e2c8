import { inspectAudio } from './inspect-audio';
import { toWav } from './to-wav';
import { encodeWav } from './wav/encode-wav';
import { parseWav } from './wav/parse-wav';

describe('toWav', () => {
  it('passes a WAV through unchanged', () => {
    const wav = encodeWav(Buffer.alloc(40), { sampleRate: 16000, channels: 1 });
    expect(toWav(wav, inspectAudio(wav, 'audio/wav'))).toBe(wav);
  });

  it('wraps l16 in a WAV header, samples unchanged', () => {
    const pcm = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const wav = toWav(pcm, inspectAudio(pcm, 'audio/l16; rate=8000; channels=2'));
    expect(parseWav(wav)).toMatchObject({
      sampleRate: 8000,
      channels: 2,
      bitsPerSample: 16,
      encoding: 'pcm',
      dataLength: 8,
    });
    expect(wav.subarray(44).equals(pcm)).toBe(true);
  });
});
