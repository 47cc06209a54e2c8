import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  KeyScheme,
  SessionRef,
  TranscriptionResultEntry,
  decodeResultEntry,
  fieldsFromFlat,
  resultSupersedes,
} from '@streamscribe/contracts';
import { ResultWatcher, assembleTranscript } from '@streamscribe/sessions';
import { whileRedisAnswers } from '../redis-unavailable';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT, ROUTER_REDIS } from '../tokens';
import { LiveEvent } from './live-event';
import { OrderedRelease } from './ordered-release';

/** Longest a feed sleeps without re-reading, should a wake-up from the watcher be missed. */
const RECHECK_MS = 1000;

/**
 * A session's results as they land, in audio order, for SSE and WebSocket clients alike. It reads
 * the session's results stream from the start (to know what the client has and what the session
 * holds), releases what comes after the client's resume point in seq order, and ends with a
 * `final` event once a finished session (a whole file, or a live one ended by the client) has a
 * result for every chunk. One XREAD loop per router (ResultWatcher) wakes every feed.
 */
@Injectable()
export class SessionEventFeed {
  constructor(
    @Inject(ROUTER_REDIS) private readonly redis: Redis,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    private readonly watcher: ResultWatcher,
    private readonly keys: KeyScheme,
  ) {}

  /**
   * Throws 404 when Redis knows nothing of the session (another tenant's included), so transports
   * can answer before streaming.
   */
  async assertExists(session: SessionRef): Promise<void> {
    const { sessionId } = session;
    const [metaKeys, results] = await whileRedisAnswers(() =>
      Promise.all([
        this.redis.exists(this.keys.sessionMetaKey(session)),
        this.redis.exists(this.keys.sessionResultsStream(session)),
      ]),
    );
    if (metaKeys + results === 0) {
      throw new NotFoundException(
        `no session '${sessionId}': post chunks to /v1/sessions/${sessionId}/chunks first`,
      );
    }
  }

  /** The events after `lastSeq` (-1: from the start) until the session is final or `signal` aborts. */
  async *events(session: SessionRef, lastSeq: number, signal: AbortSignal): AsyncGenerator<LiveEvent> {
    const { sessionId } = session;
    this.watcher.start();
    const release = new OrderedRelease(lastSeq, this.env.LIVE_HOLD_MS);
    const landed = new Map<string, TranscriptionResultEntry>();
    let cursor = '-';
    let firstRead = true;
    while (!signal.aborted) {
      const { expectedChunks, entries } = await this.readSince(session, cursor);
      const now = Date.now();
      for (const [id, result] of entries) {
        cursor = `(${id}`;
        const earlier = landed.get(result.chunkId);
        if (earlier) {
          if (resultSupersedes(earlier.status, result.status)) {
            landed.set(result.chunkId, result);
            yield* release.supersede(result);
          }
          continue;
        }
        landed.set(result.chunkId, result);
        yield* release.add(result, now);
      }
      if (firstRead) {
        release.resumedWithSeqs([...landed.values()].flatMap((r) => (r.seq === undefined ? [] : [r.seq])));
        firstRead = false;
      }
      yield* release.release(now);
      if (expectedChunks !== undefined && landed.size >= expectedChunks && release.holding === 0) {
        const { chunkCount, failedCount, text } = assembleTranscript(sessionId, {}, {}, [...landed.values()]);
        yield { event: 'final', data: { sessionId, complete: true, chunkCount, failedCount, text } };
        return;
      }
      const wait = Math.min(RECHECK_MS, release.msUntilDue(Date.now()) ?? RECHECK_MS);
      await untilAborted(this.watcher.waitForResult(session, wait), signal);
    }
  }

  private async readSince(session: SessionRef, cursor: string) {
    const replies =
      (await this.redis
        .pipeline()
        .hget(this.keys.sessionMetaKey(session), 'expected_chunks')
        .xrangeBuffer(this.keys.sessionResultsStream(session), cursor, '+')
        .exec()) ?? [];
    for (const [error] of replies) if (error) throw error;
    const expected = replies[0][1] as string | null;
    const raw = replies[1][1] as Array<[Buffer, Buffer[]]>;
    return {
      expectedChunks: expected === null ? undefined : Number(expected),
      entries: raw.map(([id, flat]) => [id.toString(), decodeResultEntry(fieldsFromFlat(flat))] as const),
    };
  }
}

function untilAborted(wait: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done);
    wait.then(done);
  });
}
