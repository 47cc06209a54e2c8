/**
 * A stream entry that cannot be decoded. It is never retried: the reliability layer sends it to
 * the dead-letter stream with these problems as the reason.
 */
export class MalformedEntryError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`malformed stream entry: ${problems.join('; ')}`);
    this.name = 'MalformedEntryError';
  }
}
