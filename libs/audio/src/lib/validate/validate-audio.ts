import { AudioRejectedError } from './audio-rejected.error';
import { SampleEncoding, SUPPORTED_SAMPLE_FORMATS } from '../wav/sample-format';

/**
 * What any part of the system accepts as audio: the router refuses (400) and the worker
 * dead-letters exactly the same things, because both call `assertAcceptableAudio`.
 *
 * - 8–192 kHz: below 8 kHz (telephony's rate) there is no speech band to transcribe; above 192 kHz
 *   is no real recording, and rates like 4e9 Hz overflow WAV header fields downstream.
 * - at most 8 channels (7.1): providers mix or pick one channel; 65,536 would overflow the header.
 * - PCM 8/16/24/32-bit or IEEE float 32-bit, what WAV parsing and encoding support.
 * - at least 100 ms of audio per chunk: a shorter chunk holds less than one syllable (a phoneme
 *   lasts roughly 50–200 ms), so it cannot carry speech and only costs a provider call. A file's
 *   final remainder shorter than this is joined to the chunk before it (see `planChunks`).
 */
export const AUDIO_LIMITS = {
  minSampleRate: 8_000,
  maxSampleRate: 192_000,
  maxChannels: 8,
  minChunkSeconds: 0.1,
} as const;

const SUPPORTED_BITS: Record<SampleEncoding, readonly number[]> = { pcm: [8, 16, 24, 32], float: [32] };

/** The layout of some audio, as `AudioDescription` (or a chunk's stream entry) gives it. */
export interface AudioShape {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  encoding: SampleEncoding;
}

/**
 * Checks a layout only (no samples yet): what a streamed upload's header can be judged on before
 * any of its body is read.
 *
 * @throws AudioRejectedError naming the rule and the value that broke it.
 */
export function assertAcceptableFormat(shape: AudioShape): void {
  const { sampleRate, channels, bitsPerSample, encoding } = shape;
  if (
    !Number.isFinite(sampleRate) ||
    sampleRate < AUDIO_LIMITS.minSampleRate ||
    sampleRate > AUDIO_LIMITS.maxSampleRate
  ) {
    throw new AudioRejectedError(
      'audio_sample_rate',
      `sample rate ${sampleRate} Hz is outside ${AUDIO_LIMITS.minSampleRate}–${AUDIO_LIMITS.maxSampleRate} Hz: resample the audio (16000 Hz is what speech models use)`,
    );
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > AUDIO_LIMITS.maxChannels) {
    throw new AudioRejectedError(
      'audio_channels',
      `${channels} channel(s): audio must have 1 to ${AUDIO_LIMITS.maxChannels} channels`,
    );
  }
  if (!SUPPORTED_BITS[encoding]?.includes(bitsPerSample)) {
    throw new AudioRejectedError(
      'audio_sample_format',
      `unsupported sample format ${encoding === 'float' ? 'IEEE float' : 'PCM'} ${bitsPerSample}-bit (${SUPPORTED_SAMPLE_FORMATS})`,
    );
  }
}

/**
 * Checks one piece of audio that will be sent to a provider as it is (a posted chunk, a queued
 * chunk at the worker): its layout, and that it holds enough samples to carry speech.
 *
 * @throws AudioRejectedError
 */
export function assertAcceptableAudio(shape: AudioShape & { durationSeconds: number }): void {
  assertAcceptableFormat(shape);
  assertEnoughAudio(shape.durationSeconds);
}

/** @throws AudioRejectedError for no samples, or fewer than `AUDIO_LIMITS.minChunkSeconds`. */
export function assertEnoughAudio(durationSeconds: number): void {
  if (!(durationSeconds > 0)) {
    throw new AudioRejectedError('audio_empty', 'the audio holds no samples: send at least 100 ms of audio');
  }
  if (durationSeconds < AUDIO_LIMITS.minChunkSeconds) {
    throw new AudioRejectedError(
      'audio_too_short',
      `${formatSeconds(durationSeconds)} of audio is too short to carry speech: send at least ${AUDIO_LIMITS.minChunkSeconds * 1000} ms`,
    );
  }
}

function formatSeconds(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000 * 10) / 10} ms` : `${seconds} s`;
}
