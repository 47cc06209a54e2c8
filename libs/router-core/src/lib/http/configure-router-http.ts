import { BadRequestException, INestApplication, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Server } from 'node:http';
import { compressedFormatOf } from '@streamscribe/audio';
import { errorCodeForStatus } from '@streamscribe/contracts';
import { CountingExceptionFilter, countRejection } from '../counting-exception.filter';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT } from '../tokens';
import { isChunkBatch, notChunkBatch } from '../batch/chunk-batch-route';
import { rawAudioBody } from './raw-audio-body.middleware';
import { uploadHeaders } from './upload-headers.middleware';

/**
 * The router's HTTP behaviour: audio bodies read raw up to their limits, every refusal counted,
 * and query validation answering one 400 message that names every problem.
 */
export function configureRouterHttp(app: INestApplication): void {
  // No `X-Powered-By: Express`: it tells a scanner what to try.
  (app as NestExpressApplication).disable('x-powered-by');
  const env = app.get<RouterEnvironment>(ROUTER_ENVIRONMENT);
  // The batched ingest's body has its own limit; read here, the chunk reader below then skips it.
  app.use('/v1/sessions', onlyFor(isChunkBatch, uploadHeaders(env.MAX_BATCH_BYTES, 'MAX_BATCH_BYTES')));
  app.use('/v1/sessions', onlyFor(isChunkBatch, rawAudioBody(env.MAX_BATCH_BYTES, 'MAX_BATCH_BYTES')));
  app.use('/v1/sessions', onlyFor(notChunkBatch, uploadHeaders(env.MAX_CHUNK_BYTES, 'MAX_CHUNK_BYTES')));
  app.use('/v1/sessions', rawAudioBody(env.MAX_CHUNK_BYTES, 'MAX_CHUNK_BYTES'));
  // Files are streamed (StreamingUploads); only compressed ones, decoded whole, are read here.
  app.use('/v1/transcriptions', uploadHeaders(env.MAX_FILE_BYTES, 'MAX_FILE_BYTES'));
  app.use('/v1/transcriptions', onlyFor(isCompressed, rawAudioBody(env.MAX_FILE_BYTES, 'MAX_FILE_BYTES')));
  // Deepgram's prerecorded POST /v1/listen: the same whole-file path (WebSocket upgrades skip these).
  app.use('/v1/listen', uploadHeaders(env.MAX_FILE_BYTES, 'MAX_FILE_BYTES'));
  app.use('/v1/listen', onlyFor(isCompressed, rawAudioBody(env.MAX_FILE_BYTES, 'MAX_FILE_BYTES')));
  // OpenAI's multipart POST /v1/audio/transcriptions: read by its controller (busboy, same cap).
  app.use(
    '/v1/audio/transcriptions',
    uploadHeaders(env.MAX_FILE_BYTES + 64 * 1024, 'MAX_FILE_BYTES + 64 KiB of form'),
  );
  setServerTimeouts(app.getHttpServer() as Server, env);
  (app.getHttpAdapter().getInstance() as Express).disable('x-powered-by');
  // Operator endpoints take small JSON bodies.
  app.use('/v1/dead-letters', jsonBody('256kb'));
  app.use('/v1/admin/tenants', jsonBody('16kb'));
  app.use('/v1/webhooks', jsonBody('16kb'));
  // Live results over WebSocket share the HTTP server's port (see LiveResultsGateway); the app sets
  // the adapter that authenticates upgrades (configureAuthHttp in libs/auth).
  app.useGlobalFilters(new CountingExceptionFilter(app.get(HttpAdapterHost).httpAdapter));
  app.useGlobalPipes(
    new ValidationPipe({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      exceptionFactory: (errors) =>
        new BadRequestException(errors.flatMap((e) => Object.values(e.constraints ?? {})).join('; ')),
    }),
  );
}

/**
 * express.json, answering a body it cannot parse with the router's error body instead of
 * Express's default HTML page (which carries a stack trace outside production).
 */
function jsonBody(limit: string) {
  const parse = express.json({ limit });
  return (request: Request, response: Response, next: NextFunction) =>
    parse(request, response, (error?: { status?: number; type?: string }) => {
      if (!error) return next();
      const status = error.status ?? 400;
      countRejection(status);
      const message =
        error.type === 'entity.too.large'
          ? `JSON body is larger than ${limit}`
          : 'the body is not valid JSON';
      response.status(status).json({ statusCode: status, code: errorCodeForStatus(status), message });
    });
}

/**
 * Node's defaults are set here explicitly, from the environment: a client gets
 * HTTP_HEADERS_TIMEOUT_MS to send its headers and HTTP_REQUEST_TIMEOUT_MS for the whole request
 * (a stalled upload is cut off, and its session cancelled), and an idle keep-alive connection
 * closes after HTTP_KEEP_ALIVE_TIMEOUT_MS.
 */
function setServerTimeouts(server: Server, env: RouterEnvironment): void {
  server.requestTimeout = env.HTTP_REQUEST_TIMEOUT_MS;
  // Node requires headersTimeout <= requestTimeout.
  server.headersTimeout = Math.min(env.HTTP_HEADERS_TIMEOUT_MS, env.HTTP_REQUEST_TIMEOUT_MS);
  server.keepAliveTimeout = env.HTTP_KEEP_ALIVE_TIMEOUT_MS;
}

function isCompressed(request: Request): boolean {
  return compressedFormatOf(request.headers['content-type']) !== undefined;
}

function onlyFor(applies: (request: Request) => boolean, handler: RequestHandler): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) =>
    applies(request) ? handler(request, response, next) : next();
}
