import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { SCOPES, Scope, TENANT_ID_PATTERN } from '@streamscribe/contracts';

/** Body of POST /v1/admin/keys. */
export class CreateApiKeyRequest {
  @IsString({ message: 'tenant must be a string' })
  @Matches(TENANT_ID_PATTERN, {
    message: "tenant must be 1-63 lower-case letters, digits or '-', starting with a letter or digit",
  })
  tenant!: string;

  @IsArray({ message: `scopes must be an array of ${SCOPES.join(', ')}` })
  @ArrayNotEmpty({ message: 'scopes must name at least one scope' })
  @ArrayMaxSize(SCOPES.length)
  @IsIn(SCOPES, { each: true, message: `each scope must be one of: ${SCOPES.join(', ')}` })
  scopes!: Scope[];

  @IsOptional()
  @IsString({ message: 'name must be a string' })
  @MaxLength(100, { message: 'name must be at most 100 characters' })
  name?: string;

  /** The key stops working this long after creation; absent: never expires. */
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'expiresInSeconds must be a whole number of seconds' })
  @Min(60, { message: 'expiresInSeconds must be at least 60' })
  @Max(10 * 366 * 86_400, { message: 'expiresInSeconds must be at most 10 years' })
  expiresInSeconds?: number;
}
