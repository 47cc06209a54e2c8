import { Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC exception filter replaces unknown errors with a generic "Internal server
 * error". Stream handlers need the original error (its class says retry, fail over or
 * dead-letter), so this filter hands it to the transport untouched.
 */
@Catch()
export class StreamHandlerErrorFilter implements RpcExceptionFilter<unknown> {
  catch(error: unknown): Observable<never> {
    return throwError(() => error);
  }
}
