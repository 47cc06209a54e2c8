import { errorCodeForStatus } from '@streamscribe/contracts';
import type { NextFunction, Request, Response } from 'express';
import type { AuthenticatedRequest } from './authenticated-request';
import { Authenticator } from './authenticator';
import { AUTH_UNAVAILABLE } from './auth-unavailable';

/**
 * Audio uploads are authenticated before their body is read: the body parsers run as Express
 * middleware, ahead of Nest's guards, and an anonymous client must not make the router take in up
 * to MAX_FILE_BYTES first. Only POSTs (the audio routes); the request's `auth` is then set, and the
 * guard checks the route's scopes against it without authenticating again.
 */
export function authenticateBeforeBody(authenticator: Authenticator) {
  return (request: Request & AuthenticatedRequest, response: Response, next: NextFunction): void => {
    if (request.method !== 'POST') return next();
    authenticator.authenticate(request, { scopes: [], allowQueryToken: false, websocket: false }).then(
      (outcome) => {
        if (outcome.ok) {
          request.auth = outcome.auth;
          return next();
        }
        if (outcome.retryAfterSeconds !== undefined)
          response.setHeader('Retry-After', String(outcome.retryAfterSeconds));
        if (outcome.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
        // The body was not read: close the connection rather than drain what may be a large upload.
        response.setHeader('Connection', 'close');
        const code = errorCodeForStatus(outcome.status);
        response.status(outcome.status).json(
          openAiShaped(request)
            ? {
                error: {
                  message: outcome.message,
                  type: openAiErrorType(outcome.status),
                  param: null,
                  code,
                },
              }
            : { statusCode: outcome.status, code, message: outcome.message },
        );
      },
      () => {
        response.setHeader('Connection', 'close');
        response.status(503).json({ statusCode: 503, code: 'redis_unavailable', message: AUTH_UNAVAILABLE });
      },
    );
  };
}

/** OpenAI-compatible routes answer in OpenAI's error shape, which its SDK reads. */
function openAiShaped(request: Request): boolean {
  return (request.originalUrl ?? request.url).startsWith('/v1/audio/');
}

function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}
