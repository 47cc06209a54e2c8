import type Redis from 'ioredis';
import {
  PROVIDER_COST_TOTALS_KEY,
  RESULTS_ALL_STREAM,
  ResultStatus,
  TranscriptionResultEntry,
  RESULT_FIELDS,
  encodeResultEntry,
  recordFromPairs,
  resultIndexField,
  sessionCostKey,
  sessionResultIndexKey,
  sessionResultsStream,
} from '@streamscribe/contracts';
import { writeResultScript } from './scripts/write-result.script';
import { SessionsOptions } from './sessions-options';

export interface ResultWrite {
  /** True when this call wrote the result (first write, or an "ok" superseding a "failed"). */
  created: boolean;
  /** True when an "ok" result replaced the chunk's earlier "failed" one. */
  superseded: boolean;
  /** Id of the result entry in the session's results stream (the first one, for a duplicate). */
  entryId: string;
}

/**
 * Writes results in the classic wire format to `transcription:results:{session}` and
 * `transcription:results:all`, at most once per chunk (an "ok" may supersede a "failed"); a priced
 * result (`costUsd`) adds to the session's and its provider's cost totals in the same Lua call, so a
 * redelivery never counts twice.
 */
export class ResultStore {
  constructor(
    private readonly client: Redis,
    private readonly options: SessionsOptions,
  ) {}

  async write(entry: TranscriptionResultEntry): Promise<ResultWrite> {
    // A non-finite confidence would be written as "NaN" and make the whole transcript unreadable.
    const result = Number.isFinite(entry.confidence) ? entry : { ...entry, confidence: 0 };
    // A non-finite cost or duration (a provider reporting NaN) is left out, never written half.
    const priced = result.status === 'ok' && result.costUsd !== undefined && Number.isFinite(result.costUsd);
    const { status, entryId } = await writeResultScript.run(
      this.client,
      {
        index: sessionResultIndexKey(result.sessionId),
        sessionResults: sessionResultsStream(result.sessionId),
        allResults: RESULTS_ALL_STREAM,
        sessionCost: sessionCostKey(result.sessionId),
        providerCost: PROVIDER_COST_TOTALS_KEY,
      },
      {
        chunkId: resultIndexField(result),
        ttlSeconds: this.options.sessionTtlSeconds,
        allMaxLen: this.options.resultsAllMaxLen,
        provider: result.provider,
        costMicros: priced ? Math.round((result.costUsd as number) * 1_000_000) : '',
        audioMs:
          result.durationSeconds === undefined || !Number.isFinite(result.durationSeconds)
            ? ''
            : Math.round(result.durationSeconds * 1000),
        status: result.status,
      },
      encodeResultEntry(result),
    );
    return { created: status !== 'duplicate', superseded: status === 'superseded', entryId };
  }

  /**
   * Whether `provider` already wrote a result for the chunk straight to the session's results
   * stream, since stream id `sinceId` (the chunk entry's id: results come after it), bypassing the
   * index: what a classic consumer (the guide's code) in our group does. Reads only that tail.
   */
  async wroteWithoutIndex(
    chunk: { sessionId: string; chunkId: string },
    provider: string,
    sinceId: string,
  ): Promise<boolean> {
    const entries = await this.client.xrange(sessionResultsStream(chunk.sessionId), sinceId, '+');
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
    chunk: { sessionId: string; chunkId: string; seq?: number },
    provider: string,
  ): Promise<ResultStatus | undefined> {
    return (await readIndexedResult(this.client, chunk.sessionId, resultIndexField({ ...chunk, provider })))
      ?.status;
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
  sessionId: string,
  indexField: string,
): Promise<IndexedResult | undefined> {
  const indexed = await client.hget(sessionResultIndexKey(sessionId), indexField);
  if (indexed === null) return undefined;
  const [entryId, status] = indexed.split('|');
  return { entryId, status: status === 'failed' ? 'failed' : 'ok' };
}
