import { IsInt, Matches, Max, Min } from 'class-validator';
import { CommonEnvironment } from '@streamscribe/config';

/** Settings every worker reads, on top of the common ones. */
export class WorkerEnvironment extends CommonEnvironment {
  /** HTTP port for /metrics and /health (each worker app has its own default). */
  @IsInt({ message: 'PORT must be an integer' }) @Min(0) @Max(65_535)
  PORT = 0;

  /** Chunks one worker process handles at once. */
  @IsInt({ message: 'WORKER_CONCURRENCY must be an integer' }) @Min(1) @Max(1024)
  WORKER_CONCURRENCY = 8;

  /** How long one XREADGROUP blocks, in ms. */
  @IsInt({ message: 'WORKER_BLOCK_MS must be an integer' }) @Min(10) @Max(60_000)
  WORKER_BLOCK_MS = 2000;

  /** Consumer name in the group; empty means `<provider>-<hostname>-<pid>`. */
  @Matches(/^[A-Za-z0-9._:-]*$/, { message: "CONSUMER_NAME may hold letters, digits, '.', '_', ':' and '-'" })
  CONSUMER_NAME = '';

  /** On SIGTERM, how long in-flight chunks may take to finish, in ms. */
  @IsInt({ message: 'DRAIN_TIMEOUT_MS must be an integer' }) @Min(0)
  DRAIN_TIMEOUT_MS = 25_000;

  /** How often a worker tells routers it is alive, in ms. */
  @IsInt({ message: 'HEARTBEAT_INTERVAL_MS must be an integer' }) @Min(100)
  HEARTBEAT_INTERVAL_MS = 2000;

  /** Approximate cap on transcription:failures. */
  @IsInt({ message: 'FAILURES_MAXLEN must be an integer' }) @Min(1000)
  FAILURES_MAXLEN = 100_000;
}
