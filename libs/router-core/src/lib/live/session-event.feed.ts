import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type Redis from 'ioredis';
import { KeyScheme, SessionRef } from '@streamscribe/contracts';
import { createLogger } from '@streamscribe/observability';
import { ResultWatcher } from '@streamscribe/sessions';
import { whileRedisAnswers } from '../redis-unavailable';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT, ROUTER_REDIS } from '../tokens';
import { LiveEvent } from './live-event';
import { LiveFeedCaps } from './live-feed-caps';
import type { SlowReaderLimits } from './live-sink';
import { OrderedRelease } from './ordered-release';
import { SessionResultsHub } from './session-results.hub';
import type { SharedSessionReader, WatchedSession } from './shared-session-reader';

/** Tries of a joining feed's first read before it ends with the error. */
const JOIN_READ_ATTEMPTS = 3;

/**
 * A session's results as they land, in audio order, for SSE and WebSocket clients alike. Each
 * feed replays the session's results (read once per router for all its feeds: SessionResultsHub)
 * from the start, to know what the client has and what the session holds, releases what comes
 * after the client's resume point in seq order, and ends with a `final` event once a finished
 * session (a whole file, or a live one ended by the client) has a result for every chunk.
 */
@Injectable()
export class SessionEventFeed {
  readonly hub: SessionResultsHub;
  /** In-process caps on open feeds (global, per tenant, per session). */
  readonly caps: LiveFeedCaps;
  readonly slowReaderLimits: SlowReaderLimits;

  constructor(
    @Inject(ROUTER_REDIS) private readonly redis: Redis,
    @Inject(ROUTER_ENVIRONMENT) private readonly env: RouterEnvironment,
    watcher: ResultWatcher,
    private readonly keys: KeyScheme,
  ) {
    this.hub = new SessionResultsHub(redis, watcher, createLogger('live-feeds'));
    this.caps = new LiveFeedCaps({
      global: env.LIVE_MAX_FEEDS,
      perTenant: env.LIVE_MAX_FEEDS_PER_TENANT,
      perSession: env.LIVE_MAX_FEEDS_PER_SESSION,
    });
    this.slowReaderLimits = {
      slowReaderMs: env.LIVE_SLOW_READER_MS,
      maxBufferedBytes: env.LIVE_MAX_BUFFERED_BYTES,
    };
  }

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

  /**
   * The events after `lastSeq` (-1: from the start) until the session is final or `signal` aborts.
   * Lazy: the session's log is replayed only as fast as the transport takes events, so a slow
   * client holds its position in the shared log, not a queue of its own.
   */
  async *events(session: SessionRef, lastSeq: number, signal: AbortSignal): AsyncGenerator<LiveEvent> {
    const reader = this.hub.join(this.watchedSession(session));
    try {
      await whileRedisAnswers(() => firstRead(reader));
      const release = new OrderedRelease(lastSeq, this.env.LIVE_HOLD_MS);
      const joinedAt = reader.log.length;
      release.resumedWithSeqs((seq) => reader.hadSeqWithin(seq, joinedAt));
      let position = 0;
      while (!signal.aborted) {
        if (reader.failure) throw reader.failure;
        const seen = reader.version;
        while (position < reader.log.length) {
          const { result, kind } = reader.log[position++];
          yield* kind === 'add' ? release.add(result, Date.now()) : release.supersede(result);
          if (signal.aborted) return;
        }
        yield* release.release(Date.now());
        if (reader.allLanded && release.holding === 0) {
          yield { event: 'final', data: reader.summary() };
          return;
        }
        await reader.changed(seen, release.msUntilDue(Date.now()), signal);
      }
    } finally {
      this.hub.leave(reader);
    }
  }

  /** The keys a session's feed reads (the one place the feed names keys). */
  private watchedSession(session: SessionRef): WatchedSession {
    const { tenant, sessionId } = session;
    return {
      key: `${tenant}\u0000${sessionId}`,
      ref: session,
      tenant,
      sessionId,
      metaKey: this.keys.sessionMetaKey(session),
      resultsStream: this.keys.sessionResultsStream(session),
    };
  }
}

/**
 * The joining feed's read, tried a few times: on a busy Redis one read of many joining at once
 * may time out, and that should not end a feed that the next read would serve.
 */
async function firstRead(reader: SharedSessionReader): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await reader.refresh();
    } catch (error) {
      if (attempt >= JOIN_READ_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}
