import { IsBoolean, IsInt, Matches, Max, Min } from 'class-validator';
import { CommonEnvironment } from '@streamscribe/config';
import { IsPriceTable } from './price-table.validator';

/** Settings every worker reads, on top of the common ones. */
export class WorkerEnvironment extends CommonEnvironment {
  /**
   * Port of the worker's only HTTP server, its management server (/metrics, /health) on
   * MANAGEMENT_HOST; each worker app sets its own default (0: any free port).
   */
  @IsInt({ message: 'PORT must be an integer' })
  @Min(0)
  @Max(65_535)
  PORT = 0;

  /** Chunks one worker process handles at once. */
  @IsInt({ message: 'WORKER_CONCURRENCY must be an integer' })
  @Min(1)
  @Max(1024)
  WORKER_CONCURRENCY = 8;

  /** How long one XREADGROUP blocks, in ms. */
  @IsInt({ message: 'WORKER_BLOCK_MS must be an integer' })
  @Min(10)
  @Max(60_000)
  WORKER_BLOCK_MS = 2000;

  /** Consumer name in the group; empty means `<provider>-<hostname>-<pid>`. */
  @Matches(/^[A-Za-z0-9._:-]*$/, { message: "CONSUMER_NAME may hold letters, digits, '.', '_', ':' and '-'" })
  CONSUMER_NAME = '';

  /** On SIGTERM, how long in-flight chunks may take to finish, in ms. */
  @IsInt({ message: 'DRAIN_TIMEOUT_MS must be an integer' })
  @Min(0)
  DRAIN_TIMEOUT_MS = 25_000;

  /**
   * What shutdown may take beyond DRAIN_TIMEOUT_MS (leaving the group, closing Redis) before the
   * process exits anyway, in ms: a worker whose Redis went silent still stops in bounded time.
   */
  @IsInt({ message: 'SHUTDOWN_MARGIN_MS must be an integer' })
  @Min(1000)
  SHUTDOWN_MARGIN_MS = 5000;

  /** How often a worker tells routers it is alive, in ms. */
  @IsInt({ message: 'HEARTBEAT_INTERVAL_MS must be an integer' })
  @Min(100)
  HEARTBEAT_INTERVAL_MS = 2000;

  /** Approximate cap on transcription:failures. */
  @IsInt({ message: 'FAILURES_MAXLEN must be an integer' })
  @Min(1000)
  FAILURES_MAXLEN = 100_000;

  /** Attempts at one provider for a retryable error (timeouts, 5xx, 429) before failing over. */
  @IsInt({ message: 'RETRY_MAX_ATTEMPTS must be an integer' })
  @Min(1)
  @Max(20)
  RETRY_MAX_ATTEMPTS = 3;

  /** First retry delay; doubles per attempt, with full jitter, in ms. */
  @IsInt({ message: 'RETRY_BASE_MS must be an integer' })
  @Min(0)
  RETRY_BASE_MS = 200;

  /** Longest retry delay; a longer Retry-After fails over instead of waiting, in ms. */
  @IsInt({ message: 'RETRY_MAX_MS must be an integer' })
  @Min(0)
  RETRY_MAX_MS = 5000;

  /** A provider whose newest heartbeat is older than this is not a failover target, in ms. */
  @IsInt({ message: 'CONSUMER_LIVENESS_MS must be an integer' })
  @Min(500)
  CONSUMER_LIVENESS_MS = 10_000;

  /** Approximate cap on transcription:dead-letters. */
  @IsInt({ message: 'DEAD_LETTER_MAXLEN must be an integer' })
  @Min(1000)
  DEAD_LETTER_MAXLEN = 100_000;

  /**
   * An entry pending this long without an ack is reclaimed from its (dead) consumer, in ms. Live
   * workers renew the leases of their in-flight entries every third of it, so this bounds how long a
   * crashed worker's chunks wait, not how long a chunk may take.
   */
  @IsInt({ message: 'RECLAIM_MIN_IDLE_MS must be an integer' })
  @Min(100)
  RECLAIM_MIN_IDLE_MS = 15_000;

  /** How often a worker sweeps for such entries, in ms. */
  @IsInt({ message: 'RECLAIM_INTERVAL_MS must be an integer' })
  @Min(10)
  RECLAIM_INTERVAL_MS = 5000;

  /** An entry delivered more often than this is a poison message: dead-lettered, not retried. */
  @IsInt({ message: 'MAX_DELIVERIES must be an integer' })
  @Min(1)
  MAX_DELIVERIES = 5;

  /** How often a worker trims its stream and removes idle consumers, in ms; 0 turns both off. */
  @IsInt({ message: 'STREAM_MAINTENANCE_INTERVAL_MS must be an integer' })
  @Min(0)
  STREAM_MAINTENANCE_INTERVAL_MS = 10_000;

  /** Trim provider streams below what every group delivered and acknowledged (never anything pending). */
  @IsBoolean({ message: 'STREAM_TRIM_ACKED must be true or false' })
  STREAM_TRIM_ACKED = true;

  /** A consumer that read nothing for this long and holds nothing pending is removed from its group, in ms. */
  @IsInt({ message: 'CONSUMER_REAP_IDLE_MS must be an integer' })
  @Min(1000)
  CONSUMER_REAP_IDLE_MS = 600_000;

  /** Live sessions one worker serves at once (when its app serves live audio). */
  @IsInt({ message: 'LIVE_MAX_SESSIONS must be an integer' })
  @Min(1)
  @Max(10_000)
  LIVE_MAX_SESSIONS = 50;

  /**
   * A live session's lease, in ms, renewed every third of it: a worker that died stops owning its
   * sessions after this, and the router reassigns them.
   */
  @IsInt({ message: 'LIVE_SESSION_LEASE_MS must be an integer' })
  @Min(300)
  LIVE_SESSION_LEASE_MS = 5000;

  /** A live provider owing answers for this much audio and silent this long has stalled, in ms. */
  @IsInt({ message: 'LIVE_STALL_MS must be an integer' })
  @Min(100)
  LIVE_STALL_MS = 3000;

  /** How long one read of a live session's audio log or of the live jobs stream blocks, in ms. */
  @IsInt({ message: 'LIVE_BLOCK_MS must be an integer' })
  @Min(10)
  @Max(60_000)
  LIVE_BLOCK_MS = 1000;

  /** USD per audio minute by provider and model, as JSON over the defaults (docs/providers.md: Cost accounting). */
  @IsPriceTable()
  PRICE_TABLE = '';
}
