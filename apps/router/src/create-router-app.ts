import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { configureAuthHttp } from '@streamscribe/auth';
import { NestJsonLogger } from '@streamscribe/observability';
import { configureRouterHttp } from '@streamscribe/router-core';
import { setupOpenApi } from './openapi/openapi-document';
import { RouterModule } from './router.module';

/** The router app, configured but not listening (tests listen on a port of their own). */
export async function createRouterApp(): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(RouterModule, {
    logger: new NestJsonLogger(),
    // Bodies are audio, read raw by configureRouterHttp with per-route limits.
    bodyParser: false,
    abortOnError: false,
  });
  // Authentication first: uploads are refused before their bodies are read.
  configureAuthHttp(app);
  configureRouterHttp(app);
  // Swagger UI at /docs, the document at /docs/openapi.json: public, no key.
  setupOpenApi(app);
  return app;
}
