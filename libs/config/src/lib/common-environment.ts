import { IsInt, Matches, Max, Min } from 'class-validator';

/** Settings every app reads. Defaults are the values documented in the README. */
export class CommonEnvironment {
  /** Redis ≥ 7 holding the streams. */
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must look like redis://host:port (or rediss:// for TLS)' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** How long a session's keys live after its last write, in seconds. */
  @IsInt({ message: 'SESSION_TTL_SECONDS must be an integer' }) @Min(60) @Max(30 * 86_400)
  SESSION_TTL_SECONDS = 86_400;

  /** Approximate cap on transcription:results:all. */
  @IsInt({ message: 'RESULTS_ALL_MAXLEN must be an integer' }) @Min(1000)
  RESULTS_ALL_MAXLEN = 100_000;
}
