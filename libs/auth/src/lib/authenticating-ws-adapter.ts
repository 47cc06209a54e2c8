import type { INestApplicationContext } from '@nestjs/common';
import { WsAdapter } from '@nestjs/platform-ws';
import type { IncomingMessage } from 'node:http';
import type { Scope } from '@streamscribe/contracts';
import type { AuthenticatedRequest } from './authenticated-request';
import { Authenticator } from './authenticator';
import { AUTH_UNAVAILABLE } from './auth-unavailable';

type VerifyDone = (
  verified: boolean,
  code?: number,
  message?: string,
  headers?: Record<string, string>,
) => void;

/** Options of a WebSocket gateway that needs a key: `@WebSocketGateway(authenticatedGateway(...))`. */
export function authenticatedGateway(path: string, ...requiredScopes: Scope[]): Record<string, unknown> {
  return { path, requiredScopes };
}

/**
 * Nest's `ws` adapter, authenticating every upgrade the way the HTTP guard does (one
 * Authenticator): 401, 403 or 429 are plain HTTP answers before the upgrade completes, and the
 * accepted upgrade request carries `auth` into the gateway's handleConnection.
 *
 * With the Deepgram SDK's browser form, `Sec-WebSocket-Protocol: token, <key>`, the answer selects
 * `token` (a browser drops a connection whose server selects no offered protocol, and the key
 * must never be echoed back).
 */
export class AuthenticatingWsAdapter extends WsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly authenticator: Authenticator,
  ) {
    super(app);
  }

  override create(port: number, options: Record<string, unknown> = {}) {
    const { requiredScopes, ...rest } = options as { requiredScopes?: Scope[] };
    const scopes = requiredScopes ?? ['admin'];
    return super.create(port, {
      ...rest,
      handleProtocols: selectProtocol,
      verifyClient: (info: { req: IncomingMessage & AuthenticatedRequest }, done: VerifyDone) => {
        this.authenticator.authenticate(info.req, { scopes, allowQueryToken: true, websocket: true }).then(
          (outcome) => {
            if (outcome.ok) {
              info.req.auth = outcome.auth;
              return done(true);
            }
            const headers: Record<string, string> = {};
            if (outcome.retryAfterSeconds !== undefined)
              headers['Retry-After'] = String(outcome.retryAfterSeconds);
            if (outcome.status === 401) headers['WWW-Authenticate'] = 'Bearer';
            done(false, outcome.status, outcome.message, headers);
          },
          () => done(false, 503, AUTH_UNAVAILABLE),
        );
      },
    });
  }
}

/** `token` when offered (the Deepgram form), else the first protocol offered, as `ws` does by default. */
export function selectProtocol(protocols: Set<string>): string | false {
  if (protocols.has('token')) return 'token';
  const [first] = protocols;
  return first ?? false;
}
