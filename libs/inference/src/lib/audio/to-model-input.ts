import { AudioDescription, AudioFormatError, inspectAudio, samplesOf } from '@streamscribe/audio';
import type { TranscriptionRequest } from '@streamscribe/providers';

export const MODEL_SAMPLE_RATE = 16000;

/** Sample rates audio may have: below, a few bytes would resample into gigabytes; above, nobody records. */
const MIN_SAMPLE_RATE = 4000;
const MAX_SAMPLE_RATE = 192_000;

/**
 * A request's audio as the models take it: 16 kHz mono float32 in [-1, 1], decoded in memory
 * (WAV of any supported sample format, or raw l16), channels averaged, linearly resampled.
 *
 * @throws AudioFormatError when the audio cannot be read (l16 without its sample rate included),
 *   holds no samples, its sample rate is implausible, or it is longer than `maxAudioSeconds` (all
 *   permanent for this provider; the cloud providers refuse the same audio the same way).
 */
export function toModelInput(request: TranscriptionRequest, maxAudioSeconds = Infinity): Float32Array {
  if (request.format === 'unknown') throw new AudioFormatError('audio format unknown: send WAV or audio/l16');
  // Guessing 16 kHz would transcribe 8 kHz audio at double speed: the rate must be stated.
  if (request.format === 'l16' && request.sampleRate === undefined)
    throw new AudioFormatError('l16 audio needs its sample rate');
  const contentType =
    request.format === 'wav'
      ? 'audio/wav'
      : `audio/l16; rate=${request.sampleRate}; channels=${request.channels ?? 1}`;
  const description = inspectAudio(request.audio, contentType);
  if (description.pcmLength === 0)
    throw new AudioFormatError('audio holds no samples (an empty WAV data chunk)');
  // Checked before decoding: both bound the memory and time one chunk can take.
  if (description.sampleRate < MIN_SAMPLE_RATE || description.sampleRate > MAX_SAMPLE_RATE) {
    throw new AudioFormatError(
      `sample rate ${description.sampleRate} Hz is outside ${MIN_SAMPLE_RATE}-${MAX_SAMPLE_RATE} Hz`,
    );
  }
  if (description.durationSeconds > maxAudioSeconds) {
    throw new AudioFormatError(
      `${description.durationSeconds.toFixed(1)} s of audio is longer than this model takes in one chunk (${maxAudioSeconds} s)`,
    );
  }
  const samples = resample(
    toMonoFloat(samplesOf(request.audio, description), description),
    description.sampleRate,
    MODEL_SAMPLE_RATE,
  );
  if (samples.length === 0)
    throw new AudioFormatError(
      `audio holds no samples at ${MODEL_SAMPLE_RATE} Hz (${description.pcmLength} bytes at ${description.sampleRate} Hz)`,
    );
  return samples;
}

function toMonoFloat(pcm: Buffer, d: AudioDescription): Float32Array {
  const bytes = d.bitsPerSample / 8;
  const frames = pcm.length / (bytes * d.channels);
  const out = new Float32Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < d.channels; c++) sum += readSample(pcm, (f * d.channels + c) * bytes, d);
    out[f] = sum / d.channels;
  }
  return out;
}

function readSample(pcm: Buffer, offset: number, d: AudioDescription): number {
  if (d.encoding === 'float') return pcm.readFloatLE(offset);
  switch (d.bitsPerSample) {
    case 8:
      return (pcm.readUInt8(offset) - 128) / 128;
    case 16:
      return pcm.readInt16LE(offset) / 32768;
    case 24:
      return pcm.readIntLE(offset, 3) / 8388608;
    default:
      return pcm.readInt32LE(offset) / 2147483648;
  }
}

/** Linear interpolation: enough for speech models, which low-pass at 8 kHz anyway. */
export function resample(samples: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return samples;
  const length = Math.floor((samples.length * to) / from);
  const out = new Float32Array(length);
  const ratio = from / to;
  for (let i = 0; i < length; i++) {
    const position = i * ratio;
    const left = Math.floor(position);
    const right = Math.min(left + 1, samples.length - 1);
    const fraction = position - left;
    out[i] = samples[left] * (1 - fraction) + samples[right] * fraction;
  }
  return out;
}
