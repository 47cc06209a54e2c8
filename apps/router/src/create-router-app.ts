import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
  serveConsole(app);
  // Swagger UI at /docs, the document at /docs/openapi.json: public, no key.
  setupOpenApi(app);
  return app;
}

/**
 * Where the console's static files live: beside main.js in a bundle (dist/apps/router/console, a
 * webpack asset), else apps/router/console from source.
 */
export const CONSOLE_DIR = existsSync(join(__dirname, 'console', 'index.html'))
  ? join(__dirname, 'console')
  : join(__dirname, '..', 'console');

/**
 * The web console at /console: static files, served without a key (the page asks for one and
 * sends it with every API call). Same origin only: the CSP lets the page talk to this router alone.
 */
function serveConsole(app: NestExpressApplication): void {
  app.useStaticAssets(CONSOLE_DIR, {
    prefix: '/console',
    index: 'index.html',
    setHeaders: (response) => {
      response.setHeader(
        'Content-Security-Policy',
        "default-src 'self'; media-src 'self' blob:; img-src 'self' data:; frame-ancestors 'none'",
      );
      response.setHeader('X-Content-Type-Options', 'nosniff');
      response.setHeader('Referrer-Policy', 'no-referrer');
      response.setHeader('Cache-Control', 'no-cache');
    },
  });
}
