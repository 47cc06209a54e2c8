import { DEFAULT_TENANT, RequestAuth } from '@streamscribe/contracts';

/** The tenant a request acts for: what the authentication guard set, else the default tenant. */
export function tenantOf(request: object): string {
  return (request as { auth?: RequestAuth }).auth?.tenant ?? DEFAULT_TENANT;
}
