import { AudioFormatError } from '../audio-format.error';

/**
 * Stable codes for audio the system refuses, the same at the router (a 400 carrying the code) and
 * at the worker (a permanent error, dead-lettered with the code in its reason). Clients may match
 * on them; messages may change, codes do not.
 */
export const AUDIO_PROBLEM_CODES = [
  /** Malformed bytes, a type that does not fit them: what `AudioFormatError` always meant. */
  'audio_malformed',
  'audio_sample_rate',
  'audio_channels',
  'audio_sample_format',
  'audio_empty',
  'audio_too_short',
  'audio_too_many_chunks',
] as const;
export type AudioProblemCode = (typeof AUDIO_PROBLEM_CODES)[number];

/** Audio that parses but that no provider should be sent: the code says which rule it broke. */
export class AudioRejectedError extends AudioFormatError {
  constructor(
    readonly code: AudioProblemCode,
    message: string,
  ) {
    super(message);
    this.name = 'AudioRejectedError';
  }
}

/** The stable code of any audio error: its own for a rejection, `audio_malformed` otherwise. */
export function audioProblemCodeOf(error: AudioFormatError): AudioProblemCode {
  return error instanceof AudioRejectedError ? error.code : 'audio_malformed';
}
