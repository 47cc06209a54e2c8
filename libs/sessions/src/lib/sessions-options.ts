import { ChunkWireSettings, DEFAULT_CHUNK_WIRE, chunkWireFrom } from '@streamscribe/contracts';

export interface SessionsOptions {
  /**
   * How long a session's keys (metadata, chunk index, results) live after their last write, in s.
   * @defaultValue 86400
   */
  sessionTtlSeconds: number;
  /**
   * Approximate cap on `transcription:results:all` (XADD MAXLEN ~), the monitoring stream.
   * @defaultValue 100000
   */
  resultsAllMaxLen: number;
  /** The audio fields of entries ingested into provider streams. @defaultValue DEFAULT_CHUNK_WIRE */
  chunkWire: ChunkWireSettings;
}

export const DEFAULT_SESSIONS_OPTIONS: SessionsOptions = {
  sessionTtlSeconds: 86_400,
  resultsAllMaxLen: 100_000,
  chunkWire: DEFAULT_CHUNK_WIRE,
};

/** The options from the settings every app validates (CommonEnvironment's names). */
export function sessionsOptionsFrom(env: {
  SESSION_TTL_SECONDS: number;
  RESULTS_ALL_MAXLEN: number;
  CHUNK_AUDIO_FIELDS: string;
  CLASSIC_FLEETS: string;
}): SessionsOptions {
  return {
    sessionTtlSeconds: env.SESSION_TTL_SECONDS,
    resultsAllMaxLen: env.RESULTS_ALL_MAXLEN,
    chunkWire: chunkWireFrom(env),
  };
}
