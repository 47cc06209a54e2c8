import { AudioDescription } from './audio-description';
import { AudioFormatError } from './audio-format.error';
import { parseAudioContentType } from './content-type/parse-audio-content-type';
import { parseWav } from './wav/parse-wav';

const L16_BYTES_PER_SAMPLE = 2;

/**
 * Validates a body against its declared Content-Type and says where its samples are.
 * `audio/l16` is headerless signed 16-bit little-endian PCM (see `splitAudio` for why
 * little-endian), so its length must be a whole number of frames.
 *
 * @throws AudioFormatError for an empty body, an unaccepted type, or audio that does not match it.
 */
export function inspectAudio(body: Buffer, contentType: string | undefined): AudioDescription {
  if (body.length === 0) throw new AudioFormatError('audio body is empty');
  const declared = parseAudioContentType(contentType);
  if (declared.format === 'wav') {
    const wav = parseWav(body);
    return {
      format: 'wav',
      encoding: wav.encoding,
      sampleRate: wav.sampleRate,
      channels: wav.channels,
      bitsPerSample: wav.bitsPerSample,
      durationSeconds: wav.durationSeconds,
      pcmOffset: wav.dataOffset,
      pcmLength: wav.dataLength,
    };
  }
  const frame = L16_BYTES_PER_SAMPLE * declared.channels;
  if (body.length % frame !== 0) {
    throw new AudioFormatError(
      `audio/l16 body of ${body.length} bytes is not a whole number of ${frame}-byte frames (16-bit samples, ${declared.channels} channel(s))`,
    );
  }
  return {
    format: 'l16',
    encoding: 'pcm',
    sampleRate: declared.sampleRate,
    channels: declared.channels,
    bitsPerSample: 16,
    durationSeconds: body.length / frame / declared.sampleRate,
    pcmOffset: 0,
    pcmLength: body.length,
  };
}
