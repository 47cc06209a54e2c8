import { BadRequestException, INestApplication, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import express from 'express';
import { WsAdapter } from '@nestjs/platform-ws';
import { CountingExceptionFilter } from '../counting-exception.filter';
import { RouterEnvironment } from '../router-environment';
import { ROUTER_ENVIRONMENT } from '../tokens';
import { rawAudioBody } from './raw-audio-body.middleware';

/**
 * The router's HTTP behaviour: audio bodies read raw up to their limits, every refusal counted,
 * and query validation answering one 400 message that names every problem.
 */
export function configureRouterHttp(app: INestApplication): void {
  const env = app.get<RouterEnvironment>(ROUTER_ENVIRONMENT);
  app.use('/v1/sessions', rawAudioBody(env.MAX_CHUNK_BYTES, 'MAX_CHUNK_BYTES'));
  app.use('/v1/transcriptions', rawAudioBody(env.MAX_FILE_BYTES, 'MAX_FILE_BYTES'));
  // Operator endpoints take small JSON bodies.
  app.use('/v1/dead-letters', express.json({ limit: '256kb' }));
  app.use('/v1/admin/tenants', express.json({ limit: '16kb' }));
  // Live results over WebSocket share the HTTP server's port (see LiveResultsGateway).
  app.useWebSocketAdapter(new WsAdapter(app));
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
