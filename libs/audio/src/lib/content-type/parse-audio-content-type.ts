import { AudioFormatError } from '../audio-format.error';

/** The audio a Content-Type declares: a self-describing WAV, or headerless 16-bit PCM. */
export type AudioContentType = { format: 'wav' } | { format: 'l16'; sampleRate: number; channels: number };

export const DEFAULT_L16_SAMPLE_RATE = 16000;
export const DEFAULT_L16_CHANNELS = 1;

const WAV_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'audio/wav',
  'audio/wave',
  'audio/x-wav',
  'audio/vnd.wave',
]);
const L16_MEDIA_TYPE = 'audio/l16';
const ACCEPTED =
  'send audio/wav (also audio/wave, audio/x-wav, audio/vnd.wave) or audio/l16; rate=16000; channels=1, or compressed audio where ffmpeg decodes it (audio/mpeg, audio/ogg, audio/flac, audio/mp4, audio/aac, audio/webm)';

/**
 * Reads an audio Content-Type. `audio/l16` takes optional `rate` (default 16000) and `channels`
 * (default 1) parameters; media types and parameter names are case-insensitive.
 *
 * @throws AudioFormatError for a missing or unaccepted type, or an l16 parameter that is not a
 * positive integer; the message names the accepted types.
 */
export function parseAudioContentType(contentType: string | undefined): AudioContentType {
  if (contentType === undefined || contentType.trim() === '') {
    throw new AudioFormatError(`missing Content-Type: ${ACCEPTED}`);
  }
  const [mediaType, ...rawParams] = contentType.split(';').map((part) => part.trim());
  const type = mediaType.toLowerCase();
  if (WAV_MEDIA_TYPES.has(type)) return { format: 'wav' };
  if (type !== L16_MEDIA_TYPE) {
    throw new AudioFormatError(`unsupported Content-Type '${contentType}': ${ACCEPTED}`);
  }
  const params = parseParams(rawParams);
  return {
    format: 'l16',
    sampleRate: positiveInteger(params, 'rate', DEFAULT_L16_SAMPLE_RATE),
    channels: positiveInteger(params, 'channels', DEFAULT_L16_CHANNELS),
  };
}

function parseParams(rawParams: string[]): Map<string, string> {
  const params = new Map<string, string>();
  for (const raw of rawParams) {
    const eq = raw.indexOf('=');
    if (eq <= 0) continue;
    const value = raw
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    params.set(raw.slice(0, eq).trim().toLowerCase(), value);
  }
  return params;
}

function positiveInteger(params: Map<string, string>, name: string, fallback: number): number {
  const raw = params.get(name);
  if (raw === undefined) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new AudioFormatError(`audio/l16 ${name} must be a positive integer, got '${raw}'`);
  }
  return value;
}
