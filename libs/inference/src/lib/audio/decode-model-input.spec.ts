import { execFileSync } from 'node:child_process';
import { AudioFormatError, AudioTooLongError, FfmpegUnavailableError, encodeWav } from '@streamscribe/audio';
import { decodeModelInput } from './decode-model-input';
import { toModelInput } from './to-model-input';

// Real ffmpeg (Debian's package; .ci/run installs it).
jest.setTimeout(30_000);

const encode = (source: string, output: string[]) =>
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    source,
    ...output,
    'pipe:1',
  ]);

describe('decodeModelInput', () => {
  it('decodes compressed audio of undeclared format (as the classic producer sends it) to 16 kHz samples', async () => {
    const opus = encode('sine=frequency=440:duration=1.5', [
      '-ar',
      '48000',
      '-c:a',
      'libopus',
      '-b:a',
      '24k',
      '-f',
      'ogg',
    ]);
    const samples = await decodeModelInput({ audio: opus, format: 'unknown' });
    expect(samples.length / 16000).toBeGreaterThan(1.45);
    expect(samples.length / 16000).toBeLessThan(1.6);
    expect(Math.max(...samples.subarray(8000, 16000))).toBeGreaterThan(0.1);
  });

  it('reads an undeclared WAV as WAV, and declared formats exactly as toModelInput does', async () => {
    const wav = encodeWav(Buffer.alloc(3200, 7), { sampleRate: 8000, channels: 1 });
    expect(await decodeModelInput({ audio: wav, format: 'unknown' })).toEqual(
      toModelInput({ audio: wav, format: 'wav' }),
    );
    expect(await decodeModelInput({ audio: wav, format: 'wav' })).toEqual(
      toModelInput({ audio: wav, format: 'wav' }),
    );
  });

  it('refuses compressed audio past the model limit while decoding, as permanent', async () => {
    const minute = encode('anullsrc=r=16000:cl=mono:d=60', ['-c:a', 'flac', '-f', 'flac']);
    await expect(decodeModelInput({ audio: minute, format: 'unknown' }, 30)).rejects.toThrow(
      AudioTooLongError,
    );
  });

  it('refuses bytes it cannot recognise, saying what it reads', async () => {
    const attempt = decodeModelInput({ audio: Buffer.from('not audio of any kind'), format: 'unknown' });
    await expect(attempt).rejects.toThrow(AudioFormatError);
    await expect(attempt).rejects.toThrow(
      'audio format unknown: the bytes are neither WAV nor mp3, ogg/opus, flac, m4a/aac or webm',
    );
  });

  it('reports a missing ffmpeg as such (not as bad audio), naming FFMPEG_PATH', async () => {
    const before = process.env['FFMPEG_PATH'];
    process.env['FFMPEG_PATH'] = '/nonexistent/ffmpeg';
    try {
      const attempt = decodeModelInput({
        audio: Buffer.from('ID3\u0004\u0000\u0000', 'latin1'),
        format: 'unknown',
      });
      await expect(attempt).rejects.toThrow(FfmpegUnavailableError);
      await expect(attempt).rejects.toThrow(
        /install it \(Debian\/Ubuntu: apt-get install ffmpeg\) or set FFMPEG_PATH/,
      );
    } finally {
      if (before === undefined) delete process.env['FFMPEG_PATH'];
      else process.env['FFMPEG_PATH'] = before;
    }
  });
});
