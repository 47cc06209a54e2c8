import type Redis from 'ioredis';
import {
  AudioChunkEntry,
  CHUNK_FIELDS,
  EncodedFields,
  ProviderName,
  audioFieldsFor,
  encodeChunkEntry,
  providerStream,
  sessionChunksKey,
  sessionMetaKey,
  withoutFields,
} from '@streamscribe/contracts';
import { IngestReply, ingestChunkScript } from './scripts/ingest-chunk.script';
import { SessionsOptions } from './sessions-options';

export interface IngestRequest {
  /** Where the chunk is routed: a provider, or `consensus` (several; see `stream`). */
  provider: ProviderName | 'consensus';
  /** The stream the entry is appended to; the provider's stream when absent. */
  stream?: string;
  /** The chunk; `chunkId` may be empty (derived from seq) and `seq` undefined (next in order). */
  chunk: AudioChunkEntry;
}

export type IngestOutcome =
  | {
      status: 'created' | 'duplicate';
      sessionId: string;
      seq: number;
      chunkId: string;
      entryId: string;
      provider: ProviderName | 'consensus';
    }
  | { status: 'seq_taken'; sessionId: string; seq: number; chunkId: string };

/**
 * Accepts chunks into sessions: assigns sequence numbers in arrival order, makes re-posting a
 * chunk id idempotent and appends the entry to the provider's stream, atomically (one Lua call).
 */
export class ChunkIngestor {
  constructor(
    private readonly client: Redis,
    private readonly options: SessionsOptions,
  ) {}

  async ingest(request: IngestRequest): Promise<IngestOutcome> {
    const reply = await ingestChunkScript.run(
      this.client,
      keysFor(request),
      this.argsFor(request),
      this.entryFieldsOf(request),
    );
    return toOutcome(request.chunk.sessionId, reply);
  }

  /** Ingests many chunks in one pipeline (a whole file), in order. */
  async ingestMany(requests: readonly IngestRequest[]): Promise<IngestOutcome[]> {
    ingestChunkScript.define(this.client);
    const pipeline = this.client.pipeline();
    for (const request of requests)
      ingestChunkScript.queue(pipeline, keysFor(request), this.argsFor(request), this.entryFieldsOf(request));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, reply], i) => {
      if (error) throw error;
      return toOutcome(requests[i].chunk.sessionId, ingestChunkScript.decode(reply));
    });
  }

  /** Records how many chunks a whole-file session will have, so completeness can be judged. */
  async expectChunks(sessionId: string, count: number): Promise<void> {
    const meta = sessionMetaKey(sessionId);
    await this.client
      .multi()
      .hset(meta, 'expected_chunks', count)
      .expire(meta, this.options.sessionTtlSeconds)
      .exec();
  }

  /** The entry's fields; seq and chunk id are left out, since the script assigns them. */
  private entryFieldsOf({ provider, chunk }: IngestRequest): EncodedFields {
    // A consensus record carries no audio; a provider stream gets the audio fields its fleet reads.
    const audioFields = provider === 'consensus' ? 'audio' : audioFieldsFor(provider, this.options.chunkWire);
    return withoutFields(
      encodeChunkEntry(chunk, audioFields),
      (name) => name === CHUNK_FIELDS.seq || name === CHUNK_FIELDS.chunkId,
    );
  }

  private argsFor({ provider, chunk }: IngestRequest) {
    return {
      chunkId: chunk.chunkId,
      seq: chunk.seq === undefined ? '' : chunk.seq,
      provider,
      nowMs: Date.now(),
      ttlSeconds: this.options.sessionTtlSeconds,
    };
  }
}

function keysFor({ provider, stream, chunk }: IngestRequest) {
  return {
    meta: sessionMetaKey(chunk.sessionId),
    chunks: sessionChunksKey(chunk.sessionId),
    stream: stream ?? providerStream(provider as ProviderName),
  };
}

function toOutcome(sessionId: string, reply: IngestReply): IngestOutcome {
  if (reply.status === 'seq_taken') return { ...reply, sessionId };
  return { ...reply, sessionId, provider: reply.provider as ProviderName | 'consensus' };
}
