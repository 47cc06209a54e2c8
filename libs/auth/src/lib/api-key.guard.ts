import {
  CanActivate,
  ExecutionContext,
  HttpException,
  Injectable,
  ServiceUnavailableException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants';
import type { Request, Response } from 'express';
import type { Scope } from '@streamscribe/contracts';
import { AuthOutcome, Authenticator } from './authenticator';
import { AUTH_UNAVAILABLE } from './auth-unavailable';
import { ALLOW_QUERY_TOKEN, REQUIRED_SCOPES } from './require-scopes.decorator';
import type { AuthenticatedRequest } from './authenticated-request';

/** Routes needing no key: health and metrics (controllers whose path is not under `v1`). */
function isOpen(controller: object): boolean {
  const path = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '').replace(/^\/+/, '');
  return !(path === 'v1' || path.startsWith('v1/'));
}

/**
 * The global guard: every route of a `v1` controller needs a key with the scopes its
 * @RequireScopes names (`admin` when it names none), and gets `request.auth`.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || isOpen(context.getClass())) return true;
    const targets = [context.getHandler(), context.getClass()];
    const scopes = this.reflector.getAllAndOverride<Scope[] | undefined>(REQUIRED_SCOPES, targets) ?? [
      'admin',
    ];
    const allowQueryToken = this.reflector.getAllAndOverride<boolean | undefined>(ALLOW_QUERY_TOKEN, targets);
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    if (request.auth) return this.checkScopes(request.auth.scopes, scopes);
    const outcome = await this.authenticator
      .authenticate(request, { scopes, allowQueryToken: allowQueryToken === true, websocket: false })
      .catch((error: unknown) => {
        throw error instanceof HttpException
          ? error
          : new ServiceUnavailableException({
              statusCode: 503,
              code: 'redis_unavailable',
              message: AUTH_UNAVAILABLE,
            });
      });
    if (!outcome.ok) throw refusal(outcome, context.switchToHttp().getResponse<Response>());
    request.auth = outcome.auth;
    return true;
  }

  /** Authenticated before its body was read (authenticateBeforeBody): only the scopes are left. */
  private checkScopes(held: readonly Scope[], needed: readonly Scope[]): boolean {
    const missing = needed.find((scope) => !held.includes(scope));
    if (missing) throw new HttpException(`this key lacks scope '${missing}'`, 403);
    return true;
  }
}

function refusal(outcome: Exclude<AuthOutcome, { ok: true }>, response: Response): HttpException {
  if (outcome.retryAfterSeconds !== undefined)
    response.setHeader('Retry-After', String(outcome.retryAfterSeconds));
  if (outcome.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
  return new HttpException(outcome.message, outcome.status);
}
