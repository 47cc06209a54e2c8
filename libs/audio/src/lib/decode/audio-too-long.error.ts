import { AudioFormatError } from '../audio-format.error';

/** Audio that decodes to more than the limit: refused as soon as the limit is passed, not at the end. */
export class AudioTooLongError extends AudioFormatError {
  constructor(
    readonly maxSeconds: number,
    what: string,
  ) {
    super(
      `${what} decodes to more than ${maxSeconds} s of audio, the most accepted here: split it into shorter files`,
    );
    this.name = 'AudioTooLongError';
  }
}
