import { Inject, Injectable, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import {
  AudioDescription,
  AudioFormatError,
  AudioTooLongError,
  DECODED_SAMPLE_RATE,
  assertAcceptableAudio,
  FfmpegDecoder,
  FfmpegUnavailableError,
  compressedFormatOf,
  sniffCompressedFormat,
} from '@streamscribe/audio';
import { validateAudioBody } from '../audio-validation';
import { audioRefusal, refusal } from './intake-errors';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT } from '../tokens';

/** Which endpoint the audio came to: each has its own body limit. */
export type IntakeEndpoint = 'file' | 'chunk';

/** 16-bit mono PCM: what the decoder writes. */
const DECODED_BYTES_PER_SECOND = DECODED_SAMPLE_RATE * 2;

/**
 * Turns a request body into audio the router can measure and split. WAV and `audio/l16` are
 * validated as they are; compressed audio (mp3, ogg/opus, flac, m4a/aac, webm) is decoded through
 * ffmpeg to 16 kHz mono 16-bit PCM, and from then on is `audio/l16` like any other. A compressed
 * body may not decode to more PCM than the same endpoint takes as a body (MAX_FILE_BYTES,
 * MAX_CHUNK_BYTES): a small file cannot expand past what an uncompressed upload could be.
 *
 * Errors: 415 for a type not accepted or no ffmpeg (naming what to install), 413 past the
 * length limit, 400 for audio that does not decode.
 */
@Injectable()
export class AudioIntake {
  private readonly decoders: Record<IntakeEndpoint, FfmpegDecoder>;

  constructor(@Inject(ROUTER_ENVIRONMENT) env: RouterEnvironment) {
    const decoder = (maxBytes: number) =>
      new FfmpegDecoder({
        ffmpegPath: env.FFMPEG_PATH,
        timeoutMs: env.DECODE_TIMEOUT_MS,
        maxSeconds: maxBytes / DECODED_BYTES_PER_SECOND,
      });
    this.decoders = { file: decoder(env.MAX_FILE_BYTES), chunk: decoder(env.MAX_CHUNK_BYTES) };
  }

  /** `signal` (see `clientGone`) stops a decode whose client has left; it rejects with the signal's reason. */
  async read(
    body: unknown,
    contentType: string | undefined,
    endpoint: IntakeEndpoint,
    signal?: AbortSignal,
  ): Promise<{ body: Buffer; audio: AudioDescription }> {
    const declared = compressedFormatOf(contentType);
    if (declared === undefined) return validateAudioBody(body, contentType);
    if (!Buffer.isBuffer(body) || body.length === 0) {
      throw refusal(400, 'audio_empty', 'audio body is empty: send the audio bytes as the request body');
    }
    try {
      const decoded = await this.decoders[endpoint].decode(
        body,
        sniffCompressedFormat(body) ?? declared,
        signal,
      );
      const audio: AudioDescription = {
        format: 'l16',
        encoding: 'pcm',
        sampleRate: decoded.sampleRate,
        channels: decoded.channels,
        bitsPerSample: 16,
        durationSeconds: decoded.durationSeconds,
        pcmOffset: 0,
        pcmLength: decoded.pcm.length,
      };
      assertAcceptableAudio(audio);
      return { body: decoded.pcm, audio };
    } catch (error) {
      if (error instanceof FfmpegUnavailableError) throw new UnsupportedMediaTypeException(error.message);
      if (error instanceof AudioTooLongError) throw new PayloadTooLargeException(error.message);
      if (error instanceof AudioFormatError) throw audioRefusal(error);
      throw error;
    }
  }
}
