import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { RequestAuth } from '@streamscribe/contracts';

/** A request (HTTP or WebSocket upgrade) after the guard: who made it. */
export interface AuthenticatedRequest {
  auth?: RequestAuth;
}

/** `@Auth() auth: RequestAuth` in a handler of a guarded route. */
export const Auth = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestAuth | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().auth,
);
