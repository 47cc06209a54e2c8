import type { IncomingMessage } from 'node:http';

/**
 * The address failed attempts are counted against: the socket's peer, or, when the router sits
 * behind a trusted reverse proxy, the last X-Forwarded-For entry (the one that proxy appended;
 * earlier entries are whatever the client chose to send).
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = request.headers['x-forwarded-for'];
    const entries = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    const last = entries[entries.length - 1];
    if (last) return normalise(last);
  }
  return normalise(request.socket?.remoteAddress ?? 'unknown');
}

/** IPv4 seen through an IPv6 socket is the same client as plain IPv4. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
