import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { AudioFormatError } from '../audio-format.error';
import { AudioTooLongError } from './audio-too-long.error';
import { CompressedFormat, sniffCompressedFormat } from './compressed-format';
import { FfmpegDecoder } from './ffmpeg-decoder';
import { FfmpegUnavailableError } from './ffmpeg-unavailable.error';
import { mp4IndexFirst } from './mp4-index-first';

// Real ffmpeg (Debian's package; .ci/run installs it). Inputs are made here by ffmpeg's own
// encoders from its sine source, so each format is what a real client would send.
jest.setTimeout(30_000);

const ENCODINGS: Record<CompressedFormat, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '32k', '-f', 'mp3'],
  ogg: ['-c:a', 'libopus', '-b:a', '24k', '-f', 'ogg'],
  flac: ['-c:a', 'flac', '-f', 'flac'],
  m4a: ['-c:a', 'aac', '-b:a', '32k', '-f', 'ipod'],
  aac: ['-c:a', 'aac', '-b:a', '32k', '-f', 'adts'],
  webm: ['-c:a', 'libopus', '-b:a', '24k', '-f', 'webm'],
};

function encode(format: CompressedFormat, source: string, sampleRate = 44100): Buffer {
  // Opus encodes 48 kHz (and a few lower rates), never 44.1 kHz.
  if (format === 'ogg' || format === 'webm') sampleRate = 48000;
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    source,
    '-ar',
    String(sampleRate),
    '-ac',
    '2',
    ...ENCODINGS[format],
  ];
  if (format !== 'm4a') return execFileSync('ffmpeg', [...args, 'pipe:1'], { maxBuffer: 64 * 1024 * 1024 });
  // The MP4 muxer seeks back to write its index (at the end, as phones write it), so not to a pipe.
  const file = join(mkdtempSync(join(tmpdir(), 'm4a-')), 'audio.m4a');
  execFileSync('ffmpeg', [...args, file]);
  return readFileSync(file);
}

/** An ffmpeg that records its pid, so a test can see the child is gone after a decode stops. */
function pidRecordingFfmpeg(): { path: string; pid: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'ffmpeg-pid-'));
  const path = join(dir, 'ffmpeg');
  writeFileSync(path, `#!/bin/sh\necho $$ > ${dir}/pid\nexec ffmpeg "$@"\n`);
  chmodSync(path, 0o755);
  return { path, pid: () => Number(readFileSync(join(dir, 'pid'), 'utf8')) };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function untilGone(pid: number): Promise<void> {
  for (let i = 0; i < 200 && isRunning(pid); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('FfmpegDecoder', () => {
  const decoder = new FfmpegDecoder({ maxSeconds: 60 });

  it.each(Object.keys(ENCODINGS) as CompressedFormat[])(
    'decodes %s to 16 kHz mono PCM of the same length',
    async (format) => {
      const audio = encode(format, 'sine=frequency=440:duration=2');
      expect(sniffCompressedFormat(audio)).toBe(format);
      const decoded = await decoder.decode(audio, format);
      expect(decoded).toMatchObject({ sampleRate: 16000, channels: 1 });
      // Encoders add a few ms of priming or padding; nothing more.
      expect(decoded.durationSeconds).toBeGreaterThan(1.95);
      expect(decoded.durationSeconds).toBeLessThan(2.1);
      expect(decoded.pcm.length).toBe(Math.round(decoded.durationSeconds * 16000) * 2);
      const peak = Math.max(
        ...Array.from({ length: decoded.pcm.length / 2 }, (_, i) => Math.abs(decoded.pcm.readInt16LE(i * 2))),
      );
      expect(peak).toBeGreaterThan(1000);
    },
  );

  it('decodes an m4a whose index comes after its audio, as phones write it', async () => {
    // 20 s is past what ffmpeg can read from a pipe with the index last ("partial file").
    const m4a = encode('m4a', 'sine=frequency=440:duration=20', 16000);
    const moov = m4a.indexOf('moov', 0, 'latin1');
    expect(moov).toBeGreaterThan(m4a.indexOf('mdat', 0, 'latin1'));
    const indexFirst = mp4IndexFirst(m4a);
    expect(indexFirst.indexOf('moov', 0, 'latin1')).toBeLessThan(indexFirst.indexOf('mdat', 0, 'latin1'));
    expect(mp4IndexFirst(indexFirst)).toBe(indexFirst);
    const decoded = await decoder.decode(m4a, 'm4a');
    expect(decoded.durationSeconds).toBeGreaterThan(19.95);
    expect(decoded.durationSeconds).toBeLessThan(20.1);
  });

  it('decodes from a stream as it arrives', async () => {
    const audio = encode('mp3', 'sine=frequency=440:duration=3');
    const input = new PassThrough();
    const decoding = decoder.decode(input, 'mp3');
    for (let offset = 0; offset < audio.length; offset += 1000)
      input.write(audio.subarray(offset, offset + 1000));
    input.end();
    expect((await decoding).durationSeconds).toBeCloseTo(3, 1);
  });

  it('refuses a tiny file that expands to an hour as soon as it passes the limit, and kills ffmpeg', async () => {
    const hourOfSilence = execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'anullsrc=r=8000:cl=mono:d=3600:nb_samples=32768',
      '-c:a',
      'flac',
      '-frame_size',
      '32768',
      '-f',
      'flac',
      'pipe:1',
    ]);
    // 115 MB of PCM in under 32 kB: the length can only be known by decoding.
    expect(hourOfSilence.length).toBeLessThan(32 * 1024);
    const ffmpeg = pidRecordingFfmpeg();
    const bounded = new FfmpegDecoder({ ffmpegPath: ffmpeg.path, maxSeconds: 30 });
    const attempt = bounded.decode(hourOfSilence, 'flac');
    await expect(attempt).rejects.toThrow(AudioTooLongError);
    await expect(attempt).rejects.toThrow(
      'this flac audio decodes to more than 30 s of audio, the most accepted here: split it into shorter files',
    );
    await untilGone(ffmpeg.pid());
    expect(isRunning(ffmpeg.pid())).toBe(false);
  });

  it('stops a decode that outlasts the wall-clock limit, and kills ffmpeg', async () => {
    const ffmpeg = pidRecordingFfmpeg();
    const input = new PassThrough();
    // An upload that stalls after its first bytes: ffmpeg waits for more, forever.
    input.write(encode('mp3', 'sine=frequency=440:duration=1').subarray(0, 2000));
    const attempt = new FfmpegDecoder({ ffmpegPath: ffmpeg.path, maxSeconds: 60, timeoutMs: 300 }).decode(
      input,
      'mp3',
    );
    await expect(attempt).rejects.toThrow(AudioFormatError);
    await expect(attempt).rejects.toThrow('decoding mp3 audio took longer than 300 ms and was stopped');
    await untilGone(ffmpeg.pid());
    expect(isRunning(ffmpeg.pid())).toBe(false);
  });

  it("kills ffmpeg when the caller aborts, rejecting with the signal's reason", async () => {
    const ffmpeg = pidRecordingFfmpeg();
    const input = new PassThrough();
    const controller = new AbortController();
    const attempt = new FfmpegDecoder({ ffmpegPath: ffmpeg.path, maxSeconds: 60 }).decode(
      input,
      'ogg',
      controller.signal,
    );
    input.write(encode('ogg', 'sine=frequency=440:duration=1'));
    for (let i = 0; i < 200; i++) {
      try {
        if (ffmpeg.pid() > 0) break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    controller.abort(new Error('client went away'));
    await expect(attempt).rejects.toThrow('client went away');
    await untilGone(ffmpeg.pid());
    expect(isRunning(ffmpeg.pid())).toBe(false);
  });

  it('says what to install when ffmpeg is missing', async () => {
    const attempt = new FfmpegDecoder({ ffmpegPath: '/nonexistent/ffmpeg', maxSeconds: 60 }).decode(
      Buffer.from('ID3'),
      'mp3',
    );
    await expect(attempt).rejects.toThrow(FfmpegUnavailableError);
    await expect(attempt).rejects.toThrow(
      "compressed audio needs ffmpeg, which could not be started from '/nonexistent/ffmpeg' (ENOENT): install it (Debian/Ubuntu: apt-get install ffmpeg) or set FFMPEG_PATH",
    );
  });

  it('gives bytes that are not the declared format an AudioFormatError quoting ffmpeg', async () => {
    const attempt = decoder.decode(Buffer.from('definitely not an ogg stream'.repeat(10)), 'ogg');
    await expect(attempt).rejects.toThrow(AudioFormatError);
    await expect(attempt).rejects.toThrow(/^could not decode the audio as ogg: .+/);
  });

  it('never lets the input name another file: a playlist declared as mp3 is read as mp3, and fails', async () => {
    const playlist = Buffer.from('#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n');
    await expect(decoder.decode(playlist, 'mp3')).rejects.toThrow(/could not decode the audio as mp3/);
  });

  it('validates its options', () => {
    expect(() => new FfmpegDecoder({ maxSeconds: 0 })).toThrow(
      'maxSeconds must be a positive number of seconds, got 0',
    );
    expect(() => new FfmpegDecoder({ maxSeconds: 1, timeoutMs: 0 })).toThrow(
      'timeoutMs must be a positive integer of milliseconds, got 0',
    );
  });
});

describe('sniffCompressedFormat', () => {
  it.each([
    ['ID3\u0004\u0000', 'mp3'],
    ['\u00ff\u00fb\u0090\u0000', 'mp3'],
    ['\u00ff\u00f1\u0050\u0080', 'aac'],
    ['OggS\u0000', 'ogg'],
    ['fLaC\u0000', 'flac'],
    ['\u0000\u0000\u0000\u0020ftypM4A ', 'm4a'],
    ['\u001a\u0045\u00df\u00a3\u0001', 'webm'],
    ['RIFF\u0000\u0000\u0000\u0000WAVE', undefined],
    ['abc', undefined],
  ])('%j is %s', (start, format) => {
    expect(sniffCompressedFormat(Buffer.from(start, 'latin1'))).toBe(format);
  });
});
