import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { AudioFormatError } from '../audio-format.error';
import { AudioTooLongError } from './audio-too-long.error';
import { CompressedFormat, FFMPEG_DEMUXER } from './compressed-format';
import { FfmpegUnavailableError } from './ffmpeg-unavailable.error';
import { mp4IndexFirst } from './mp4-index-first';

export interface FfmpegDecoderOptions {
  /** The ffmpeg binary: a name looked up on the PATH, or a path. @defaultValue 'ffmpeg' */
  ffmpegPath?: string;
  /**
   * Most audio one input may decode to. Counted on the decoded samples as they arrive, so a small
   * file that expands to hours is refused after `maxSeconds`, holding at most that much PCM.
   */
  maxSeconds: number;
  /** Wall-clock limit for one decode, in ms; past it ffmpeg is killed. @defaultValue 120000 */
  timeoutMs?: number;
}

/** Decoded audio: signed 16-bit little-endian PCM, 16 kHz, mono. */
export interface DecodedPcm {
  pcm: Buffer;
  sampleRate: 16000;
  channels: 1;
  durationSeconds: number;
}

export const DECODED_SAMPLE_RATE = 16000;
const DECODED_BYTES_PER_SECOND = DECODED_SAMPLE_RATE * 2;
/** ffmpeg's last words, kept for the error message; the rest is dropped. */
const STDERR_TAIL_BYTES = 2048;

/**
 * Decodes compressed audio by streaming it through an ffmpeg child process (stdin in, s16le
 * 16 kHz mono out), with no temporary files. Every decode is bounded three ways: decoded length
 * (`maxSeconds`), wall-clock time (`timeoutMs`), and the caller's abort signal; any of them kills
 * the child at once.
 */
export class FfmpegDecoder {
  readonly ffmpegPath: string;
  readonly maxSeconds: number;
  readonly timeoutMs: number;

  constructor(options: FfmpegDecoderOptions) {
    this.ffmpegPath = options.ffmpegPath || 'ffmpeg';
    this.maxSeconds = options.maxSeconds;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    if (!(this.maxSeconds > 0))
      throw new RangeError(`maxSeconds must be a positive number of seconds, got ${options.maxSeconds}`);
    if (!Number.isInteger(this.timeoutMs) || this.timeoutMs < 1) {
      throw new RangeError(`timeoutMs must be a positive integer of milliseconds, got ${options.timeoutMs}`);
    }
  }

  /**
   * @throws FfmpegUnavailableError when ffmpeg cannot be started.
   * @throws AudioTooLongError past `maxSeconds` of decoded audio.
   * @throws AudioFormatError when ffmpeg cannot decode the input as `format`, it decodes to
   *   nothing, or the wall-clock limit passes.
   * @throws the signal's reason when `signal` aborts.
   *
   * An m4a given as a Buffer has its index moved first (`mp4IndexFirst`); a streamed one must
   * already have it first (`-movflags +faststart`), as ffmpeg cannot seek back in a pipe.
   */
  decode(input: Buffer | Readable, format: CompressedFormat, signal?: AbortSignal): Promise<DecodedPcm> {
    if (signal?.aborted)
      return Promise.reject(signal.reason instanceof Error ? signal.reason : new Error('decode aborted'));
    const maxBytes = Math.floor(this.maxSeconds * DECODED_SAMPLE_RATE) * 2;
    return new Promise<DecodedPcm>((resolve, reject) => {
      const child = spawn(this.ffmpegPath, ffmpegArguments(format), { stdio: ['pipe', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let bytes = 0;
      let stderr = '';
      let settled = false;
      const finish = (error: Error | undefined, result?: DecodedPcm) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) {
          // The result is decided: the child must not run on (or hold the memory) any longer.
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
          if (input instanceof Readable) input.unpipe(child.stdin);
          reject(error);
        } else resolve(result as DecodedPcm);
      };
      const onAbort = () =>
        finish(signal?.reason instanceof Error ? signal.reason : new Error('decode aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(
        () =>
          finish(
            new AudioFormatError(
              `decoding ${format} audio took longer than ${this.timeoutMs} ms and was stopped: send a shorter file, or WAV`,
            ),
          ),
        this.timeoutMs,
      );

      child.on('error', (error: NodeJS.ErrnoException) =>
        finish(new FfmpegUnavailableError(this.ffmpegPath, error.code ?? error.message)),
      );
      child.stdout.on('data', (chunk: Buffer) => {
        if (settled) return;
        bytes += chunk.length;
        if (bytes > maxBytes) return finish(new AudioTooLongError(this.maxSeconds, `this ${format} audio`));
        chunks.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
      });
      // ffmpeg stops reading when it fails early; the exit status reports that, not EPIPE.
      child.stdin.on('error', () => undefined);
      child.on('close', (code, killedBy) => {
        if (code !== 0) {
          const why = lastLine(stderr) || (killedBy ? `killed by ${killedBy}` : `exit status ${code}`);
          return finish(new AudioFormatError(`could not decode the audio as ${format}: ${why}`));
        }
        const pcm = Buffer.concat(chunks, bytes - (bytes % 2));
        if (pcm.length === 0)
          return finish(new AudioFormatError(`the ${format} audio decodes to no samples`));
        finish(undefined, {
          pcm,
          sampleRate: DECODED_SAMPLE_RATE,
          channels: 1,
          durationSeconds: pcm.length / DECODED_BYTES_PER_SECOND,
        });
      });

      if (Buffer.isBuffer(input)) child.stdin.end(format === 'm4a' ? mp4IndexFirst(input) : input);
      else {
        input.on('error', (error) =>
          finish(new AudioFormatError(`reading the audio failed: ${error.message}`)),
        );
        input.pipe(child.stdin);
      }
    });
  }
}

function ffmpegArguments(format: CompressedFormat): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    // Only the pipe may be opened: nothing in the input can point ffmpeg at a file or URL.
    '-protocol_whitelist',
    'pipe',
    '-f',
    FFMPEG_DEMUXER[format],
    '-i',
    'pipe:0',
    '-map',
    '0:a:0',
    '-vn',
    '-sn',
    '-dn',
    '-threads',
    '1',
    '-ac',
    '1',
    '-ar',
    String(DECODED_SAMPLE_RATE),
    '-f',
    's16le',
    '-acodec',
    'pcm_s16le',
    'pipe:1',
  ];
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
