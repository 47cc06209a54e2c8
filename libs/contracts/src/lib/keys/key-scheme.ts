import type { ProviderName } from '../providers';
import { DEFAULT_TENANT } from './tenancy';

/**
 * The Redis key scheme, written once. Everything a Lua script touches together shares a hash tag,
 * so the same names work on Redis Cluster:
 *
 * - every session is pinned to a partition k (`partitionOf`), and its keys, provider stream k and
 *   partition k's results, failures, dead-letter, consensus and cost keys are tagged `{k}`;
 * - views across sessions (the global results feed, costs, dead letters) read every partition.
 *
 * Untagged (one partition, not Cluster), the default tenant's keys are the classic names
 * (`audio:stream:<provider>`, `transcription:results:<session>`, `transcription:results:all`, …),
 * so classic producers, workers and monitoring commands keep working. Another tenant's session
 * keys add `t:<tenant>:` before the session id.
 *
 * Isolation rests on the id patterns: session and chunk ids never contain ':', '{', '}' or '~'
 * (SESSION_ID_PATTERN), tenant ids are lower-case letters, digits and '-', and session id `all`
 * is reserved (RESERVED_SESSION_IDS). So no client-chosen id can name a global key or another
 * tenant's key.
 */
export interface KeySchemeOptions {
  /** Partitions per provider stream; 1 unless sharding across Redis Cluster. */
  partitions: number;
  /** Tag keys with `{k}` even with one partition (Redis Cluster). */
  cluster: boolean;
}

/** A session, where its keys live: its tenant, its id, its partition. */
export interface SessionRef {
  tenant: string;
  sessionId: string;
  partition: number;
}

/** Session ids a client may not choose: they name (or once named) global keys. */
export const RESERVED_SESSION_IDS: ReadonlySet<string> = new Set(['all']);

export const SINGLE_NODE_KEYS: KeySchemeOptions = { partitions: 1, cluster: false };

export class KeyScheme {
  readonly partitions: number;
  readonly tagged: boolean;

  constructor(options: KeySchemeOptions = SINGLE_NODE_KEYS) {
    if (!Number.isInteger(options.partitions) || options.partitions < 1)
      throw new Error(`partitions must be a positive integer, got ${options.partitions}`);
    this.partitions = options.partitions;
    this.tagged = options.cluster || options.partitions > 1;
  }

  /** Every partition number, for views that read across all of them. */
  allPartitions(): number[] {
    return Array.from({ length: this.partitions }, (_, k) => k);
  }

  /** The partition a session is pinned to: a stable hash of tenant and session id. */
  partitionOf(tenant: string, sessionId: string): number {
    if (this.partitions === 1) return 0;
    return fnv1a(`${tenant}\u0000${sessionId}`) % this.partitions;
  }

  session(tenant: string, sessionId: string): SessionRef {
    return { tenant, sessionId, partition: this.partitionOf(tenant, sessionId) };
  }

  // ---- per partition ------------------------------------------------------------------------

  providerStream(provider: ProviderName, partition = 0): string {
    return `audio:stream:${provider}${this.suffix(partition)}`;
  }

  /** Partition k of the global results feed (every tenant's results, with a tenant field). */
  allResultsStream(partition = 0): string {
    return `transcription:results:all${this.suffix(partition)}`;
  }

  failuresStream(partition = 0): string {
    return `transcription:failures${this.suffix(partition)}`;
  }

  deadLetterStream(partition = 0): string {
    return `transcription:dead-letters${this.suffix(partition)}`;
  }

  consensusRequestsStream(partition = 0): string {
    return `streamscribe:consensus:requests${this.suffix(partition)}`;
  }

  /** Hash: what every result in partition k cost, per provider (never expires). */
  providerCostKey(partition = 0): string {
    return `streamscribe:cost:providers${this.suffix(partition)}`;
  }

  /**
   * Sorted set: the sessions pinned to partition k (`sessionIndexMember`), scored by their last
   * activity in epoch ms; how the retention sweeper finds sessions without KEYS or SCAN.
   */
  sessionIndexKey(partition = 0): string {
    return `streamscribe:sessions${this.suffix(partition)}`;
  }

  /** A session's member in its partition's session index: `<tenant>:<session id>`. */
  sessionIndexMember(ref: SessionRef): string {
    return `${ref.tenant}:${ref.sessionId}`;
  }

  /** The session an index member of partition k names (tenant ids never contain ':'). */
  sessionFromIndexMember(member: string, partition: number): SessionRef | undefined {
    const at = member.indexOf(':');
    if (at <= 0 || at === member.length - 1) return undefined;
    return { tenant: member.slice(0, at), sessionId: member.slice(at + 1), partition };
  }

  /** Hash: what a tenant's results in partition k cost, per provider and in total, in one month. */
  tenantCostKey(tenant: string, month: string, partition = 0): string {
    return `streamscribe:cost:tenant:${tenant}:${month}${this.suffix(partition)}`;
  }

  /**
   * String with a TTL (24 h): what the first request with this `Idempotency-Key` asked (a digest)
   * and, once answered, its answer. `endpoint` names the route (`openai-transcriptions`, …); `key`
   * is a digest of the client's header value, so any value makes a safe key.
   */
  idempotencyKey(tenant: string, endpoint: string, keyDigest: string): string {
    return `streamscribe:idempotency:${tenant}:${endpoint}:${keyDigest}`;
  }

  // ---- per session --------------------------------------------------------------------------

  /** The session's results stream: `transcription:results:<id>` for the default tenant, untagged. */
  sessionResultsStream(ref: SessionRef): string {
    return `transcription:results:${this.sessionPart(ref)}`;
  }

  /** Hash: next sequence number, sticky provider, expected chunk count, cancelled. */
  sessionMetaKey(ref: SessionRef): string {
    return `streamscribe:session:${this.sessionPart(ref)}:meta`;
  }

  /** Hash: chunk id → sequence number, for every chunk accepted into the session. */
  sessionChunksKey(ref: SessionRef): string {
    return `streamscribe:session:${this.sessionPart(ref)}:chunks`;
  }

  /** Hash: chunk id → result entry id; makes result writes idempotent. */
  sessionResultIndexKey(ref: SessionRef): string {
    return `streamscribe:session:${this.sessionPart(ref)}:results`;
  }

  /** Hash: what the session's results cost, per provider and in total. */
  sessionCostKey(ref: SessionRef): string {
    return `streamscribe:session:${this.sessionPart(ref)}:cost`;
  }

  /** Hash: chunk id → consensus detail of the session's consensus chunks. */
  sessionConsensusKey(ref: SessionRef): string {
    return `streamscribe:session:${this.sessionPart(ref)}:consensus`;
  }

  /**
   * The pseudo-session a consensus chunk's hypotheses are written to, in the same tenant and
   * partition ('~' cannot occur in a client's session id).
   */
  consensusCorrelation(ref: SessionRef, chunkId: string): SessionRef {
    return { ...ref, sessionId: `consensus~${ref.sessionId}~${chunkId}` };
  }

  /**
   * Set: `<stream> <entry id>` of every entry the session put in a shared stream (its audio on
   * provider streams, wherever failover, hedging or a re-drive moved it, its results in the global
   * results feed, its failures and dead letters), so deleting a session finds them by key.
   */
  sessionTrailKey(ref: SessionRef): string {
    return `streamscribe:session:${this.sessionPart(ref)}:trail`;
  }

  // ---- live audio sessions (the live-audio issue) --------------------------------------------

  /**
   * Stream: a live session's audio log. Every binary frame the client sent, in order, appended
   * before the session counts it as received (`LIVE_AUDIO_FIELDS`), and the client's control
   * messages (Finalize, CloseStream) in the same order. Trimmed below the finalized offset.
   */
  liveAudioLogKey(ref: SessionRef): string {
    return `streamscribe:live:${this.sessionPart(ref)}:audio`;
  }

  /** Stream: what the live session's workers report, in order (`LIVE_EVENT_FIELD`, `LiveEvent`). */
  liveEventsKey(ref: SessionRef): string {
    return `streamscribe:live:${this.sessionPart(ref)}:events`;
  }

  /** Hash: the live session's options, owner epoch, provider and finalized offset (`LIVE_STATE_FIELDS`). */
  liveStateKey(ref: SessionRef): string {
    return `streamscribe:live:${this.sessionPart(ref)}:state`;
  }

  /** String with a TTL: `<worker id> <epoch>` of the live worker that owns the session now. */
  liveLeaseKey(ref: SessionRef): string {
    return `streamscribe:live:${this.sessionPart(ref)}:lease`;
  }

  /**
   * Stream: live sessions waiting for a worker of this provider (`LIVE_JOB_FIELDS`); partition k's
   * jobs name sessions pinned to partition k. Consumer group `LIVE_JOBS_GROUP`.
   */
  liveJobsStream(provider: ProviderName, partition = 0): string {
    return `streamscribe:live:jobs:${provider}${this.suffix(partition)}`;
  }

  /** Every key a live session owns (the session's other keys are in `sessionKeys`). */
  liveSessionKeys(ref: SessionRef): string[] {
    return [
      this.liveAudioLogKey(ref),
      this.liveEventsKey(ref),
      this.liveStateKey(ref),
      this.liveLeaseKey(ref),
    ];
  }

  /** Every key a session owns, for deletion (its entries in shared streams are in its trail). */
  sessionKeys(ref: SessionRef): string[] {
    return [
      ...this.liveSessionKeys(ref),
      this.sessionTrailKey(ref),
      this.sessionResultsStream(ref),
      this.sessionMetaKey(ref),
      this.sessionChunksKey(ref),
      this.sessionResultIndexKey(ref),
      this.sessionCostKey(ref),
      this.sessionConsensusKey(ref),
    ];
  }

  /** The partition a partitioned stream or key belongs to: its `{k}` tag, 0 when untagged. */
  partitionOfKey(key: string): number {
    const tag = /\{(\d+)\}/.exec(key);
    return tag ? Number(tag[1]) : 0;
  }

  /** A trail member: where one of the session's entries in a shared stream is. */
  static trailMember(stream: string, entryId: string): string {
    return `${stream} ${entryId}`;
  }

  private suffix(partition: number): string {
    if (!this.tagged) return '';
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.partitions)
      throw new Error(`partition ${partition} is outside 0..${this.partitions - 1}`);
    return `:{${partition}}`;
  }

  /** `[{k}:][t:<tenant>:]<session id>`; the tag comes first so the whole key hashes by it. */
  private sessionPart({ tenant, sessionId, partition }: SessionRef): string {
    const tag = this.tagged ? `{${partition}}:` : '';
    const tenantPart = tenant === DEFAULT_TENANT ? '' : `t:${tenant}:`;
    return `${tag}${tenantPart}${sessionId}`;
  }
}

/** 32-bit FNV-1a: stable across processes and versions, which the partition choice must be. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
