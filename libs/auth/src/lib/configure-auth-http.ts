import type { INestApplication } from '@nestjs/common';
import express from 'express';
import { AuthenticatingWsAdapter } from './authenticating-ws-adapter';
import { Authenticator } from './authenticator';

/**
 * The HTTP side of authentication: JSON bodies for the key and token endpoints, and the WebSocket
 * adapter that authenticates upgrades (it replaces a plain WsAdapter set before it).
 */
export function configureAuthHttp(app: INestApplication): void {
  app.use('/v1/admin/keys', express.json({ limit: '16kb' }));
  app.use('/v1/auth/tokens', express.json({ limit: '16kb' }));
  app.useWebSocketAdapter(new AuthenticatingWsAdapter(app, app.get(Authenticator)));
}
