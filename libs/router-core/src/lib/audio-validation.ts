import { UnsupportedMediaTypeException } from '@nestjs/common';
import {
  AudioDescription,
  AudioFormatError,
  assertAcceptableAudio,
  inspectAudio,
  parseAudioContentType,
} from '@streamscribe/audio';
import { audioRefusal, refusal } from './audio-intake/intake-errors';

/**
 * Checks a request body is the audio its Content-Type says (415 for the type), and audio a worker
 * would take (`assertAcceptableAudio`): 400 with a stable `code` otherwise.
 */
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
    throw refusal(400, 'audio_empty', 'audio body is empty: send the audio bytes as the request body');
  }
  try {
    const audio = inspectAudio(body, contentType);
    assertAcceptableAudio(audio);
    return { body, audio };
  } catch (error) {
    if (error instanceof AudioFormatError) throw audioRefusal(error);
    throw error;
  }
}
