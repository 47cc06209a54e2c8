import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Observable, catchError, throwError } from 'rxjs';
import { RequestAuth, tenantOfRequest } from '@streamscribe/contracts';
import { QuotaRefusal } from '../quota-refusal';
import { whileQuotaStoreAnswers } from '../quota-store';
import { rateLimitHeaders } from './rate-limit-headers';
import { RateLimiter } from './rate-limiter';

/**
 * Every /v1 HTTP request takes a token from its tenant's bucket, or gets 429 with Retry-After.
 *
 * An interceptor, not a guard, on purpose: Nest runs middleware, then every guard, then
 * interceptors. So authentication (a guard or middleware) has already run: the token comes out
 * of the bucket of the tenant the key belongs to, and requests refused 401/403 spend none (the
 * authentication lane throttles failed attempts per address). Validation pipes run after this:
 * a 400 spends a token. WebSocket upgrades are not HTTP handlers; the live-connection limit covers them.
 *
 * It also puts `Retry-After` on any other quota refusal the handler throws (audio seconds).
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(private readonly limiter: RateLimiter) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { auth?: RequestAuth }>();
    if (!(request.originalUrl ?? request.url).startsWith('/v1/')) return next.handle();
    const response = context.switchToHttp().getResponse<Response>();
    const tenant = tenantOfRequest(request);
    const decision = await whileQuotaStoreAnswers(() => this.limiter.take(tenant));
    if (decision) response.set(rateLimitHeaders(decision));
    if (decision && !decision.allowed)
      throw new QuotaRefusal(
        'rate',
        tenant,
        `tenant '${tenant}' is over its request rate (${decision.ratePerSecond}/s, burst ${decision.limit}): retry after ${decision.retryAfterSeconds} s`,
        decision.retryAfterSeconds,
      );
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (error instanceof QuotaRefusal && error.retryAfterSeconds && !response.headersSent)
          response.set('Retry-After', String(error.retryAfterSeconds));
        return throwError(() => error);
      }),
    );
  }
}
