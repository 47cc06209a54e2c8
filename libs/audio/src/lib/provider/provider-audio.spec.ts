import { AudioFormatError } from '../audio-format.error';
import { encodeWav } from '../wav/encode-wav';
import { parseWav } from '../wav/parse-wav';
import { checkDuration } from './duration-check';
import { prepareProviderAudio } from './provider-audio';

const pcm = (seconds: number, sampleRate = 16000) => Buffer.alloc(Math.round(seconds * sampleRate) * 2, 1);

describe('prepareProviderAudio', () => {
  it('passes a WAV through unchanged and measures it', () => {
    const wav = encodeWav(pcm(1.5), { sampleRate: 16000, channels: 1 });
    const prepared = prepareProviderAudio({ audio: wav, format: 'wav' });
    expect(prepared.body).toBe(wav);
    expect(prepared).toMatchObject({ contentType: 'audio/wav', durationSeconds: 1.5 });
  });

  it('wraps raw PCM in a WAV header describing it', () => {
    const prepared = prepareProviderAudio({
      audio: pcm(2, 8000),
      format: 'l16',
      sampleRate: 8000,
      channels: 1,
    });
    expect(prepared.durationSeconds).toBe(2);
    expect(parseWav(prepared.body)).toMatchObject({ sampleRate: 8000, channels: 1, durationSeconds: 2 });
  });

  it('passes audio of a format it does not parse through for the provider to read, without a duration', () => {
    const mp3 = Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000', 'latin1');
    expect(prepareProviderAudio({ audio: mp3, format: 'unknown' })).toEqual({
      body: mp3,
      contentType: 'application/octet-stream',
    });
  });

  it.each([
    [{ audio: Buffer.alloc(0), format: 'wav' as const }, /empty/],
    [
      {
        audio: encodeWav(pcm(1), { sampleRate: 16000, channels: 1 }).subarray(0, 20),
        format: 'wav' as const,
      },
      /WAV|RIFF|truncated|chunk/i,
    ],
    [
      { audio: encodeWav(Buffer.alloc(0), { sampleRate: 16000, channels: 1 }), format: 'wav' as const },
      /no samples/,
    ],
    [
      { audio: Buffer.alloc(3), format: 'l16' as const, sampleRate: 16000 },
      /not a whole number of 2-byte frames/,
    ],
    [{ audio: Buffer.alloc(6), format: 'l16' as const, sampleRate: 16000, channels: 2 }, /4-byte frames/],
    [{ audio: Buffer.alloc(4), format: 'l16' as const }, /sample rate/],
  ])('rejects bad audio before it is sent: %#', (declared, message) => {
    const attempt = () => prepareProviderAudio(declared);
    expect(attempt).toThrow(AudioFormatError);
    expect(attempt).toThrow(message);
  });
});

describe('checkDuration', () => {
  it('keeps the measured duration and flags a provider that heard something else', () => {
    expect(checkDuration(10, 10.02)).toEqual({
      durationSeconds: 10,
      mismatch: false,
      differenceSeconds: expect.closeTo(0.02),
    });
    expect(checkDuration(10, 5)).toEqual({ durationSeconds: 10, mismatch: true, differenceSeconds: -5 });
    expect(checkDuration(100, 104)).toMatchObject({ mismatch: false });
  });

  it('falls back to the provider figure when the audio could not be measured, and to ours when it reports none', () => {
    expect(checkDuration(undefined, 3)).toEqual({ durationSeconds: 3, mismatch: false });
    expect(checkDuration(3, undefined)).toEqual({ durationSeconds: 3, mismatch: false });
  });
});
