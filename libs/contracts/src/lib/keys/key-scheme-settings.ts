import { KeyScheme, SINGLE_NODE_KEYS } from './key-scheme';

/**
 * The key scheme an app runs with. One partition, untagged, is the only layout configured for now:
 * a worker reads partition 0 of its provider's stream only, so more partitions come with the issue
 * that makes workers read every partition. Session code never assumes partition 0: it takes the
 * partition from the session's SessionRef.
 */
export function keySchemeFrom(_env: object = {}): KeyScheme {
  return new KeyScheme(SINGLE_NODE_KEYS);
}
