import type Redis from 'ioredis';
import {
  KeyScheme,
  ResultStatus,
  SessionRef,
  TranscriptionResultEntry,
  RESULT_FIELDS,
  encodeResultEntry,
  recordFromPairs,
  resultIndexField,
} from '@streamscribe/contracts';
import { type ScriptArg, TurnBatcher } from '@streamscribe/redis';
import {
  RESULT_ARGS,
  RESULT_CALL_ARGS,
  RESULT_KEYS,
  writeResultsScript,
} from './scripts/write-results.script';
import { SessionsOptions } from './sessions-options';
import { TENANT_COST_TTL_SECONDS, costMonth, trailTtlSeconds } from './session-lifetimes';

export interface ResultWrite {
  /** True when this call wrote the result (first write, or an "ok" superseding a "failed"). */
  created: boolean;
  /** True when an "ok" result replaced the chunk's earlier "failed" one. */
  superseded: boolean;
  /** Id of the result entry in the session's results stream (the first one, for a duplicate). */
  entryId: string;
}

/** Results written in one Lua call at most: bounds how long one call holds Redis. */
const MAX_RESULTS_PER_CALL = 100;

/** One result's part of a write-results call. */
interface QueuedWrite {
  keys: string[];
  args: ScriptArg[];
}

/**
 * Writes results in the classic wire format to the session's results stream and its partition's
 * global results feed (`transcription:results:<session>` and `transcription:results:all` for the
 * default tenant on one node), at most once per chunk (an "ok" may supersede a "failed"); a priced
 * result (`costUsd`) adds to the session's, its partition's provider and its tenant's monthly cost
 * totals in the same Lua call, so a redelivery never counts twice. The results of one event-loop
 * turn go in one call per partition (`write-results`), which counts each cost counter once.
 */
export class ResultStore {
  /** This turn's writes, per partition (the keys of one call share its slot). */
  private readonly batcher = new TurnBatcher<QueuedWrite, ResultWrite>(
    (_partition, writes) => this.writeBatch(writes),
    MAX_RESULTS_PER_CALL,
  );
  /** RESULT_CALL_ARGS: settings, the same for every call. */
  private readonly callArgs: ScriptArg[];

  constructor(
    private readonly client: Redis,
    options: SessionsOptions,
    private readonly keys: KeyScheme,
  ) {
    const settings: Record<(typeof RESULT_CALL_ARGS)[number], ScriptArg> = {
      ttlSeconds: options.sessionTtlSeconds,
      allMaxLen: options.resultsAllMaxLen,
      trailTtlSeconds: trailTtlSeconds(options.sessionTtlSeconds),
      tenantCostTtlSeconds: TENANT_COST_TTL_SECONDS,
    };
    this.callArgs = RESULT_CALL_ARGS.map((name) => settings[name]);
  }

  /** Writes the session's result; the entry gets the session's id and tenant. */
  write(session: SessionRef, entry: TranscriptionResultEntry): Promise<ResultWrite> {
    const owned = { ...entry, sessionId: session.sessionId, tenant: session.tenant };
    // A non-finite confidence would be written as "NaN" and make the whole transcript unreadable.
    const result = Number.isFinite(owned.confidence) ? owned : { ...owned, confidence: 0 };
    const nowMs = Date.now();
    const keys = this.keys;
    // A non-finite cost or duration (a provider reporting NaN) is left out, never written half.
    const priced = result.status === 'ok' && result.costUsd !== undefined && Number.isFinite(result.costUsd);
    const named: Record<(typeof RESULT_KEYS)[number], string> = {
      index: keys.sessionResultIndexKey(session),
      sessionResults: keys.sessionResultsStream(session),
      allResults: keys.allResultsStream(session.partition),
      sessionCost: keys.sessionCostKey(session),
      providerCost: keys.providerCostKey(session.partition),
      tenantCost: keys.tenantCostKey(session.tenant, costMonth(nowMs), session.partition),
      trail: keys.sessionTrailKey(session),
      sessionIndex: keys.sessionIndexKey(session.partition),
    };
    const args: Record<(typeof RESULT_ARGS)[number], ScriptArg> = {
      chunkId: resultIndexField(result),
      provider: result.provider,
      costMicros: priced ? Math.round((result.costUsd as number) * 1_000_000) : '',
      audioMs:
        result.durationSeconds === undefined || !Number.isFinite(result.durationSeconds)
          ? ''
          : Math.round(result.durationSeconds * 1000),
      status: result.status,
      nowMs,
      indexMember: keys.sessionIndexMember(session),
    };
    const fields = encodeResultEntry(result);
    return this.batcher.add(String(session.partition), {
      keys: RESULT_KEYS.map((name) => named[name]),
      args: [...RESULT_ARGS.map((name) => args[name]), fields.length, ...fields],
    });
  }

  /** One write-results call: each result's outcome, or the reason it alone was refused. */
  private async writeBatch(writes: QueuedWrite[]): Promise<Array<ResultWrite | Error>> {
    const replies = await writeResultsScript.run(
      this.client,
      writes.flatMap((write) => write.keys),
      [...this.callArgs, ...writes.flatMap((write) => write.args)],
    );
    return replies.map((reply) =>
      reply.status === 'invalid'
        ? new Error(reply.reason)
        : {
            created: reply.status !== 'duplicate',
            superseded: reply.status === 'superseded',
            entryId: reply.entryId,
          },
    );
  }

  /**
   * Whether `provider` already wrote a result for the chunk straight to the session's results
   * stream, since stream id `sinceId` (the chunk entry's id: results come after it), bypassing the
   * index: what a classic consumer (the guide's code) in our group does. Reads only that tail.
   */
  async wroteWithoutIndex(
    session: SessionRef,
    chunk: { chunkId: string },
    provider: string,
    sinceId: string,
  ): Promise<boolean> {
    const entries = await this.client.xrange(this.keys.sessionResultsStream(session), sinceId, '+');
    return entries.some(([, flat]) => {
      const fields = recordFromPairs(flat);
      return (
        fields[RESULT_FIELDS.chunkId] === chunk.chunkId &&
        fields[RESULT_FIELDS.provider] === provider &&
        fields[RESULT_FIELDS.status] !== 'failed'
      );
    });
  }

  /**
   * The status of the chunk's result, or undefined when it has none yet: for a classic entry
   * (no `seq`), of `provider`'s result (see `resultIndexField`).
   */
  async statusOf(
    session: SessionRef,
    chunk: { chunkId: string; seq?: number },
    provider: string,
  ): Promise<ResultStatus | undefined> {
    const field = resultIndexField({ ...chunk, provider });
    return (await readIndexedResult(this.client, this.keys, session, field))?.status;
  }
}

/** A chunk's standing result as the session's result index records it. */
export interface IndexedResult {
  /** Its entry in the session's results stream. */
  entryId: string;
  status: ResultStatus;
}

/**
 * The standing result at an index field (the index holds "<entry id>|<status>"), or undefined;
 * the field is the chunk id for our chunks, see `resultIndexField`.
 */
export async function readIndexedResult(
  client: Redis,
  keys: KeyScheme,
  session: SessionRef,
  indexField: string,
): Promise<IndexedResult | undefined> {
  const indexed = await client.hget(keys.sessionResultIndexKey(session), indexField);
  if (indexed === null) return undefined;
  const [entryId, status] = indexed.split('|');
  return { entryId, status: status === 'failed' ? 'failed' : 'ok' };
}
