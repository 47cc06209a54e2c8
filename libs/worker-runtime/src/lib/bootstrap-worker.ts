import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestJsonLogger, createLogger, exitCleanlyOnSignals } from '@streamscribe/observability';
import { ServerRedisStreams } from '@streamscribe/streams';
import { REDIS_STREAMS_SERVER } from './transcription-worker.module';
import { WORKER_ENVIRONMENT } from './tokens';
import { WorkerEnvironment } from './worker-environment';

/**
 * Starts a worker: the stream consumer plus a small HTTP server for /metrics and /health.
 * SIGTERM or SIGINT drains (stop reading, finish in-flight chunks, leave the group) and exits 0.
 */
export async function bootstrapWorker(module: DynamicModule): Promise<INestApplication> {
  const app = await NestFactory.create(module, { logger: new NestJsonLogger(), abortOnError: false });
  const env = app.get<WorkerEnvironment>(WORKER_ENVIRONMENT);
  app.connectMicroservice({ strategy: app.get<ServerRedisStreams>(REDIS_STREAMS_SERVER) });
  // Health first: while the consumer waits for Redis, /health/live answers and /health/ready says why not.
  await app.listen(env.PORT, '0.0.0.0');
  exitCleanlyOnSignals(app);
  await app.startAllMicroservices();
  createLogger('bootstrap').info({ port: app.getHttpServer().address()?.port }, 'worker ready');
  return app;
}
