/** A downloaded file's bytes do not hash to what the catalog or the hub says: the file was deleted. */
export class ChecksumMismatchError extends Error {
  constructor(
    readonly url: string,
    readonly path: string,
    readonly algorithm: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `${url}: checksum mismatch (${algorithm} expected ${expected}, got ${actual}); refused and deleted the download. ` +
        'A proxy or mirror may have altered it: check HF_ENDPOINT, then run again.',
    );
    this.name = 'ChecksumMismatchError';
  }
}
