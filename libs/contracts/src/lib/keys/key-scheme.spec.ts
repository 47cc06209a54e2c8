import { KeyScheme, RESERVED_SESSION_IDS } from './key-scheme';
import { DEFAULT_TENANT } from './tenancy';
import { SESSION_ID_PATTERN } from '../dto/session-id';

/** The hash tag Redis Cluster hashes a key by: the first `{…}` with something inside. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : key;
}

describe('KeyScheme', () => {
  it('keeps the classic names for the default tenant on a single node', () => {
    const keys = new KeyScheme();
    const ref = keys.session(DEFAULT_TENANT, 'call-1');
    expect(ref.partition).toBe(0);
    expect(keys.providerStream('deepgram')).toBe('audio:stream:deepgram');
    expect(keys.allResultsStream()).toBe('transcription:results:all');
    expect(keys.failuresStream()).toBe('transcription:failures');
    expect(keys.deadLetterStream()).toBe('transcription:dead-letters');
    expect(keys.sessionResultsStream(ref)).toBe('transcription:results:call-1');
    expect(keys.sessionMetaKey(ref)).toBe('streamscribe:session:call-1:meta');
  });

  it("puts another tenant's session under its own prefix", () => {
    const keys = new KeyScheme();
    const ref = keys.session('acme', 'call-1');
    expect(keys.sessionResultsStream(ref)).toBe('transcription:results:t:acme:call-1');
    expect(keys.sessionMetaKey(ref)).not.toBe(keys.sessionMetaKey(keys.session(DEFAULT_TENANT, 'call-1')));
  });

  it('tags everything a script touches together with the partition, on Cluster', () => {
    const keys = new KeyScheme({ partitions: 8, cluster: true });
    for (const id of ['a', 'b', 'call-7', 'x.y_z']) {
      const ref = keys.session('acme', id);
      const together = [
        ...keys.sessionKeys(ref),
        keys.providerStream('whisper', ref.partition),
        keys.liveJobsStream('deepgram', ref.partition),
        keys.allResultsStream(ref.partition),
        keys.failuresStream(ref.partition),
        keys.deadLetterStream(ref.partition),
        keys.consensusRequestsStream(ref.partition),
        keys.providerCostKey(ref.partition),
        keys.tenantCostKey('acme', '2026-12', ref.partition),
        keys.sessionIndexKey(ref.partition),
        keys.sessionResultsStream(keys.consensusCorrelation(ref, 'c1')),
      ];
      expect(new Set(together.map(hashTag))).toEqual(new Set([String(ref.partition)]));
    }
  });

  it('spreads sessions over the partitions and keeps each on one', () => {
    const keys = new KeyScheme({ partitions: 4, cluster: true });
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const k = keys.partitionOf('acme', `s${i}`);
      expect(keys.partitionOf('acme', `s${i}`)).toBe(k);
      seen.add(k);
    }
    expect(seen).toEqual(new Set([0, 1, 2, 3]));
  });

  it('lets no valid client session id name a global key', () => {
    for (const scheme of [new KeyScheme(), new KeyScheme({ partitions: 2, cluster: true })]) {
      const globals = new Set(
        scheme
          .allPartitions()
          .flatMap((k) => [
            scheme.allResultsStream(k),
            scheme.failuresStream(k),
            scheme.deadLetterStream(k),
            scheme.consensusRequestsStream(k),
            scheme.providerCostKey(k),
            scheme.sessionIndexKey(k),
          ]),
      );
      for (const id of ['all', 'failures', 'dead-letters', 'x', 'cost']) {
        if (RESERVED_SESSION_IDS.has(id) || !SESSION_ID_PATTERN.test(id)) continue;
        for (const tenant of [DEFAULT_TENANT, 'acme'])
          for (const key of scheme.sessionKeys(scheme.session(tenant, id)))
            expect(globals.has(key)).toBe(false);
      }
    }
    expect(RESERVED_SESSION_IDS.has('all')).toBe(true);
  });

  it('names every session in its partition index, and reads the name back', () => {
    const keys = new KeyScheme({ partitions: 4, cluster: true });
    for (const ref of [keys.session('acme', 'call-1'), keys.session(DEFAULT_TENANT, 'a.b_c')]) {
      const member = keys.sessionIndexMember(ref);
      expect(keys.sessionFromIndexMember(member, ref.partition)).toEqual(ref);
    }
    expect(keys.sessionFromIndexMember('no-tenant', 0)).toBeUndefined();
  });

  it('reads the partition back from a partitioned key', () => {
    const keys = new KeyScheme({ partitions: 4, cluster: true });
    expect(keys.partitionOfKey(keys.providerStream('whisper', 3))).toBe(3);
    expect(keys.partitionOfKey(keys.sessionMetaKey(keys.session('acme', 'x')))).toBe(
      keys.partitionOf('acme', 'x'),
    );
    expect(new KeyScheme().partitionOfKey('audio:stream:whisper')).toBe(0);
  });

  it('refuses a partition outside the scheme', () => {
    expect(() => new KeyScheme({ partitions: 2, cluster: true }).providerStream('whisper', 2)).toThrow(
      /outside/,
    );
    expect(() => new KeyScheme({ partitions: 0, cluster: false })).toThrow(/positive/);
  });
});
