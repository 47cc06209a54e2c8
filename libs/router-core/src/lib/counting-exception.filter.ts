import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { createLogger } from '@streamscribe/observability';
import { AdmissionRefusal } from './admission/admission-refusal';
import { errorBodyOf } from './http/api-error';
import { routerMetrics } from './router-metrics';
import { retryAfterOf } from './http/retry-after';

const log = createLogger('http-errors');

/**
 * Counts every refused request by status and answers `{ statusCode, code, message }`
 * (errorBodyOf). A 5xx's own text (Redis errors, bugs) goes to the log only.
 */
@Catch()
export class CountingExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    const body = errorBodyOf(exception);
    countRejection(body.statusCode);
    if (host.getType() !== 'http') return super.catch(exception, host);
    if (body.statusCode >= 500) {
      const err = exception instanceof Error ? exception : new Error(String(exception));
      log.error({ err, code: body.code, cause: causeOf(exception) }, 'request failed');
    }
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) {
      response.end();
      return;
    }
    // Refusals that know when a retry can succeed (admission control, a replication shortfall)
    // say so; admission control's also say what is over, by how much.
    const retryAfter = retryAfterOf(exception);
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    response
      .status(body.statusCode)
      .json(exception instanceof AdmissionRefusal ? { ...body, ...exception.bodyFields() } : body);
  }
}

function causeOf(exception: unknown): string | undefined {
  if (!(exception instanceof HttpException)) return undefined;
  const cause = exception.cause;
  return cause instanceof Error ? cause.message : cause === undefined ? undefined : String(cause);
}

export function countRejection(status: number): void {
  routerMetrics.rejected.inc({ status: String(status) });
}
