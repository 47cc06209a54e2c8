import { HttpException } from '@nestjs/common';
import { execFileSync } from 'node:child_process';
import { encodeWav } from '@streamscribe/audio';
import { RouterEnvironment } from '../router-environment';
import { AudioIntake } from './audio-intake.service';

// Real ffmpeg, as the router runs it (.ci/run installs Debian's package).
jest.setTimeout(30_000);

/** MP3 pads to whole 1152-sample frames (52 ms at 22.05 kHz) plus the encoder's delay. */
function expectAboutMp3Length(seconds: number): void {
  expect(seconds).toBeGreaterThanOrEqual(2.5);
  expect(seconds).toBeLessThan(2.62);
}

function settings(overrides: Partial<RouterEnvironment> = {}): RouterEnvironment {
  return Object.assign(new RouterEnvironment(), overrides);
}

function ffmpegEncode(source: string, output: string[]): Buffer {
  return execFileSync('ffmpeg', [
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
}

/** The refusal an attempt ends in: its status, message and (where the body has one) its stable code. */
async function statusOf(
  attempt: Promise<unknown>,
): Promise<{ status: number; message: string; code?: unknown }> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof HttpException)) throw new Error(`expected an HTTP error, got ${String(error)}`);
  const body = error.getResponse();
  const code = typeof body === 'object' && body !== null && 'code' in body ? body.code : undefined;
  return { status: error.getStatus(), message: error.message, ...(code === undefined ? {} : { code }) };
}

describe('AudioIntake', () => {
  const mp3 = ffmpegEncode('sine=frequency=300:duration=2.5', [
    '-ar',
    '22050',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '32k',
    '-f',
    'mp3',
  ]);

  it('decodes compressed audio to 16 kHz mono l16 and measures it', async () => {
    const { body, audio } = await new AudioIntake(settings()).read(mp3, 'audio/mpeg', 'file');
    expect(audio).toMatchObject({
      format: 'l16',
      encoding: 'pcm',
      sampleRate: 16000,
      channels: 1,
      bitsPerSample: 16,
      pcmOffset: 0,
      pcmLength: body.length,
    });
    expectAboutMp3Length(audio.durationSeconds);
  });

  it('trusts the bytes over a loose label: mp3 sent as audio/aac still decodes', async () => {
    const { audio } = await new AudioIntake(settings()).read(mp3, 'audio/aac', 'chunk');
    expectAboutMp3Length(audio.durationSeconds);
  });

  it("stops decoding when the client's signal aborts, rejecting with its reason", async () => {
    const controller = new AbortController();
    controller.abort(new Error('client left'));
    await expect(
      new AudioIntake(settings()).read(mp3, 'audio/mpeg', 'file', controller.signal),
    ).rejects.toThrow('client left');
  });

  it('passes WAV and l16 to the existing validation, without ffmpeg', async () => {
    const wav = encodeWav(Buffer.alloc(3200), { sampleRate: 16000, channels: 1 });
    const { body, audio } = await new AudioIntake(settings({ FFMPEG_PATH: '/nonexistent/ffmpeg' })).read(
      wav,
      'audio/wav',
      'chunk',
    );
    expect(body).toBe(wav);
    expect(audio).toMatchObject({ format: 'wav', durationSeconds: 0.1 });
  });

  it('answers 415 naming what to install when ffmpeg is missing', async () => {
    const answer = await statusOf(
      new AudioIntake(settings({ FFMPEG_PATH: '/nonexistent/ffmpeg' })).read(mp3, 'audio/mpeg', 'file'),
    );
    expect(answer.status).toBe(415);
    expect(answer.message).toMatch(
      /compressed audio needs ffmpeg, .* install it \(Debian\/Ubuntu: apt-get install ffmpeg\) or set FFMPEG_PATH/,
    );
  });

  it('answers 413 when a compressed chunk decodes to more PCM than MAX_CHUNK_BYTES', async () => {
    // A minute of silence: a few kB of FLAC, 1.9 MB of PCM; the chunk limit allows 1 MB (32.768 s).
    const minute = ffmpegEncode('anullsrc=r=16000:cl=mono:d=60', ['-c:a', 'flac', '-f', 'flac']);
    const intake = new AudioIntake(settings({ MAX_CHUNK_BYTES: 1024 * 1024 }));
    const answer = await statusOf(intake.read(minute, 'audio/flac', 'chunk'));
    expect(answer).toEqual({
      status: 413,
      message:
        'this flac audio decodes to more than 32.768 s of audio, the most accepted here: split it into shorter files',
    });
    // The file endpoint's limit (MAX_FILE_BYTES) is far larger.
    expect((await intake.read(minute, 'audio/flac', 'file')).audio.durationSeconds).toBe(60);
  });

  it('answers 400 for compressed audio that does not decode, and for an empty body', async () => {
    const intake = new AudioIntake(settings());
    expect(
      await statusOf(intake.read(Buffer.from('not an ogg stream at all'), 'audio/ogg; codecs=opus', 'chunk')),
    ).toMatchObject({
      status: 400,
      code: 'audio_malformed',
      message: expect.stringMatching(/^could not decode the audio as ogg: /),
    });
    expect(await statusOf(intake.read(Buffer.alloc(0), 'audio/ogg', 'chunk'))).toEqual({
      status: 400,
      code: 'audio_empty',
      message: 'audio body is empty: send the audio bytes as the request body',
    });
  });
});
