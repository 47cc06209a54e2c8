import { IsIn, IsInt, IsNumber, IsString, Matches, Max, Min } from 'class-validator';
import { CommonEnvironment } from '@streamscribe/config';
import { CHUNK_CUT_MODES, ChunkCutMode } from '@streamscribe/contracts';

/** The router's settings; defaults are docs/configuration.md's. */
export class RouterEnvironment extends CommonEnvironment {
  @IsInt({ message: 'PORT must be an integer' })
  @Min(0)
  @Max(65_535)
  PORT = 8080;

  /** Address the public API binds (0.0.0.0: every interface; 127.0.0.1: this machine only). */
  @Matches(/^[A-Za-z0-9.:_-]+$/, { message: 'HOST must be an IP address or a host name' })
  HOST = '0.0.0.0';

  /** Port of the management server (/metrics, /health/live, /health/ready) on MANAGEMENT_HOST; 0: any free one. */
  @IsInt({ message: 'MANAGEMENT_PORT must be an integer' })
  @Min(0)
  @Max(65_535)
  MANAGEMENT_PORT = 9464;

  /** On SIGTERM, how long closing (open requests, live feeds, Redis) may take before the process exits anyway, in ms. */
  @IsInt({ message: 'SHUTDOWN_TIMEOUT_MS must be an integer' })
  @Min(1000)
  SHUTDOWN_TIMEOUT_MS = 20_000;

  /** Largest body POST /v1/sessions/{id}/chunks accepts (bytes); larger gets 413. */
  @IsInt({ message: 'MAX_CHUNK_BYTES must be an integer' })
  @Min(1024)
  MAX_CHUNK_BYTES = 10 * 1024 * 1024;

  /** Most chunks one POST /v1/sessions/{id}/chunks/batch may carry; more gets 413 `batch_too_large`. */
  @IsInt({ message: 'MAX_BATCH_CHUNKS must be an integer' })
  @Min(1)
  @Max(10_000)
  MAX_BATCH_CHUNKS = 500;

  /** Largest body POST /v1/sessions/{id}/chunks/batch accepts (bytes); larger gets 413. */
  @IsInt({ message: 'MAX_BATCH_BYTES must be an integer' })
  @Min(1024)
  MAX_BATCH_BYTES = 16 * 1024 * 1024;

  /** Largest body POST /v1/transcriptions accepts (bytes). */
  @IsInt({ message: 'MAX_FILE_BYTES must be an integer' })
  @Min(1024)
  MAX_FILE_BYTES = 512 * 1024 * 1024;

  /** Most chunks one file may be split into (POST /v1/transcriptions); more is refused with 400 `audio_too_many_chunks`. */
  @IsInt({ message: 'MAX_CHUNKS_PER_FILE must be an integer' })
  @Min(1)
  MAX_CHUNKS_PER_FILE = 1000;

  /** Uploads (POST /v1/transcriptions) this router reads at once; more get 429 `too_many_uploads`. */
  @IsInt({ message: 'MAX_CONCURRENT_UPLOADS must be an integer' })
  @Min(1)
  MAX_CONCURRENT_UPLOADS = 32;

  /** Uploads one tenant may have this router read at once; more get 429 `too_many_uploads`. */
  @IsInt({ message: 'MAX_CONCURRENT_UPLOADS_PER_TENANT must be an integer' })
  @Min(1)
  MAX_CONCURRENT_UPLOADS_PER_TENANT = 8;

  /** Time a client has to send a request's headers, in ms (Node's `server.headersTimeout`). */
  @IsInt({ message: 'HTTP_HEADERS_TIMEOUT_MS must be an integer' })
  @Min(1000)
  HTTP_HEADERS_TIMEOUT_MS = 30_000;

  /** Time a client has to send a whole request, body included, in ms (`server.requestTimeout`): bounds a slow upload. */
  @IsInt({ message: 'HTTP_REQUEST_TIMEOUT_MS must be an integer' })
  @Min(1000)
  HTTP_REQUEST_TIMEOUT_MS = 300_000;

  /** How long an idle keep-alive connection stays open, in ms (`server.keepAliveTimeout`). */
  @IsInt({ message: 'HTTP_KEEP_ALIVE_TIMEOUT_MS must be an integer' })
  @Min(0)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;

  /** Chunk length a whole file is split into, in seconds. */
  @IsInt({ message: 'CHUNK_SECONDS must be an integer' })
  @Min(1)
  @Max(600)
  CHUNK_SECONDS = 30;

  /** Where a whole file is cut: `pauses` (voice activity detection, Silero) or `fixed` (every CHUNK_SECONDS). */
  @IsIn(CHUNK_CUT_MODES, { message: `CHUNK_CUTS must be one of: ${CHUNK_CUT_MODES.join(', ')}` })
  CHUNK_CUTS: ChunkCutMode = 'pauses';

  /** Cuts at pauses: the earliest cut after a chunk's start, in seconds (the window is this..CHUNK_SECONDS). */
  @IsInt({ message: 'CHUNK_MIN_SECONDS must be an integer' })
  @Min(1)
  @Max(600)
  CHUNK_MIN_SECONDS = 20;

  /** Cuts at pauses: audio both chunks hold on each side of a cut forced inside speech, in ms. */
  @IsInt({ message: 'CHUNK_OVERLAP_MS must be an integer' })
  @Min(0)
  @Max(10_000)
  CHUNK_OVERLAP_MS = 1000;

  /**
   * Largest file sent to a provider whole, in bytes of samples (`?split=false`, or `diarize=true`
   * routed whole): it travels as one stream entry. Larger files are cut (diarization) or refused
   * with 413 (`split=false`).
   */
  @IsInt({ message: 'WHOLE_FILE_MAX_BYTES must be an integer' })
  @Min(1)
  WHOLE_FILE_MAX_BYTES = 64 * 1024 * 1024;

  /** How long `?wait=true` holds a request by default, in ms. */
  @IsInt({ message: 'WAIT_TIMEOUT_MS must be an integer' })
  @Min(1)
  @Max(600_000)
  WAIT_TIMEOUT_MS = 120_000;

  /** A consumer whose heartbeat is older than this is not live, in ms. */
  @IsInt({ message: 'CONSUMER_LIVENESS_MS must be an integer' })
  @Min(500)
  CONSUMER_LIVENESS_MS = 10_000;

  /** How long one reading of the fleets' lag and liveness is reused for routing, in ms. */
  @IsInt({ message: 'LOAD_CACHE_MS must be an integer' })
  @Min(0)
  @Max(60_000)
  LOAD_CACHE_MS = 250;

  // Admission control (see docs/operations.md "Admission control").

  /**
   * New work is refused (429 `provider_backlog`) when a chunk queued now would wait longer than
   * this for a worker slot on every provider it may go to, in ms; 0 turns the check off.
   */
  @IsInt({ message: 'ADMISSION_MAX_WAIT_MS must be an integer' })
  @Min(0)
  ADMISSION_MAX_WAIT_MS = 60_000;

  /**
   * Fraction of Redis `maxmemory` kept for work already in the system: new work is refused (503
   * `fabric_overloaded`) once used memory reaches maxmemory × (1 − this); 0 turns the check off.
   * Without a maxmemory (0) there is nothing to measure against and nothing is refused.
   */
  @IsNumber({}, { message: 'ADMISSION_MEMORY_HEADROOM must be a number between 0 and 0.9' })
  @Min(0)
  @Max(0.9)
  ADMISSION_MEMORY_HEADROOM = 0.1;

  /** How often admission control re-reads backlogs, health and Redis memory in the background, in ms. */
  @IsInt({ message: 'ADMISSION_REFRESH_MS must be an integer' })
  @Min(50)
  @Max(60_000)
  ADMISSION_REFRESH_MS = 500;

  /** Per-command Redis timeout, so a hung Redis yields 503 instead of a hung request, in ms. */
  @IsInt({ message: 'REDIS_COMMAND_TIMEOUT_MS must be an integer' })
  @Min(50)
  REDIS_COMMAND_TIMEOUT_MS = 2000;

  /** Hedging: a hedged chunk also goes to the next provider after its provider's p95 latency × this. */
  @IsNumber({}, { message: 'HEDGE_FACTOR must be a number' })
  @Min(1)
  @Max(100)
  HEDGE_FACTOR = 2;

  /** Hedging never fires sooner than this after a chunk was queued, in ms (p95 can be tiny). */
  @IsInt({ message: 'HEDGE_MIN_DELAY_MS must be an integer' })
  @Min(10)
  HEDGE_MIN_DELAY_MS = 500;

  /** Live results: how long a later chunk's result is held for an earlier one that has not landed, in ms. */
  @IsInt({ message: 'LIVE_HOLD_MS must be an integer' })
  @Min(0)
  @Max(600_000)
  LIVE_HOLD_MS = 10_000;

  // Live feeds (SSE and WebSocket): caps on this router and slow readers (see docs/http-api.md "Live feed limits").

  /** Live feeds this router holds open at once, all tenants; over it: 503. */
  @IsInt({ message: 'LIVE_MAX_FEEDS must be an integer' })
  @Min(1)
  LIVE_MAX_FEEDS = 1000;

  /** Live feeds one tenant holds open on this router; over it: 429. */
  @IsInt({ message: 'LIVE_MAX_FEEDS_PER_TENANT must be an integer' })
  @Min(1)
  LIVE_MAX_FEEDS_PER_TENANT = 500;

  /** Live feeds open on one session on this router; over it: 429. */
  @IsInt({ message: 'LIVE_MAX_FEEDS_PER_SESSION must be an integer' })
  @Min(1)
  LIVE_MAX_FEEDS_PER_SESSION = 100;

  /** A live feed's client whose unsent buffer stays full this long is dropped, in ms. */
  @IsInt({ message: 'LIVE_SLOW_READER_MS must be an integer' })
  @Min(100)
  @Max(600_000)
  LIVE_SLOW_READER_MS = 10_000;

  /** A live feed's client with more than this many bytes unsent is dropped at once. */
  @IsInt({ message: 'LIVE_MAX_BUFFERED_BYTES must be an integer' })
  @Min(16 * 1024)
  LIVE_MAX_BUFFERED_BYTES = 1024 * 1024;

  // Live audio sessions (WebSocket /v1/listen, Deepgram's protocol; see docs/live-audio.md).

  /** A live stream with neither audio nor a text message for this long is closed (1011, NET-0001), in ms. */
  @IsInt({ message: 'LIVE_IDLE_TIMEOUT_MS must be an integer' })
  @Min(100)
  @Max(600_000)
  LIVE_IDLE_TIMEOUT_MS = 10_000;

  /** How often the router checks that a live session's worker still holds its lease, in ms (also the events read's block). */
  @IsInt({ message: 'LIVE_LEASE_CHECK_MS must be an integer' })
  @Min(20)
  @Max(60_000)
  LIVE_LEASE_CHECK_MS = 500;

  /** A live session no worker has taken this long after it was assigned goes to the next provider, in ms. */
  @IsInt({ message: 'LIVE_START_TIMEOUT_MS must be an integer' })
  @Min(100)
  @Max(600_000)
  LIVE_START_TIMEOUT_MS = 15_000;

  /** How long a live session waits for its client to reconnect (?session=) before it is closed, in ms. */
  @IsInt({ message: 'LIVE_RESUME_WINDOW_MS must be an integer' })
  @Min(0)
  @Max(3_600_000)
  LIVE_RESUME_WINDOW_MS = 30_000;

  /** TTL of a live session's keys (audio log, events, state), refreshed as audio arrives, in s. */
  @IsInt({ message: 'LIVE_SESSION_TTL_SECONDS must be an integer' })
  @Min(60)
  LIVE_SESSION_TTL_SECONDS = 86_400;

  /** Consensus: how long to wait for every provider's hypothesis before voting on what arrived, in ms. */
  @IsInt({ message: 'CONSENSUS_TIMEOUT_MS must be an integer' })
  @Min(100)
  @Max(600_000)
  CONSENSUS_TIMEOUT_MS = 30_000;

  /** Consensus: the vote's confidence for "nothing here" (ConsensusOptions.nullConfidence; 0.5 = an average word). */
  @IsNumber({}, { message: 'CONSENSUS_NULL_CONFIDENCE must be a number between 0 and 1' })
  @Min(0)
  @Max(1)
  CONSENSUS_NULL_CONFIDENCE = 0.45;

  /** Consensus: providers in order of trust, the last tie-breaker (comma list); empty: the request's `consensus=` order. */
  @Matches(
    /^\s*((deepgram|whisper|parakeet|assemblyai)\s*(,\s*(deepgram|whisper|parakeet|assemblyai)\s*)*)?$/,
    {
      message:
        'CONSENSUS_PROVIDER_ORDER must be a comma list of deepgram, whisper, parakeet, assemblyai (or empty)',
    },
  )
  CONSENSUS_PROVIDER_ORDER = '';

  /** ffmpeg, which decodes compressed uploads (mp3, ogg/opus, flac, m4a/aac, webm): a name on the PATH or a path. */
  @IsString()
  FFMPEG_PATH = 'ffmpeg';

  /** Wall-clock limit for decoding one compressed upload, in ms; past it ffmpeg is killed and the request gets 400. */
  @IsInt({ message: 'DECODE_TIMEOUT_MS must be an integer' })
  @Min(100)
  @Max(600_000)
  DECODE_TIMEOUT_MS = 120_000;

  /**
   * How long a session is kept after its last activity, in s, before the retention sweep erases
   * it (DELETE /v1/sessions/{id} does the same at once); a tenant store may set it per tenant.
   * Capped by SESSION_TTL_SECONDS, after which the session's keys expire anyway.
   */
  @IsInt({ message: 'SESSION_RETENTION_SECONDS must be an integer' })
  @Min(1)
  SESSION_RETENTION_SECONDS = 86_400;

  /** How often a router runs the retention sweep, in ms; 0 turns it off (another router may run it). */
  @IsInt({ message: 'SESSION_SWEEP_INTERVAL_MS must be an integer' })
  @Min(0)
  SESSION_SWEEP_INTERVAL_MS = 60_000;
}
