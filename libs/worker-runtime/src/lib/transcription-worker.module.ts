import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Injectable,
  Module,
  Optional,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { hostname } from 'node:os';
import type Redis from 'ioredis';
import { settingsFromConfig, validateEnvironment } from '@streamscribe/config';
import {
  KeyScheme,
  ProviderName,
  keySchemeFrom,
  providerGroup,
  providerHeartbeatKey,
} from '@streamscribe/contracts';
import { READINESS_CHECKS, ReadinessCheck, createLogger } from '@streamscribe/observability';
import {
  LIVE_TRANSCRIBER,
  LiveTranscriber,
  TRANSCRIPTION_PROVIDER,
  TranscriptionProvider,
} from '@streamscribe/providers';
import { ProviderHealthRecorder, healthSettingsFrom } from '@streamscribe/provider-health';
import { ResultStore, SessionCancellation, sessionsOptionsFrom } from '@streamscribe/sessions';
import { StreamLagCollector, providerFleets } from '@streamscribe/fleet';
import {
  closeRedis,
  createRedisConnection,
  redisReadinessCheck,
  redisTlsFrom,
  redisTopologyFrom,
  warnIfRedisMayEvict,
} from '@streamscribe/redis';
import { ServerRedisStreams } from '@streamscribe/streams';
import { ChunkProcessor } from './chunk-processor';
import { ChunkSettler } from './chunk-settler';
import { chunkControllerFor, keySchemeAtStart } from './chunk-controller.factory';
import { CostAccountant } from './cost-accountant';
import { LiveSessionRunner } from './live/live-session-runner';
import { providerCredentialsCheck } from './provider-credentials.check';
import { WORKER_ENVIRONMENT, WORKER_REDIS } from './tokens';
import { WorkerEnvironment } from './worker-environment';

export interface TranscriptionWorkerOptions<E extends WorkerEnvironment> {
  provider: ProviderName;
  /** The app's settings class (WorkerEnvironment plus its provider's variables). */
  environment: new () => E;
  /** Builds the provider from validated settings (async: e.g. load a model first); throw to refuse to start (say why). */
  createProvider: (env: E) => TranscriptionProvider | Promise<TranscriptionProvider>;
  /**
   * Readiness beyond Redis: a cloud provider's API reachable (`reachableCheck`), a local model
   * loaded. Shown on /health/ready next to the Redis check.
   */
  readinessChecks?: (env: E, provider: TranscriptionProvider) => ReadinessCheck[];
  /**
   * The provider's live (streaming) transcription, when the app serves live sessions: the worker
   * then also runs a LiveSessionRunner on the provider's live jobs stream. Gets the batch provider
   * too (server-side segmentation decodes utterances with it).
   */
  createLiveTranscriber?: (
    env: E,
    provider: TranscriptionProvider,
  ) => LiveTranscriber | Promise<LiveTranscriber>;
}

/** How long a /metrics scrape waits for the worker's stream read before reporting it unknown. */
const LAG_COLLECT_TIMEOUT_MS = 2000;

export const REDIS_STREAMS_SERVER = Symbol('REDIS_STREAMS_SERVER');
/** The worker's LiveSessionRunner, or null when its app serves no live sessions. */
export const LIVE_SESSION_RUNNER = Symbol('LIVE_SESSION_RUNNER');

/**
 * Drains the transport before anything else shuts down: Nest runs shutdown hooks before it
 * closes microservices, and in-flight chunks still need the results connection and the provider
 * (a self-hosted model's engine thread), which close after it.
 */
@Injectable()
class WorkerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(REDIS_STREAMS_SERVER) private readonly server: ServerRedisStreams,
    @Inject(WORKER_REDIS) private readonly redis: Redis,
    @Inject(TRANSCRIPTION_PROVIDER) private readonly transcriber: TranscriptionProvider,
    @Optional() @Inject(LIVE_SESSION_RUNNER) private readonly live: LiveSessionRunner | null,
    @Optional() @Inject(LIVE_TRANSCRIBER) private readonly liveTranscriber: LiveTranscriber | null,
  ) {}

  /** Not awaited: the check waits for Redis, and the worker must start (and say why) without it. */
  onApplicationBootstrap(): void {
    void warnIfRedisMayEvict(this.redis, createLogger('redis'));
    this.live?.start();
  }

  /** Live sessions are handed back (`failed` worker_draining) while chunks drain. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.server.close(), this.live?.close()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.liveTranscriber?.close?.();
    await this.transcriber.close?.();
    await closeRedis(this.redis);
  }
}

/** Everything a provider worker needs; the app supplies only its provider and settings. */
@Module({})
export class TranscriptionWorkerModule {
  static forProvider<E extends WorkerEnvironment>(options: TranscriptionWorkerOptions<E>): DynamicModule {
    const { provider, environment } = options;
    return {
      module: TranscriptionWorkerModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          validate: (env) => validateEnvironment(environment, env),
        }),
      ],
      controllers: [chunkControllerFor(provider, keySchemeAtStart(environment))],
      providers: [
        {
          provide: WORKER_ENVIRONMENT,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => settingsFromConfig(environment, config),
        },
        { provide: TRANSCRIPTION_PROVIDER, inject: [WORKER_ENVIRONMENT], useFactory: options.createProvider },
        // Live sessions: LIVE_TRANSCRIBER from `createLiveTranscriber`, or a provider the app adds
        // to this module's providers itself; the runner exists only when one is there.
        ...(options.createLiveTranscriber
          ? [
              {
                provide: LIVE_TRANSCRIBER,
                inject: [WORKER_ENVIRONMENT, TRANSCRIPTION_PROVIDER],
                useFactory: (env: E, transcriber: TranscriptionProvider) =>
                  options.createLiveTranscriber?.(env, transcriber),
              },
            ]
          : []),
        {
          provide: LIVE_SESSION_RUNNER,
          inject: [
            { token: LIVE_TRANSCRIBER, optional: true },
            WORKER_REDIS,
            WORKER_ENVIRONMENT,
            KeyScheme,
            ProviderHealthRecorder,
          ],
          useFactory: (
            live: LiveTranscriber | undefined,
            redis: Redis,
            env: E,
            keys: KeyScheme,
            health: ProviderHealthRecorder,
          ) =>
            (live &&
              new LiveSessionRunner({
                redis,
                connect: (name) =>
                  createRedisConnection(env.REDIS_URL, {
                    name,
                    logger: createLogger('redis'),
                    tls: redisTlsFrom(env),
                    topology: redisTopologyFrom(env),
                  }),
                keys,
                transcriber: live,
                consumer: consumerName(provider, env),
                maxSessions: env.LIVE_MAX_SESSIONS,
                settings: {
                  leaseMs: env.LIVE_SESSION_LEASE_MS,
                  stallMs: env.LIVE_STALL_MS,
                  blockMs: env.LIVE_BLOCK_MS,
                },
                health,
                trimIntervalMs: env.STREAM_TRIM_ACKED ? env.STREAM_MAINTENANCE_INTERVAL_MS : 0,
                logger: createLogger('live').child({ provider }),
              })) ??
            null,
        },
        // The Redis key scheme: one per app, from settings.
        { provide: KeyScheme, inject: [WORKER_ENVIRONMENT], useFactory: (env: E) => keySchemeFrom(env) },
        {
          provide: WORKER_REDIS,
          inject: [WORKER_ENVIRONMENT],
          useFactory: (env: E) =>
            createRedisConnection(env.REDIS_URL, {
              name: `${consumerName(provider, env)}:results`,
              logger: createLogger('redis'),
              // Chunks finishing together share one write (their index reads, health records and
              // result writes); nothing on this connection blocks.
              autoPipelining: true,
              tls: redisTlsFrom(env),
              topology: redisTopologyFrom(env),
            }),
        },
        {
          provide: REDIS_STREAMS_SERVER,
          inject: [WORKER_ENVIRONMENT],
          useFactory: (env: E) =>
            new ServerRedisStreams({
              url: env.REDIS_URL,
              tls: redisTlsFrom(env),
              topology: redisTopologyFrom(env),
              groupFor: () => providerGroup(provider),
              consumer: consumerName(provider, env),
              concurrency: env.WORKER_CONCURRENCY,
              blockMs: env.WORKER_BLOCK_MS,
              presenceKeyFor: () => providerHeartbeatKey(provider),
              presenceIntervalMs: env.HEARTBEAT_INTERVAL_MS,
              drainTimeoutMs: env.DRAIN_TIMEOUT_MS,
              reclaim: { minIdleMs: env.RECLAIM_MIN_IDLE_MS, intervalMs: env.RECLAIM_INTERVAL_MS },
              maintenance:
                env.STREAM_MAINTENANCE_INTERVAL_MS > 0
                  ? {
                      intervalMs: env.STREAM_MAINTENANCE_INTERVAL_MS,
                      trim: env.STREAM_TRIM_ACKED,
                      reapIdleMs: env.CONSUMER_REAP_IDLE_MS,
                    }
                  : undefined,
              logger: createLogger('transport').child({ provider }),
            }),
        },
        {
          provide: READINESS_CHECKS,
          inject: [WORKER_REDIS, WORKER_ENVIRONMENT, TRANSCRIPTION_PROVIDER],
          useFactory: (redis: Redis, env: E, transcriber: TranscriptionProvider): ReadinessCheck[] => [
            redisReadinessCheck(redis),
            providerCredentialsCheck(transcriber),
            ...(options.readinessChecks?.(env, transcriber) ?? []),
          ],
        },
        {
          // This fleet's own lag on its /metrics, visible even with no router running.
          provide: StreamLagCollector,
          inject: [WORKER_REDIS, WORKER_ENVIRONMENT, KeyScheme],
          useFactory: (redis: Redis, env: E, keys: KeyScheme) =>
            new StreamLagCollector(redis, {
              groups: providerFleets([provider], keys),
              plainStreams: keys.allPartitions().map((k) => keys.deadLetterStream(k)),
              livenessMs: env.CONSUMER_LIVENESS_MS,
              timeoutMs: LAG_COLLECT_TIMEOUT_MS,
              logger: createLogger('stream-lag').child({ provider }),
            }),
        },
        {
          provide: SessionCancellation,
          inject: [WORKER_REDIS, KeyScheme],
          useFactory: (redis: Redis, keys: KeyScheme) => new SessionCancellation(redis, keys),
        },
        {
          provide: ResultStore,
          inject: [WORKER_REDIS, WORKER_ENVIRONMENT, KeyScheme],
          useFactory: (redis: Redis, env: E, keys: KeyScheme) =>
            new ResultStore(redis, sessionsOptionsFrom(env), keys),
        },
        {
          provide: ProviderHealthRecorder,
          inject: [WORKER_REDIS, WORKER_ENVIRONMENT, TRANSCRIPTION_PROVIDER],
          useFactory: (redis: Redis, env: E, transcriber: TranscriptionProvider) => {
            const recorder = new ProviderHealthRecorder(redis, provider, healthSettingsFrom(env));
            // Routers size this fleet's queue by its slots and filter on its capabilities; a miss
            // only leaves them on their defaults.
            recorder
              .announce({ slotsPerConsumer: env.WORKER_CONCURRENCY, capabilities: transcriber.capabilities })
              .catch(() => undefined);
            return recorder;
          },
        },
        ChunkProcessor,
        ChunkSettler,
        CostAccountant,
        WorkerLifecycle,
      ],
      exports: [REDIS_STREAMS_SERVER, WORKER_ENVIRONMENT, KeyScheme, LIVE_SESSION_RUNNER],
    };
  }
}

/** Unique per process across hosts, as consumer groups require. */
export function consumerName(provider: ProviderName, env: WorkerEnvironment): string {
  return env.CONSUMER_NAME || `${provider}-${hostname()}-${process.pid}`;
}
