import type Redis from 'ioredis';
import {
  AudioChunkEntry,
  CHUNK_FIELDS,
  EncodedFields,
  KeyScheme,
  ProviderName,
  SessionRef,
  audioFieldsFor,
  encodeChunkEntry,
  withoutFields,
} from '@streamscribe/contracts';
import type { ReplicaDurability } from '@streamscribe/redis';
import { trailTtlSeconds } from './session-lifetimes';
import { IngestReply, ingestChunkScript } from './scripts/ingest-chunk.script';
import { ingestChunkBatchScript } from './scripts/ingest-chunk-batch.script';
import { SessionsOptions } from './sessions-options';

export interface IngestRequest {
  /** The session the chunk belongs to; its tenant and id are written on the entry. */
  session: SessionRef;
  /** Where the chunk is routed: a provider, or `consensus` (several; see `stream`). */
  provider: ProviderName | 'consensus';
  /** The stream the entry is appended to; the provider's stream of the session's partition when absent. */
  stream?: string;
  /**
   * The chunk; `chunkId` may be empty (derived from seq) and `seq` undefined (next in order).
   * `offsetMs` undefined: the chunk before's offset plus its duration (see ingest-chunk).
   */
  chunk: AudioChunkEntry;
  /** Milliseconds of audio in the chunk, kept so the chunks after it know where they start. */
  durationMs?: number;
}

export type IngestOutcome =
  | {
      status: 'created' | 'duplicate';
      sessionId: string;
      seq: number;
      chunkId: string;
      entryId: string;
      provider: ProviderName | 'consensus';
      /** Where the chunk starts in the session's audio; undefined while the chunk before is missing. */
      offsetMs?: number;
    }
  | { status: 'seq_taken'; sessionId: string; seq: number; chunkId: string };

/**
 * Accepts chunks into sessions: assigns sequence numbers in arrival order, makes re-posting a
 * chunk id idempotent and appends the entry to the provider's stream, atomically (one Lua call).
 * With `durability` (REDIS_DURABILITY=replica) an ingest returns only once WAIT saw it on the
 * replicas, and throws NotReplicatedError when they fall short: re-posting the same chunk id is
 * then safe (a duplicate, or a new entry if the write was lost).
 */
export class ChunkIngestor {
  constructor(
    private readonly client: Redis,
    private readonly options: SessionsOptions,
    private readonly keys: KeyScheme,
    private readonly durability?: ReplicaDurability,
  ) {}

  async ingest(request: IngestRequest): Promise<IngestOutcome> {
    if (this.durability) return (await this.ingestMany([request]))[0];
    const reply = await ingestChunkScript.run(
      this.client,
      this.keysFor(request),
      this.argsFor(request),
      this.entryFieldsOf(request),
    );
    return toOutcome(request.session.sessionId, reply);
  }

  /** Ingests many chunks in one pipeline (a whole file), in order; with `durability`, then WAIT. */
  async ingestMany(requests: readonly IngestRequest[]): Promise<IngestOutcome[]> {
    ingestChunkScript.define(this.client);
    const pipeline = this.client.pipeline();
    for (const request of requests)
      ingestChunkScript.queue(
        pipeline,
        this.keysFor(request),
        this.argsFor(request),
        this.entryFieldsOf(request),
      );
    const replies = this.durability
      ? await this.durability.exec(pipeline, requests.length > 1 ? 'chunks' : 'chunk')
      : ((await pipeline.exec()) ?? []);
    return replies.map(([error, reply], i) => {
      if (error) throw error;
      return toOutcome(requests[i].session.sessionId, ingestChunkScript.decode(reply));
    });
  }

  /**
   * Ingests chunks of ONE session to ONE provider in a single Lua call (the batched ingest): the
   * outcomes are, chunk for chunk, what `ingest` would give called for each in order.
   */
  async ingestBatch(
    session: SessionRef,
    provider: ProviderName,
    chunks: readonly { chunk: AudioChunkEntry; durationMs?: number }[],
  ): Promise<IngestOutcome[]> {
    if (chunks.length === 0) return [];
    const requests = chunks.map(({ chunk, durationMs }) => ({ session, provider, chunk, durationMs }));
    const rest: (string | Buffer | number)[] = [];
    for (const request of requests) {
      const { chunkId, seq, offsetMs, durationMs } = this.argsFor(request);
      const fields = this.entryFieldsOf(request);
      rest.push(chunkId, seq, offsetMs, durationMs, fields.length, ...fields);
    }
    const { nowMs, ttlSeconds, trailTtlSeconds, indexMember } = this.argsFor(requests[0]);
    // THE batch's one ingest call; REDIS_DURABILITY=replica sends it in a pipeline with its WAIT,
    // so the whole batch is acknowledged only once a replica has it.
    const keys = this.keysFor(requests[0]);
    const args = { provider, nowMs, ttlSeconds, trailTtlSeconds, indexMember, count: requests.length };
    let replies: ReturnType<typeof ingestChunkBatchScript.decode>;
    if (this.durability) {
      ingestChunkBatchScript.define(this.client);
      const pipeline = this.client.pipeline();
      ingestChunkBatchScript.queue(pipeline, keys, args, rest);
      const [[error, reply]] = await this.durability.exec(pipeline, 'chunks');
      if (error) throw error;
      replies = ingestChunkBatchScript.decode(reply);
    } else replies = await ingestChunkBatchScript.run(this.client, keys, args, rest);
    return replies.map((reply) => toOutcome(session.sessionId, reply));
  }

  /**
   * Records how many chunks a whole-file session will have, so completeness can be judged, and
   * any other facts of the session for its transcript (`split`, `split_reason`).
   */
  async expectChunks(session: SessionRef, count: number, facts: Record<string, string> = {}): Promise<void> {
    const meta = this.keys.sessionMetaKey(session);
    const fields = { ...facts, expected_chunks: count };
    if (!this.durability) {
      await this.client.multi().hset(meta, fields).expire(meta, this.options.sessionTtlSeconds).exec();
      return;
    }
    // WAIT cannot go inside MULTI; a pipeline keeps the two writes and WAIT on one socket, in order.
    const pipeline = this.client.pipeline().hset(meta, fields).expire(meta, this.options.sessionTtlSeconds);
    await this.durability.exec(pipeline, 'session');
  }

  /** The entry's fields; seq and chunk id are left out, since the script assigns them. */
  private entryFieldsOf({ session, provider, chunk }: IngestRequest): EncodedFields {
    // A consensus record carries no audio; a provider stream gets the audio fields its fleet reads.
    const audioFields = provider === 'consensus' ? 'audio' : audioFieldsFor(provider, this.options.chunkWire);
    // Every entry says whose it is, so the worker finds the session's keys (tenant + id → partition).
    const owned = { ...chunk, sessionId: session.sessionId, tenant: session.tenant };
    return withoutFields(
      encodeChunkEntry(owned, audioFields),
      (name) => name === CHUNK_FIELDS.seq || name === CHUNK_FIELDS.chunkId || name === CHUNK_FIELDS.offsetMs,
    );
  }

  private argsFor({ session, provider, chunk, durationMs }: IngestRequest) {
    return {
      chunkId: chunk.chunkId,
      seq: chunk.seq === undefined ? '' : chunk.seq,
      provider,
      nowMs: Date.now(),
      ttlSeconds: this.options.sessionTtlSeconds,
      trailTtlSeconds: trailTtlSeconds(this.options.sessionTtlSeconds),
      indexMember: this.keys.sessionIndexMember(session),
      offsetMs: chunk.offsetMs === undefined ? '' : Math.round(chunk.offsetMs),
      durationMs: durationMs === undefined ? '' : Math.round(durationMs),
    };
  }

  private keysFor({ session, provider, stream }: IngestRequest) {
    return {
      meta: this.keys.sessionMetaKey(session),
      chunks: this.keys.sessionChunksKey(session),
      stream: stream ?? this.keys.providerStream(provider as ProviderName, session.partition),
      trail: this.keys.sessionTrailKey(session),
      sessionIndex: this.keys.sessionIndexKey(session.partition),
    };
  }
}

function toOutcome(sessionId: string, reply: IngestReply): IngestOutcome {
  if (reply.status === 'seq_taken') return { ...reply, sessionId };
  return { ...reply, sessionId, provider: reply.provider as ProviderName | 'consensus' };
}
