import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { describeDtos } from './dto-schemas';
import { ERROR_SCHEMA, ERROR_SCHEMA_NAME, GLOBAL_RESPONSES } from './openapi-shapes';

/** Where the router serves Swagger UI; the document is at `${OPENAPI_PATH}/openapi.json`. */
export const OPENAPI_PATH = 'docs';
export const OPENAPI_JSON_PATH = `/${OPENAPI_PATH}/openapi.json`;
/** The API's version (the `/v1` routes), not the package's: the document changes only with the API. */
export const API_VERSION = '1';

const DESCRIPTION = [
  'Multi-provider speech-to-text on Redis Streams: whole files, sessions of chunks, transcripts',
  '(JSON, SRT, WebVTT, text), dead letters, costs, API keys and tenant settings.',
  '',
  'Every `/v1` route needs an API key: `Authorization: Bearer <key>` (or `Token <key>`). Routes',
  'marked for it also take a single-use temporary token as `?token=` (POST /v1/auth/tokens).',
  '',
  'Not described here (WebSocket): `GET /v1/listen` (Deepgram-compatible live audio) and',
  '`GET /v1/live` (live results feed).',
].join('\n');

/**
 * The router's OpenAPI 3 document, built from the controllers' decorators and the DTOs' validation
 * rules. Deterministic: no dates, no hosts, no package version.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  describeDtos();
  const config = new DocumentBuilder()
    .setTitle('streamscribe')
    .setDescription(DESCRIPTION)
    .setVersion(API_VERSION)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (or `Token <key>`)' }, 'apiKey')
    // Every route described needs a key: new routes are covered without a decorator.
    .addSecurityRequirements('apiKey')
    .addGlobalResponse(...GLOBAL_RESPONSES)
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) =>
      `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, [ERROR_SCHEMA_NAME]: ERROR_SCHEMA as SchemaObject },
  };
  return document;
}

/** `value` with every object's keys in sorted order, for a byte-stable file. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== undefined) sorted[key] = sortKeys(inner);
  }
  return sorted;
}

/** The document as committed in openapi.json: sorted keys, two-space indent, final newline. */
export function openApiJson(document: OpenAPIObject): string {
  return `${JSON.stringify(sortKeys(document), null, 2)}\n`;
}

/**
 * Swagger UI at `/docs` and the JSON at `/docs/openapi.json`. Served on the HTTP adapter, outside
 * Nest's controllers: public, no key (the document holds no secret).
 */
export function setupOpenApi(app: INestApplication): void {
  const document = JSON.parse(openApiJson(buildOpenApiDocument(app))) as OpenAPIObject;
  SwaggerModule.setup(OPENAPI_PATH, app, document, {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    yamlDocumentUrl: `/${OPENAPI_PATH}/openapi.yaml`,
    customSiteTitle: 'streamscribe API',
  });
}
