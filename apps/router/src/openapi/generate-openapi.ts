import { NestFactory } from '@nestjs/core';
import { buildOpenApiDocument, openApiJson } from './openapi-document';

/**
 * openapi.json's text, from the router's module in Nest's preview mode: controllers and modules
 * are scanned, no provider is instantiated, so nothing connects to Redis and no server starts.
 * Works on a fresh machine with no settings.
 */
export async function generateOpenApiJson(): Promise<string> {
  const { RouterModule } = await import('../router.module');
  const app = await NestFactory.create(RouterModule, { preview: true, logger: false, abortOnError: false });
  try {
    return openApiJson(buildOpenApiDocument(app));
  } finally {
    await app.close();
  }
}
