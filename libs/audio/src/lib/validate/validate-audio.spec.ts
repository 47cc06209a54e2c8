import { encodeWav } from '../wav/encode-wav';
import { parseWav } from '../wav/parse-wav';
import { prepareProviderAudio } from '../provider/provider-audio';
import { AudioRejectedError, audioProblemCodeOf } from './audio-rejected.error';
import { planChunks } from './plan-chunks';
import { assertAcceptableAudio } from './validate-audio';

const pcm16 = { bitsPerSample: 16, encoding: 'pcm' as const };
const codeOf = (attempt: () => unknown): string | undefined => {
  try {
    attempt();
    return undefined;
  } catch (error) {
    return error instanceof AudioRejectedError ? error.code : `not rejected: ${(error as Error).message}`;
  }
};

describe('assertAcceptableAudio: one rule set for router and worker', () => {
  it.each([
    ['4e9 Hz', { sampleRate: 4e9, channels: 1, durationSeconds: 1 }, 'audio_sample_rate'],
    ['1 Hz', { sampleRate: 1, channels: 1, durationSeconds: 1 }, 'audio_sample_rate'],
    ['7999 Hz', { sampleRate: 7999, channels: 1, durationSeconds: 1 }, 'audio_sample_rate'],
    ['192001 Hz', { sampleRate: 192_001, channels: 1, durationSeconds: 1 }, 'audio_sample_rate'],
    ['65,536 channels', { sampleRate: 16_000, channels: 65_536, durationSeconds: 1 }, 'audio_channels'],
    ['9 channels', { sampleRate: 16_000, channels: 9, durationSeconds: 1 }, 'audio_channels'],
    ['no samples', { sampleRate: 16_000, channels: 1, durationSeconds: 0 }, 'audio_empty'],
    ['99 ms', { sampleRate: 16_000, channels: 1, durationSeconds: 0.099 }, 'audio_too_short'],
  ])('refuses %s', (_name, shape, code) => {
    expect(codeOf(() => assertAcceptableAudio({ ...pcm16, ...shape }))).toBe(code);
  });

  it('refuses unsupported bits, with the same code from the WAV parser', () => {
    expect(
      codeOf(() =>
        assertAcceptableAudio({
          sampleRate: 16_000,
          channels: 1,
          bitsPerSample: 12,
          encoding: 'pcm',
          durationSeconds: 1,
        }),
      ),
    ).toBe('audio_sample_format');
    const wav = encodeWav(Buffer.alloc(3200), { sampleRate: 16_000, channels: 1 });
    wav.writeUInt16LE(12, 34);
    expect(codeOf(() => parseWav(wav))).toBe('audio_sample_format');
  });

  it('accepts the edges: 8 kHz, 192 kHz, 8 channels, 100 ms', () => {
    for (const shape of [
      { sampleRate: 8000, channels: 1, durationSeconds: 0.1 },
      { sampleRate: 192_000, channels: 8, durationSeconds: 1 },
    ])
      expect(() => assertAcceptableAudio({ ...pcm16, ...shape })).not.toThrow();
  });

  it('is what the worker applies before a provider is called', () => {
    const zero = encodeWav(Buffer.alloc(0), { sampleRate: 16_000, channels: 1 });
    expect(() => prepareProviderAudio({ audio: zero, format: 'wav' })).toThrow(/no samples/);
    const short = encodeWav(Buffer.alloc(320), { sampleRate: 16_000, channels: 1 });
    expect(codeOf(() => prepareProviderAudio({ audio: short, format: 'wav' }))).toBe('audio_too_short');
    expect(
      codeOf(() => prepareProviderAudio({ audio: Buffer.alloc(3200), format: 'l16', sampleRate: 4e9 })),
    ).toBe('audio_sample_rate');
    expect(
      codeOf(() =>
        prepareProviderAudio({
          audio: Buffer.alloc(65_536 * 2 * 10),
          format: 'l16',
          sampleRate: 16_000,
          channels: 65_536,
        }),
      ),
    ).toBe('audio_channels');
  });

  it('gives every audio error a stable code', () => {
    expect(audioProblemCodeOf(new AudioRejectedError('audio_empty', 'x'))).toBe('audio_empty');
    try {
      parseWav(Buffer.from('not a wav at all, not at all, not at all, not!!'));
    } catch (error) {
      expect(audioProblemCodeOf(error as AudioRejectedError)).toBe('audio_malformed');
    }
  });
});

describe('planChunks', () => {
  const shape = { sampleRate: 16_000, channels: 1, ...pcm16 };
  const second = 32_000;

  it('knows the chunk count from the length alone', () => {
    expect(planChunks(shape, 95 * second, 30, 100)).toMatchObject({ chunkCount: 4, chunkBytes: 30 * second });
    expect(planChunks(shape, 90 * second, 30, 100).chunkCount).toBe(3);
  });

  it('joins a remainder too short for speech to the chunk before it', () => {
    expect(planChunks(shape, 60 * second + 2, 30, 100).chunkCount).toBe(2);
    expect(planChunks(shape, 60 * second + 3198, 30, 100).chunkCount).toBe(2);
    expect(planChunks(shape, 60 * second + 3200, 30, 100).chunkCount).toBe(3);
  });

  it('refuses more chunks than the cap, a 1 Hz file, and a file with no samples', () => {
    expect(codeOf(() => planChunks(shape, 3601 * second, 1, 1000))).toBe('audio_too_many_chunks');
    expect(codeOf(() => planChunks({ ...shape, sampleRate: 1 }, 2000, 1, 1000))).toBe('audio_sample_rate');
    expect(codeOf(() => planChunks(shape, 0, 30, 1000))).toBe('audio_empty');
    expect(codeOf(() => planChunks(shape, 3198, 30, 1000))).toBe('audio_too_short');
  });
});
