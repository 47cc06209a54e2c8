import type Redis from 'ioredis';
import {
  TranscriptionResultEntry,
  decodeResultEntry,
  fieldsFromFlat,
  resultSupersedes,
  SessionRef,
} from '@streamscribe/contracts';
import { assembleTranscript } from '@streamscribe/sessions';
import type { LiveSummary } from './live-event';

/** Result entries per XRANGE reply. */
const READ_PAGE = 500;

/** Where a watched session's results live; the caller names the keys (so the key scheme stays in one place). */
export interface WatchedSession {
  /** Identifies the session across tenants: feeds of the same key share one reader. */
  key: string;
  /** Tenant, id and partition: where the session's keys are. */
  ref: SessionRef;
  tenant: string;
  sessionId: string;
  metaKey: string;
  resultsStream: string;
}

/** One landed result as every feed of the session replays it: a first result, or one replacing a failed one. */
export interface LoggedResult {
  result: TranscriptionResultEntry;
  kind: 'add' | 'supersede';
}

/**
 * One session's results, read from Redis once for every feed of the session on this router: each
 * wake-up (or re-check) costs one pipeline (HGET expected_chunks + XRANGE from the last entry read),
 * whatever number of clients watch. The log is kept once, here; each feed keeps only its position
 * in it and its own ordering state (OrderedRelease), so a client costs no copy of the session.
 */
export class SharedSessionReader {
  readonly log: LoggedResult[] = [];
  expectedChunks?: number;
  /** Bumped whenever the log or expectedChunks changes; feeds wait for it to move. */
  version = 0;
  /** Set when a re-read failed: every feed ends with it, as a feed that read for itself would have. */
  failure?: Error;
  subscribers = 0;

  private readonly landed = new Map<string, TranscriptionResultEntry>();
  /** seq → index in the log of its first result, for "had it when the client resumed?". */
  private readonly firstIndexOfSeq = new Map<number, number>();
  private cursor = '-';
  private reading?: Promise<void>;
  private rereadQueued?: Promise<void>;
  private readonly waiters = new Set<() => void>();
  private summaryCache?: { version: number; summary: LiveSummary };

  constructor(
    readonly session: WatchedSession,
    private readonly redis: Redis,
  ) {}

  /** Whether a result for `seq` was in the log's first `length` entries. */
  hadSeqWithin(seq: number, length: number): boolean {
    const index = this.firstIndexOfSeq.get(seq);
    return index !== undefined && index < length;
  }

  /** Every chunk of a finished session has a result. */
  get allLanded(): boolean {
    return this.expectedChunks !== undefined && this.landed.size >= this.expectedChunks;
  }

  summary(): LiveSummary {
    if (this.summaryCache?.version !== this.version) {
      const { sessionId } = this.session;
      const { chunkCount, failedCount, text } = assembleTranscript(sessionId, {}, {}, [
        ...this.landed.values(),
      ]);
      this.summaryCache = {
        version: this.version,
        summary: { sessionId, complete: true, chunkCount, failedCount, text },
      };
    }
    return this.summaryCache.summary;
  }

  /**
   * A read that starts after this call (a joining feed must see what is there now). Concurrent
   * callers share reads: at most one in flight and one queued behind it, however many join at once.
   */
  refresh(): Promise<void> {
    if (!this.reading) {
      this.reading = this.readOnce().finally(() => (this.reading = undefined));
      return this.reading;
    }
    this.rereadQueued ??= this.reading
      .catch(() => undefined)
      .then(() => {
        this.rereadQueued = undefined;
        return this.refresh();
      });
    return this.rereadQueued;
  }

  /**
   * Resolves when `version` moves past `seen`, after `timeoutMs` (when given), or when `signal`
   * aborts; leaves no listener or timer behind.
   */
  changed(seen: number, timeoutMs: number | undefined, signal: AbortSignal): Promise<void> {
    if (this.version !== seen || this.failure || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done);
      this.waiters.add(done);
    });
  }

  /** Ends every waiting feed's wait with a failure (they then throw it). */
  fail(error: Error): void {
    this.failure = error;
    this.wake();
  }

  private async readOnce(): Promise<void> {
    let changed = false;
    // Pages of READ_PAGE entries: a long session is read in bounded replies, each well inside
    // the command timeout, instead of one reply as large as the session.
    for (let full = true; full;) {
      const replies =
        (await this.redis
          .pipeline()
          .hget(this.session.metaKey, 'expected_chunks')
          .xrangeBuffer(this.session.resultsStream, this.cursor, '+', 'COUNT', READ_PAGE)
          .exec()) ?? [];
      for (const [error] of replies) if (error) throw error;
      const expected = replies[0][1] as string | null;
      const raw = replies[1][1] as Array<[Buffer, Buffer[]]>;
      const expectedChunks = expected === null ? undefined : Number(expected);
      if (expectedChunks !== this.expectedChunks) {
        this.expectedChunks = expectedChunks;
        changed = true;
      }
      for (const [id, flat] of raw) {
        this.cursor = `(${id.toString()}`;
        if (this.append(decodeResultEntry(fieldsFromFlat(flat)))) changed = true;
      }
      full = raw.length === READ_PAGE;
    }
    if (changed) {
      this.version++;
      this.wake();
    }
  }

  /** Logs a result as the feeds replay it; a repeat that supersedes nothing is not logged. */
  private append(result: TranscriptionResultEntry): boolean {
    const earlier = this.landed.get(result.chunkId);
    if (earlier && !resultSupersedes(earlier.status, result.status)) return false;
    this.landed.set(result.chunkId, result);
    if (!earlier && result.seq !== undefined && !this.firstIndexOfSeq.has(result.seq))
      this.firstIndexOfSeq.set(result.seq, this.log.length);
    this.log.push({ result, kind: earlier ? 'supersede' : 'add' });
    return true;
  }

  private wake(): void {
    for (const done of [...this.waiters]) done();
  }
}
