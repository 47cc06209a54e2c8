/**
 * The hash tag Redis Cluster hashes a key by: what lies between the first `{` and the first `}`
 * after it, when that is not empty (`audio:stream:deepgram:{3}` → `3`); undefined otherwise, and
 * then the whole key is hashed.
 */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : undefined;
}

/**
 * The streams of one group, cut into what one XREADGROUP may read together: a multi-key command
 * must stay in one Cluster slot, so streams with the same hash tag share a read and an untagged
 * stream is read alone. Partitioned provider streams (`{k}`) thus get one blocking read each.
 */
export function readLanesOf(streams: readonly string[]): string[][] {
  const lanes = new Map<string, string[]>();
  for (const stream of streams) {
    const tag = hashTagOf(stream);
    const lane = tag === undefined ? `key:${stream}` : `tag:${tag}`;
    lanes.set(lane, [...(lanes.get(lane) ?? []), stream]);
  }
  return [...lanes.values()];
}
