import type Redis from 'ioredis';
import {
  RESULTS_ALL_STREAM,
  TranscriptionResultEntry,
  encodeResultEntry,
  sessionResultIndexKey,
  sessionResultsStream,
} from '@streamscribe/contracts';
import { RedisScript } from '@streamscribe/streams';
import { WRITE_RESULT_LUA } from './scripts/write-result-3.lua';
import { SessionsOptions } from './sessions-options';

const writeResultScript = new RedisScript('ssWriteResult', 3, WRITE_RESULT_LUA);

export interface ResultWrite {
  created: boolean;
  /** Id of the result entry in the session's results stream (the first one, for a duplicate). */
  entryId: string;
}

/**
 * Writes results in the seed's format to `transcription:results:{session}` and
 * `transcription:results:all`, at most once per chunk.
 */
export class ResultStore {
  constructor(
    private readonly client: Redis,
    private readonly options: SessionsOptions,
  ) {}

  async write(result: TranscriptionResultEntry): Promise<ResultWrite> {
    const [status, entryId] = (await writeResultScript.run(
      this.client,
      [sessionResultIndexKey(result.sessionId), sessionResultsStream(result.sessionId), RESULTS_ALL_STREAM],
      [result.chunkId, this.options.sessionTtlSeconds, this.options.resultsAllMaxLen, ...encodeResultEntry(result)],
    )) as [string, string];
    return { created: status === 'created', entryId };
  }
}
