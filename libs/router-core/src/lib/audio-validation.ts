import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { apiError } from './http/api-error';
import { AudioDescription, AudioFormatError, inspectAudio, parseAudioContentType } from '@streamscribe/audio';

/** Checks a request body is the audio its Content-Type says: 415 for the type, 400 for the bytes. */
export function validateAudioBody(
  body: unknown,
  contentType: string | undefined,
): { body: Buffer; audio: AudioDescription } {
  try {
    parseAudioContentType(contentType);
  } catch (error) {
    throw new UnsupportedMediaTypeException((error as Error).message);
  }
  if (!Buffer.isBuffer(body) || body.length === 0) {
    throw new BadRequestException('audio body is empty: send the audio bytes as the request body');
  }
  try {
    return { body, audio: inspectAudio(body, contentType) };
  } catch (error) {
    if (error instanceof AudioFormatError) throw apiError(400, 'invalid_audio', error.message);
    throw error;
  }
}
