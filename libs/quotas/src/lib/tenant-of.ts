import { DEFAULT_TENANT, RequestAuth } from '@streamscribe/contracts';

/**
 * The tenant a request counts against: the one its key belongs to, as the authentication guard
 * set it on the request (`request.auth`), or the default tenant where no guard ran.
 */
export function tenantOf(request: object): string {
  return (request as { auth?: RequestAuth }).auth?.tenant ?? DEFAULT_TENANT;
}
