import {
  DynamicModule,
  Inject,
  Injectable,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import type Redis from 'ioredis';
import { settingsFromConfig, validateEnvironment } from '@streamscribe/config';
import { READINESS_CHECKS, ReadinessCheck, createLogger } from '@streamscribe/observability';
import { ChunkIngestor, ResultWatcher, sessionsOptionsFrom } from '@streamscribe/sessions';
import { KeyScheme, PROVIDERS, chunkWireFrom, keySchemeFrom } from '@streamscribe/contracts';
import { StreamLagCollector, providerFleets } from '@streamscribe/fleet';
import {
  ReplicaDurability,
  closeRedis,
  createRedisConnection,
  redisReadinessCheck,
  redisTlsFrom,
  redisTopologyFrom,
  waitUntilReady,
  warnIfRedisMayEvict,
} from '@streamscribe/redis';
import { healthSettingsFrom } from '@streamscribe/provider-health';
import { QUOTA_SERVICES, TenantSettingsService, quotaProviders } from '@streamscribe/quotas';
import { AdmissionControl } from './admission/admission-control';
import { AudioIntake } from './audio-intake/audio-intake.service';
import { ChunkBatchReader } from './batch/chunk-batch-reader';
import { StreamingUploads } from './audio-intake/streaming-upload';
import { LazySileroPauseFinder, PAUSE_FINDER } from './audio-intake/pause-finder';
import { UploadSlots } from './audio-intake/upload-slots';
import { BreakerGaugeRefresher } from './breaker-gauge.refresher';
import { ConsensusCoordinator } from './consensus/consensus.coordinator';
import { ConsensusSweeper } from './consensus/consensus.sweeper';
import { DeadLetterService } from './dead-letters/dead-letter.service';
import { HedgeScheduler } from './hedging/hedge.scheduler';
import { SessionEventFeed } from './live/session-event.feed';
import { ProviderChooser } from './provider-chooser';
import { ProviderStateMonitor } from './provider-state.monitor';
import { ProviderStatusService } from './provider-status.service';
import { RouterEnvironment } from './router-environment';
import { RetentionSweeper } from './retention/retention.sweeper';
import { ROUTER_ENVIRONMENT, ROUTER_REDIS, SESSION_RETENTION } from './tokens';
import { TranscriptionRouterService } from './transcription-router.service';

@Injectable()
class RouterConnections implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ROUTER_REDIS) private readonly redis: Redis,
    private readonly watcher: ResultWatcher,
  ) {}

  /** Gives Redis a moment before taking traffic; a router without Redis still starts (and answers 503). */
  async onApplicationBootstrap(): Promise<void> {
    const log = createLogger('redis');
    const ready = await waitUntilReady(this.redis, 5000).then(
      () => true,
      (error: Error) =>
        log.warn({ err: error.message }, 'starting without Redis; requests get 503 until it answers'),
    );
    if (ready) await warnIfRedisMayEvict(this.redis, log);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.watcher.close();
    await closeRedis(this.redis);
  }
}

/** Settings, Redis connections and the routing service; the router app adds its controllers. */
@Module({})
export class RouterCoreModule {
  static forRoot(): DynamicModule {
    return {
      module: RouterCoreModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          validate: (env) => validateEnvironment(RouterEnvironment, env),
        }),
      ],
      providers: [
        {
          provide: ROUTER_ENVIRONMENT,
          inject: [ConfigService],
          useFactory: (config: ConfigService) => settingsFromConfig(RouterEnvironment, config),
        },
        {
          provide: ROUTER_REDIS,
          inject: [ROUTER_ENVIRONMENT],
          useFactory: (env: RouterEnvironment) =>
            createRedisConnection(env.REDIS_URL, {
              name: 'router',
              logger: createLogger('redis'),
              failFastWhenDisconnected: true,
              // Requests in flight together share one write to Redis (and Redis one reply write):
              // per chunk, the router's commands are its largest cost without it.
              autoPipelining: true,
              commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
              tls: redisTlsFrom(env),
              topology: redisTopologyFrom(env),
            }),
        },
        // The Redis key scheme: one per app, from settings.
        {
          provide: KeyScheme,
          inject: [ROUTER_ENVIRONMENT],
          useFactory: (env: RouterEnvironment) => keySchemeFrom(env),
        },
        // Per-tenant retention: the tenant's setting (PUT /v1/admin/tenants), else SESSION_RETENTION_SECONDS.
        { provide: SESSION_RETENTION, useExisting: TenantSettingsService },
        {
          provide: ResultWatcher,
          inject: [ROUTER_ENVIRONMENT, KeyScheme],
          useFactory: (env: RouterEnvironment, keys: KeyScheme) =>
            new ResultWatcher(
              createRedisConnection(env.REDIS_URL, {
                name: 'router:results-watcher',
                logger: createLogger('redis'),
                tls: redisTlsFrom(env),
                topology: redisTopologyFrom(env),
              }),
              createLogger('result-watcher'),
              keys,
            ),
        },
        // One ingestor for the chunk routes and consensus: one durability mode, whose replica
        // readings (INFO replication of every primary, in the background) are taken once.
        {
          provide: ChunkIngestor,
          inject: [ROUTER_REDIS, ROUTER_ENVIRONMENT, KeyScheme],
          useFactory: (redis: Redis, env: RouterEnvironment, keys: KeyScheme) =>
            new ChunkIngestor(redis, sessionsOptionsFrom(env), keys, ReplicaDurability.from(env, redis)),
        },
        {
          provide: ProviderStateMonitor,
          inject: [ROUTER_REDIS, ROUTER_ENVIRONMENT, KeyScheme],
          useFactory: (redis: Redis, env: RouterEnvironment, keys: KeyScheme) =>
            new ProviderStateMonitor(
              redis,
              env.CONSUMER_LIVENESS_MS,
              env.LOAD_CACHE_MS,
              healthSettingsFrom(env),
              chunkWireFrom(env).classicFleets,
              keys,
            ),
        },
        {
          provide: READINESS_CHECKS,
          inject: [ROUTER_REDIS],
          useFactory: (redis: Redis): ReadinessCheck[] => [redisReadinessCheck(redis)],
        },
        {
          // Every fleet's lag, pending and live consumers on the router's /metrics.
          provide: StreamLagCollector,
          inject: [ROUTER_REDIS, ROUTER_ENVIRONMENT, KeyScheme],
          useFactory: (redis: Redis, env: RouterEnvironment, keys: KeyScheme) =>
            new StreamLagCollector(redis, {
              groups: providerFleets(PROVIDERS, keys),
              plainStreams: keys
                .allPartitions()
                .flatMap((k) => [keys.failuresStream(k), keys.deadLetterStream(k)]),
              livenessMs: env.CONSUMER_LIVENESS_MS,
              timeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
              logger: createLogger('stream-lag'),
            }),
        },
        // Admission control's background readings; ProviderChooser consults them per request.
        AdmissionControl,
        ProviderChooser,
        ProviderStatusService,
        SessionEventFeed,
        ConsensusCoordinator,
        ConsensusSweeper,
        RetentionSweeper,
        HedgeScheduler,
        BreakerGaugeRefresher,
        TranscriptionRouterService,
        DeadLetterService,
        RouterConnections,
        AudioIntake,
        ChunkBatchReader,
        StreamingUploads,
        // Cuts at pauses (CHUNK_CUTS=pauses): Silero VAD, loaded on the first file cut that way.
        { provide: PAUSE_FINDER, useFactory: () => new LazySileroPauseFinder() },
        UploadSlots,
        // Tenant settings and quotas on the router's Redis; the request rate on every /v1 route.
        ...quotaProviders({ redis: ROUTER_REDIS, keyScheme: KeyScheme }),
      ],
      exports: [
        AdmissionControl,
        ProviderChooser,
        AudioIntake,
        ChunkBatchReader,
        StreamingUploads,
        UploadSlots,
        TranscriptionRouterService,
        ProviderStatusService,
        SessionEventFeed,
        DeadLetterService,
        ROUTER_ENVIRONMENT,
        ROUTER_REDIS,
        KeyScheme,
        RetentionSweeper,
        ...QUOTA_SERVICES,
      ],
    };
  }
}
