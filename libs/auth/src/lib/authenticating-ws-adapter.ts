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
 * What a gateway's `checkUpgrade` option says of an authenticated upgrade request, before it
 * completes: refuse it with a plain HTTP answer (the Deepgram route's 400 for bad query
 * parameters), or accept it, optionally with headers on the 101 answer (`dg-request-id`).
 */
export type UpgradeCheck =
  | { ok: true; headers?: Record<string, string> }
  | { ok: false; status: number; body: string; headers?: Record<string, string> };

/** Gateway option `checkUpgrade`: runs after authentication succeeded, on the upgrade request. */
export type UpgradeChecker = (request: IncomingMessage & AuthenticatedRequest) => UpgradeCheck;

const UPGRADE_HEADERS = Symbol('upgradeHeaders');

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
    const { requiredScopes, checkUpgrade, ...rest } = options as {
      requiredScopes?: Scope[];
      checkUpgrade?: UpgradeChecker;
    };
    const scopes = requiredScopes ?? ['admin'];
    const server = super.create(port, {
      ...rest,
      handleProtocols: selectProtocol,
      verifyClient: (info: { req: IncomingMessage & AuthenticatedRequest }, done: VerifyDone) => {
        this.authenticator.authenticate(info.req, { scopes, allowQueryToken: true, websocket: true }).then(
          (outcome) => {
            if (outcome.ok) {
              info.req.auth = outcome.auth;
              const check = checkUpgrade ? checkUpgrade(info.req) : { ok: true as const };
              if (!check.ok) return done(false, check.status, check.body, check.headers);
              if (check.headers) (info.req as UpgradeRequest)[UPGRADE_HEADERS] = check.headers;
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
    // Headers a checkUpgrade asked for, on the 101 answer.
    if (checkUpgrade && server && typeof server.on === 'function')
      server.on('headers', (headers: string[], request: UpgradeRequest) => {
        for (const [name, value] of Object.entries(request[UPGRADE_HEADERS] ?? {}))
          headers.push(`${name}: ${value}`);
      });
    return server;
  }
}

type UpgradeRequest = IncomingMessage & { [UPGRADE_HEADERS]?: Record<string, string> };

/** `token` when offered (the Deepgram form), else the first protocol offered, as `ws` does by default. */
export function selectProtocol(protocols: Set<string>): string | false {
  if (protocols.has('token')) return 'token';
  const [first] = protocols;
  return first ?? false;
}
