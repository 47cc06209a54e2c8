import type Redis from 'ioredis';
import { KeyScheme, LIVE_JOB_FIELDS, LIVE_JOBS_GROUP } from '@streamscribe/contracts';
import { LiveWorkerStore } from '@streamscribe/live';
import type { Logger } from '@streamscribe/observability';
import type { LiveTranscriber } from '@streamscribe/providers';
import { ensureGroup } from '@streamscribe/redis';
import { trimAckedScript } from '@streamscribe/streams';
import { liveMetrics } from './live-metrics';
import { LiveSession, LiveSessionDeps, LiveSessionEnd, LiveWorkerSettings } from './live-session';

export interface LiveSessionRunnerOptions {
  /** Non-blocking commands: lease, events, finals. */
  redis: Redis;
  /** A fresh connection for each blocking reader (one per jobs partition, one per session). */
  connect: (name: string) => Redis;
  keys: KeyScheme;
  transcriber: LiveTranscriber;
  /** This worker's consumer name: its consumer in the jobs group and its lease holder id. */
  consumer: string;
  /** Sessions served at once; further jobs wait in the stream for another worker. @defaultValue 50 */
  maxSessions: number;
  settings: LiveWorkerSettings;
  health?: LiveSessionDeps['health'];
  /**
   * How often the jobs streams are trimmed below what every group delivered and acknowledged
   * (jobs are acknowledged at once, so they do not pile up); 0 turns it off.
   */
  trimIntervalMs: number;
  logger: Logger;
}

type RawJobs = [string, [string, string[]][]][] | null;

/** Wait after a failed jobs read before the next (Redis away: the ioredis client reconnects). */
const JOBS_RETRY_MS = 500;

/**
 * A worker's live sessions: reads its provider's live jobs streams (group `LIVE_JOBS_GROUP`, one
 * blocking reader per partition), runs a `LiveSession` per job up to `maxSessions` at once, and on
 * `close()` stops reading and hands every session back (`failed` worker_draining) so the routers
 * reassign them at once rather than after their leases lapse.
 */
export class LiveSessionRunner {
  private readonly sessions = new Set<LiveSession>();
  private readonly readers: Redis[] = [];
  private readonly loops: Promise<void>[] = [];
  private trimTimer: NodeJS.Timeout | undefined;
  private readonly store: LiveWorkerStore;
  private closing = false;
  private slotFreed: (() => void) | undefined;

  constructor(private readonly options: LiveSessionRunnerOptions) {
    if (!Number.isInteger(options.maxSessions) || options.maxSessions < 1)
      throw new Error(`maxSessions must be a positive integer, got ${options.maxSessions}`);
    this.store = new LiveWorkerStore(options.redis, options.keys);
  }

  get activeSessions(): number {
    return this.sessions.size;
  }

  /** Starts reading jobs; returns at once (the loops retry while Redis is away). */
  start(): void {
    const { keys, transcriber, consumer } = this.options;
    for (const partition of keys.allPartitions()) {
      const stream = keys.liveJobsStream(transcriber.name, partition);
      const reader = this.options.connect(`${consumer}:live-jobs:${partition}`);
      this.readers.push(reader);
      this.loops.push(this.readJobs(reader, stream));
    }
    if (this.options.trimIntervalMs > 0)
      this.trimTimer = setInterval(() => void this.trimJobs(), this.options.trimIntervalMs);
  }

  /** Stops taking jobs and hands every session back; resolves once each is released. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.trimTimer);
    this.slotFreed?.();
    for (const reader of this.readers) reader.disconnect();
    await Promise.all([...this.sessions].map((session) => session.drain()));
    await Promise.all(this.loops);
  }

  private async readJobs(reader: Redis, stream: string): Promise<void> {
    const { consumer, settings, logger } = this.options;
    let grouped = false;
    while (!this.closing) {
      await this.freeSlot();
      if (this.closing) return;
      try {
        if (!grouped) {
          await ensureGroup(reader, stream, LIVE_JOBS_GROUP);
          grouped = true;
        }
        const reply = (await reader.xreadgroup(
          'GROUP',
          LIVE_JOBS_GROUP,
          consumer,
          'COUNT',
          this.options.maxSessions - this.sessions.size,
          'BLOCK',
          settings.blockMs,
          'STREAMS',
          stream,
          '>',
        )) as RawJobs;
        for (const [id, fields] of reply?.[0]?.[1] ?? []) await this.takeJob(stream, id, fields);
      } catch (error) {
        if (this.closing) return;
        grouped = false;
        logger.warn(
          { err: error instanceof Error ? error.message : String(error), stream },
          'reading live jobs failed',
        );
        await new Promise((resolve) => setTimeout(resolve, JOBS_RETRY_MS));
      }
    }
  }

  /**
   * Acknowledged once the lease was tried, taken or not: a job whose lease this worker did not
   * take is another's or stale, and one this worker took is watched through its lease (a crash
   * lets it lapse and the router reassigns), not through the jobs stream's pending list.
   */
  private async takeJob(stream: string, id: string, fields: string[]): Promise<void> {
    const { redis, keys, logger } = this.options;
    const job = decodeJob(fields);
    if (!job || this.closing) {
      if (!job) logger.warn({ stream, entry: id }, 'skipped a malformed live job');
      await redis.xack(stream, LIVE_JOBS_GROUP, id);
      return;
    }
    const session = new LiveSession(this.deps(), {
      ref: keys.session(job.tenant, job.session),
      epoch: job.epoch,
      holder: this.options.consumer,
    });
    this.sessions.add(session);
    liveMetrics.active.set({ provider: session.provider }, this.sessions.size);
    session.ended.then((end: LiveSessionEnd) => {
      this.sessions.delete(session);
      liveMetrics.active.set({ provider: session.provider }, this.sessions.size);
      logger.debug({ session: job.session, epoch: job.epoch, end }, 'live session ended');
      this.slotFreed?.();
    });
    session.run().catch((error) => {
      logger.error(
        { err: error instanceof Error ? error.message : String(error), session: job.session },
        'live session crashed',
      );
      void session.drain();
    });
    await redis.xack(stream, LIVE_JOBS_GROUP, id);
  }

  private async trimJobs(): Promise<void> {
    const { redis, keys, transcriber, logger } = this.options;
    for (const partition of keys.allPartitions()) {
      const stream = keys.liveJobsStream(transcriber.name, partition);
      await trimAckedScript
        .run(redis, { stream }, {})
        .catch((error) =>
          logger.debug(
            { err: error instanceof Error ? error.message : String(error), stream },
            'trimming live jobs failed',
          ),
        );
    }
  }

  private deps(): LiveSessionDeps {
    const { keys, transcriber, connect, settings, health, logger } = this.options;
    return { store: this.store, keys, transcriber, connect, settings, health, logger };
  }

  /** Resolves once fewer than maxSessions run (or the runner closes). */
  private async freeSlot(): Promise<void> {
    while (!this.closing && this.sessions.size >= this.options.maxSessions)
      await new Promise<void>((resolve) => {
        const previous = this.slotFreed;
        this.slotFreed = () => {
          this.slotFreed = undefined;
          previous?.();
          resolve();
        };
      });
  }
}

function decodeJob(fields: string[]): { tenant: string; session: string; epoch: number } | undefined {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i], fields[i + 1]);
  const tenant = values.get(LIVE_JOB_FIELDS.tenant);
  const session = values.get(LIVE_JOB_FIELDS.session);
  const epoch = Number(values.get(LIVE_JOB_FIELDS.epoch));
  if (!tenant || !session || !Number.isSafeInteger(epoch) || epoch < 1) return undefined;
  return { tenant, session, epoch };
}
