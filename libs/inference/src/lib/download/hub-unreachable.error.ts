/** The hub did not answer at all; says how to place the files by hand instead. */
export class HubUnreachableError extends Error {
  constructor(
    endpoint: string,
    cause: unknown,
    manual: { urls: { url: string; optional?: boolean }[]; dir: string; envVar: string },
  ) {
    super(
      [
        `could not reach the Hugging Face hub at ${endpoint} (${describeNetworkError(cause)}).`,
        'To place the model by hand: on a machine that can reach the hub, download',
        ...manual.urls.map(({ url, optional }) => `  ${url}${optional ? '  (only if the repo has it)' : ''}`),
        `and copy them into ${manual.dir} keeping their paths (onnx/… stays in onnx/), then set ${manual.envVar}=${manual.dir}.`,
        'Behind a mirror or proxy, set HF_ENDPOINT to its URL and run this again.',
      ].join('\n'),
      { cause },
    );
    this.name = 'HubUnreachableError';
  }
}

/** Node's fetch hides the socket error in `cause`: ECONNREFUSED, ENOTFOUND, a timeout… */
export function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/**
 * True when the request got no (complete) HTTP answer, as opposed to an error status: fetch
 * rejects with a TypeError ("fetch failed", "terminated"), or a timeout's TimeoutError. By name,
 * since fetch's errors may come from another realm than the caller's TypeError.
 */
export function isNetworkError(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return name === 'TypeError' || name === 'TimeoutError' || name === 'AbortError';
}
