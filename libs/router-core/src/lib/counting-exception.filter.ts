import { ArgumentsHost, Catch, HttpException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { routerMetrics } from './router-metrics';

/** Counts every refused request by status, then answers as Nest normally does. */
@Catch()
export class CountingExceptionFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    countRejection(exception instanceof HttpException ? exception.getStatus() : 500);
    super.catch(exception, host);
  }
}

export function countRejection(status: number): void {
  routerMetrics.rejected.inc({ status: String(status) });
}
