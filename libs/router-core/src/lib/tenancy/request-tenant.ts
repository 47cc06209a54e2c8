import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { RequestAuth, tenantOfRequest } from '@streamscribe/contracts';

/** A request (HTTP, or a WebSocket's upgrade request) as the authentication guard leaves it. */
export interface AuthenticatedRequest {
  auth?: RequestAuth;
}

export { tenantOfRequest };

/**
 * The tenant whose data a route that admins may widen shows: a key without `admin` scope sees its
 * own tenant's, whatever it asks; an admin key sees `requested`, or every tenant's (undefined).
 * Without `request.auth` the route's own guard (the operator token) decides who comes in, and
 * what that caller sees is what an admin sees.
 */
export function viewedTenant(request: AuthenticatedRequest, requested?: string): string | undefined {
  const { auth } = request;
  if (!auth || auth.scopes.includes('admin')) return requested;
  return auth.tenant;
}

/** `@RequestTenant() tenant: string` — the tenant of the request's key (see tenantOfRequest). */
export const RequestTenant = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  tenantOfRequest(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);

/** `@RequestAuthOf() request` — the request's authentication, for `viewedTenant`. */
export const RequestAuthOf = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedRequest => ({
    auth: context.switchToHttp().getRequest<AuthenticatedRequest>().auth,
  }),
);
