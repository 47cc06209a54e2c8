import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { TENANT_ID_PATTERN } from '@streamscribe/contracts';

/** Query of GET /v1/admin/keys. */
export class ListApiKeysQuery {
  @IsOptional()
  @Matches(TENANT_ID_PATTERN, { message: "tenant must be 1-63 lower-case letters, digits or '-'" })
  tenant?: string;
}

/** Body of POST /v1/admin/keys/{id}/rotate. */
export class RotateApiKeyRequest {
  /** How long the old key keeps working, so clients can switch over; 0 (default): revoked at once. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'graceSeconds must be a whole number of seconds' })
  @Min(0, { message: 'graceSeconds must be at least 0' })
  @Max(30 * 86_400, { message: 'graceSeconds must be at most 30 days' })
  graceSeconds?: number;
}

/** Body or query of POST /v1/auth/tokens. */
export class TemporaryTokenRequest {
  /** Life of the token; default 60, capped by AUTH_TOKEN_MAX_SECONDS. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'expiresInSeconds must be a whole number of seconds' })
  @Min(1, { message: 'expiresInSeconds must be at least 1' })
  expiresInSeconds?: number;
}
