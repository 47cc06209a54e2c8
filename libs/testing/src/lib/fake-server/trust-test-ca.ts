import tls from 'node:tls';

/**
 * Makes TLS clients in this process that name no CA of their own trust `ca` too, for
 * connections to 127.0.0.1 and localhost only; returns the undo. For SDKs that take no TLS
 * options yet insist on `wss://` (AssemblyAI's streaming transcriber): Node 20 reads
 * NODE_EXTRA_CA_CERTS only at start, so a test that makes its CA cannot use it in-process
 * (child processes get NODE_EXTRA_CA_CERTS instead). The SDK and `ws` run unchanged; only the
 * trust store of local connections grows.
 */
export function trustTestCertificateAuthority(ca: Buffer | string): () => void {
  const original = tls.connect;
  const patched = function (this: unknown, ...args: unknown[]) {
    const options = args.find((arg): arg is tls.ConnectionOptions => typeof arg === 'object' && arg !== null);
    const host = options?.host ?? (typeof args[1] === 'string' ? args[1] : undefined);
    if (options && options.ca === undefined && (host === '127.0.0.1' || host === 'localhost'))
      options.ca = [...tls.rootCertificates, ca.toString()];
    return (original as (...a: unknown[]) => tls.TLSSocket).apply(this, args);
  };
  (tls as { connect: unknown }).connect = patched;
  return () => {
    if (tls.connect === (patched as unknown)) (tls as { connect: unknown }).connect = original;
  };
}
