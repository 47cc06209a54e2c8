import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import { AudioFormatError, audioProblemCodeOf } from '@streamscribe/audio';

/**
 * Stable codes for uploads the router refuses before reading them; audio problems carry the
 * codes of `@streamscribe/audio` (`audio_sample_rate`, `audio_too_many_chunks` …).
 */
export type IntakeRefusalCode =
  | 'upload_too_large'
  | 'content_encoding_unsupported'
  | 'length_required'
  | 'too_many_uploads'
  | 'upload_incomplete';

/** An HTTP refusal whose body carries a stable `code` next to Nest's usual fields. */
export function refusal(status: HttpStatus, code: string, message: string): HttpException {
  return new HttpException({ statusCode: status, error: reasonOf(status), code, message }, status);
}

/** Every audio error is the client's: 400 with its stable code, never a 500. */
export function audioRefusal(error: AudioFormatError): HttpException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    code: audioProblemCodeOf(error),
    message: error.message,
  });
}

/** Runs `work`, turning any audio error it throws into its 400. */
export async function refusingBadAudio<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AudioFormatError) throw audioRefusal(error);
    throw error;
  }
}

function reasonOf(status: HttpStatus): string {
  const reasons: Partial<Record<number, string>> = {
    400: 'Bad Request',
    411: 'Length Required',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
  };
  return reasons[status] ?? 'Error';
}
