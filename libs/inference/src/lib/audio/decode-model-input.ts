import { AudioFormatError, FfmpegDecoder, sniffCompressedFormat } from '@streamscribe/audio';
import type { TranscriptionRequest } from '@streamscribe/providers';
import { MODEL_SAMPLE_RATE, toModelInput } from './to-model-input';

/** A chunk is never longer than this, whatever the model takes: bounds what one decode may hold. */
const MAX_DECODED_SECONDS = 4 * 3600;
const DECODE_TIMEOUT_MS = 120_000;

/**
 * `toModelInput`, plus audio whose format the entry does not declare: the classic producer writes
 * whatever it recorded. A WAV is read as WAV; mp3, ogg/opus, flac, m4a/aac and webm, recognised
 * by their first bytes, are decoded through ffmpeg (FFMPEG_PATH, else `ffmpeg` on the PATH),
 * refused once they pass the model's `maxAudioSeconds`. Audio that decodes badly is permanent (an
 * AudioFormatError); a worker without ffmpeg is not the audio's fault, so that error is retryable
 * and the chunk can go to a worker or provider that has it.
 */
export async function decodeModelInput(
  request: TranscriptionRequest,
  maxAudioSeconds = Infinity,
): Promise<Float32Array> {
  if (request.format !== 'unknown') return toModelInput(request, maxAudioSeconds);
  if (request.audio.toString('latin1', 0, 4) === 'RIFF')
    return toModelInput({ ...request, format: 'wav' }, maxAudioSeconds);
  const format = sniffCompressedFormat(request.audio);
  if (format === undefined) {
    throw new AudioFormatError(
      'audio format unknown: the bytes are neither WAV nor mp3, ogg/opus, flac, m4a/aac or webm; declare audio_format, or send WAV',
    );
  }
  const decoder = new FfmpegDecoder({
    // Read where it is used: one optional path, which the decoder reports clearly when wrong.
    ffmpegPath: process.env['FFMPEG_PATH'],
    maxSeconds: Math.min(maxAudioSeconds, MAX_DECODED_SECONDS),
    timeoutMs: DECODE_TIMEOUT_MS,
  });
  const decoded = await decoder.decode(request.audio, format);
  return toModelInput(
    { audio: decoded.pcm, format: 'l16', sampleRate: MODEL_SAMPLE_RATE, channels: 1 },
    maxAudioSeconds,
  );
}
