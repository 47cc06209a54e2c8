import type { INestApplication } from '@nestjs/common';
import express from 'express';
import { AuthenticatingWsAdapter } from './authenticating-ws-adapter';
import { authenticateBeforeBody } from './authenticate-before-body.middleware';
import { Authenticator } from './authenticator';

/**
 * The HTTP side of authentication: audio uploads authenticated before their bodies are read, JSON
 * bodies for the key and token endpoints, and the WebSocket adapter that authenticates upgrades.
 * Call it before anything that reads bodies (configureRouterHttp): Express runs middleware in the
 * order it was added.
 */
export function configureAuthHttp(app: INestApplication): void {
  const authenticator = app.get(Authenticator);
  app.use(
    ['/v1/sessions', '/v1/transcriptions', '/v1/listen', '/v1/audio/transcriptions'],
    authenticateBeforeBody(authenticator),
  );
  app.use('/v1/admin/keys', express.json({ limit: '16kb' }));
  app.use('/v1/auth/tokens', express.json({ limit: '16kb' }));
  app.useWebSocketAdapter(new AuthenticatingWsAdapter(app, authenticator));
}
