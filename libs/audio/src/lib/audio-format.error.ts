/**
 * Audio that cannot be used as declared: a malformed or unsupported WAV, a Content-Type this
 * system does not accept, or a body that does not match its type. The message says exactly what
 * is wrong, so it can go back to whoever sent the audio unchanged.
 */
export class AudioFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AudioFormatError';
  }
}
