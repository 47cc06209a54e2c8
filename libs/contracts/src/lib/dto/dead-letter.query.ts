import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { PROVIDERS, ProviderName } from '../providers';
import { TENANT_ID_PATTERN } from '../keys/tenancy';
import { DEAD_LETTER_ID_PATTERN } from '../dead-letter-entry';

const LETTER_ID_FORM = 'a dead-letter id like 1700000000000-0 (or 1700000000000-0@2 with partitions)';
const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** `GET /v1/dead-letters?count=&after=` */
export class DeadLetterListQuery {
  @IsOptional()
  @Transform(toInteger)
  @IsInt({ message: 'count must be an integer' })
  @Min(1)
  @Max(500)
  count?: number;

  /** The `next` id of the previous page. */
  @IsOptional()
  @Matches(DEAD_LETTER_ID_PATTERN, { message: `after must be ${LETTER_ID_FORM}` })
  after?: string;

  /** An admin's filter: only this tenant's letters (a key without admin scope sees its own only). */
  @IsOptional()
  @Matches(TENANT_ID_PATTERN, { message: "tenant must be 1-63 lower-case letters, digits or '-'" })
  tenant?: string;
}

/** `POST /v1/dead-letters/redrive` body: either `ids`, or `all: true` (up to `limit`). */
export class RedriveRequest {
  @IsOptional()
  @IsArray({ message: 'ids must be an array of dead-letter entry ids' })
  @ArrayMaxSize(1000)
  @Matches(DEAD_LETTER_ID_PATTERN, { each: true, message: `each id must be ${LETTER_ID_FORM}` })
  ids?: string[];

  @IsOptional()
  @IsBoolean({ message: 'all must be true or false' })
  all?: boolean;

  /** Where to send the chunks; by default each goes back to the provider it started at. */
  @IsOptional()
  @IsIn(PROVIDERS, { message: `provider must be one of: ${PROVIDERS.join(', ')}` })
  provider?: ProviderName;

  @IsOptional()
  @IsInt({ message: 'limit must be an integer' })
  @Min(1)
  @Max(100_000)
  limit?: number;
}
