import { IsIn, IsInt, IsNumber, Matches, Max, Min, ValidateIf } from 'class-validator';
import { CHUNK_AUDIO_FIELD_CHOICES } from '@streamscribe/contracts';
import { IsReadableFile } from './is-readable-file';

/** A comma list of `host:port` (an IPv6 address in brackets: `[::1]:26379`), or empty. */
const HOST_PORT_LIST =
  /^(\s*([^\s,:[\]]+|\[[0-9a-fA-F:]+\]):\d{1,5}\s*(,\s*([^\s,:[\]]+|\[[0-9a-fA-F:]+\]):\d{1,5}\s*)*)?$/;

/** Settings every app reads. Defaults are the values documented in docs/configuration.md. */
export class CommonEnvironment {
  /** Redis ≥ 7 holding the streams. */
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must look like redis://host:port (or rediss:// for TLS)' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  // TLS for a rediss:// REDIS_URL (docs/security.md, securing Redis); every Redis connection of the app uses
  // them. Unset: the system's CAs and no client certificate. Certificates are always verified.

  /** PEM CA bundle that signed the Redis server's certificate. */
  @ValidateIf((env: CommonEnvironment) => env.REDIS_TLS_CA_FILE !== '')
  @IsReadableFile()
  REDIS_TLS_CA_FILE = '';

  /** PEM client certificate, for a server that requires one (`tls-auth-clients yes`). */
  @ValidateIf((env: CommonEnvironment) => env.REDIS_TLS_CERT_FILE !== '')
  @IsReadableFile()
  REDIS_TLS_CERT_FILE = '';

  /** PEM private key of REDIS_TLS_CERT_FILE. */
  @ValidateIf((env: CommonEnvironment) => env.REDIS_TLS_KEY_FILE !== '')
  @IsReadableFile()
  REDIS_TLS_KEY_FILE = '';

  /** Name the server's certificate must carry, when REDIS_URL's host is not it (an IP, a tunnel). */
  REDIS_TLS_SERVERNAME = '';

  // Where the Redis nodes are (docs/operations.md, high availability and sharding). Unset: the one
  // server REDIS_URL names. REDIS_URL still carries the user, password and scheme of the data nodes.

  /** Comma list of `host:port` of the Redis Sentinels; set = the primary is found through them. */
  @Matches(HOST_PORT_LIST, {
    message: 'REDIS_SENTINELS must be a comma list of host:port',
  })
  REDIS_SENTINELS = '';

  /** The master name the sentinels monitor. */
  REDIS_SENTINEL_MASTER = 'streamscribe';

  /** User and password on the sentinels themselves, when they require them. */
  REDIS_SENTINEL_USERNAME = '';
  REDIS_SENTINEL_PASSWORD = '';

  /** Comma list of `host:port` of Redis Cluster nodes (seeds); set = Redis Cluster mode. */
  @Matches(HOST_PORT_LIST, {
    message: 'REDIS_CLUSTER_NODES must be a comma list of host:port',
  })
  REDIS_CLUSTER_NODES = '';

  /**
   * When an ingested chunk counts as stored (docs/operations.md, Redis Sentinel): `async` once the
   * primary has it; `replica` once WAIT saw it on REDIS_WAIT_REPLICAS replicas (else 503, retry safe).
   */
  @IsIn(['async', 'replica'], { message: 'REDIS_DURABILITY must be async or replica' })
  REDIS_DURABILITY = 'async';

  /** Replicas WAIT must see a chunk on in `replica` durability mode. */
  @IsInt({ message: 'REDIS_WAIT_REPLICAS must be an integer' })
  @Min(1)
  @Max(16)
  REDIS_WAIT_REPLICAS = 1;

  /** How long WAIT waits for them, in ms, before the chunk is answered 503. */
  @IsInt({ message: 'REDIS_WAIT_TIMEOUT_MS must be an integer' })
  @Min(1)
  @Max(60_000)
  REDIS_WAIT_TIMEOUT_MS = 1000;

  /**
   * Partitions per provider stream (and per results feed, cost and dead-letter key): sessions are
   * spread over them and pinned to one; workers read every one. Every app must agree.
   */
  @IsInt({ message: 'REDIS_PARTITIONS must be an integer' })
  @Min(1)
  @Max(1024)
  REDIS_PARTITIONS = 1;
  /**
   * Address the management server (/metrics, /health) binds: loopback unless an operator opens it.
   * The container images set 0.0.0.0, where the kubelet and Prometheus reach it through the pod IP.
   */
  @Matches(/^[A-Za-z0-9.:_-]+$/, { message: 'MANAGEMENT_HOST must be an IP address or a host name' })
  MANAGEMENT_HOST = '127.0.0.1';

  /** How long a session's keys live after its last write, in seconds. */
  @IsInt({ message: 'SESSION_TTL_SECONDS must be an integer' })
  @Min(60)
  @Max(30 * 86_400)
  SESSION_TTL_SECONDS = 86_400;

  /** Approximate cap on transcription:results:all. */
  @IsInt({ message: 'RESULTS_ALL_MAXLEN must be an integer' })
  @Min(1000)
  RESULTS_ALL_MAXLEN = 100_000;

  // Provider health and circuit breakers: workers record, routers read; every app must agree.

  /** Error rate and latency per provider are measured over this sliding window, in ms. */
  @IsInt({ message: 'HEALTH_WINDOW_MS must be an integer' })
  @Min(1000)
  @Max(3_600_000)
  HEALTH_WINDOW_MS = 30_000;

  /** A breaker never opens on fewer calls than this in the window. */
  @IsInt({ message: 'BREAKER_MIN_REQUESTS must be an integer' })
  @Min(1)
  BREAKER_MIN_REQUESTS = 5;

  /** Error rate (0..1) over the window that opens a provider's breaker. */
  @IsNumber({}, { message: 'BREAKER_ERROR_RATE must be a number between 0 and 1' })
  @Min(0.01)
  @Max(1)
  BREAKER_ERROR_RATE = 0.5;

  /** How long an opened breaker stays open before one probe chunk may go, in ms. */
  @IsInt({ message: 'BREAKER_OPEN_MS must be an integer' })
  @Min(100)
  BREAKER_OPEN_MS = 15_000;

  /** How long a claimed probe holds off the next one, in ms. */
  @IsInt({ message: 'BREAKER_PROBE_TIMEOUT_MS must be an integer' })
  @Min(100)
  BREAKER_PROBE_TIMEOUT_MS = 10_000;

  // The classic wire format, both ways: every app that writes chunk entries must agree.

  /** Audio fields of the chunk entries streamscribe writes to provider streams (ChunkAudioFields). */
  @IsIn(CHUNK_AUDIO_FIELD_CHOICES, { message: 'CHUNK_AUDIO_FIELDS must be audio, chunk_data or both' })
  CHUNK_AUDIO_FIELDS = 'audio';

  /** Providers whose fleets are, or include, classic consumers (comma list): routed to without heartbeats, sent chunk_data. */
  @Matches(
    /^\s*((deepgram|whisper|parakeet|assemblyai)\s*(,\s*(deepgram|whisper|parakeet|assemblyai)\s*)*)?$/,
    {
      message: 'CLASSIC_FLEETS must be a comma list of deepgram, whisper, parakeet, assemblyai (or empty)',
    },
  )
  CLASSIC_FLEETS = '';
}
