import { SetMetadata } from '@nestjs/common';
import type { Scope } from '@streamscribe/contracts';

export const REQUIRED_SCOPES = 'streamscribe:required-scopes';
export const ALLOW_QUERY_TOKEN = 'streamscribe:allow-query-token';

/**
 * The scopes a `/v1` route needs (all of them). A `/v1` route without this decorator needs
 * `admin`: a route someone forgot to mark fails closed.
 */
export const RequireScopes = (...scopes: Scope[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** The route also takes `?token=<temporary token>` (for browsers' EventSource). */
export const AllowQueryToken = () => SetMetadata(ALLOW_QUERY_TOKEN, true);
