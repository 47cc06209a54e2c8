import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ManagementServer,
  NestJsonLogger,
  createLogger,
  exitCleanlyOnSignals,
} from '@streamscribe/observability';
import { ServerRedisStreams } from '@streamscribe/streams';
import { REDIS_STREAMS_SERVER } from './transcription-worker.module';
import { WORKER_ENVIRONMENT } from './tokens';
import { WorkerEnvironment } from './worker-environment';

/**
 * Starts a worker: the stream consumer plus its management server (/metrics and /health on
 * MANAGEMENT_HOST:PORT; a worker has no public API). SIGTERM or SIGINT drains (stop reading,
 * finish in-flight chunks, leave the group) and exits 0, and exits within DRAIN_TIMEOUT_MS +
 * SHUTDOWN_MARGIN_MS whatever Redis does.
 */
export async function bootstrapWorker(module: DynamicModule): Promise<INestApplication> {
  const app = await NestFactory.create(module, { logger: new NestJsonLogger(), abortOnError: false });
  const env = app.get<WorkerEnvironment>(WORKER_ENVIRONMENT);
  app.connectMicroservice({ strategy: app.get<ServerRedisStreams>(REDIS_STREAMS_SERVER) });
  await app.init();
  // Health first: while the consumer waits for Redis, /health/live answers and /health/ready says why not.
  const management = await ManagementServer.start(app, { port: env.PORT, host: env.MANAGEMENT_HOST });
  exitCleanlyOnSignals(app, env.DRAIN_TIMEOUT_MS + env.SHUTDOWN_MARGIN_MS);
  await app.startAllMicroservices();
  createLogger('bootstrap').info({ port: management.port, host: env.MANAGEMENT_HOST }, 'worker ready');
  return app;
}
