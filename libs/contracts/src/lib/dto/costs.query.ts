import { IsOptional, Matches } from 'class-validator';
import { TENANT_ID_PATTERN } from '../keys/tenancy';

/** `GET /v1/costs?month=&tenant=` */
export class CostsQuery {
  /** `YYYY-MM` (UTC); this month when absent. */
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM, e.g. 2026-12' })
  month?: string;

  /** An admin's choice of tenant; a key without admin scope sees its own tenant's costs only. */
  @IsOptional()
  @Matches(TENANT_ID_PATTERN, { message: "tenant must be 1-63 lower-case letters, digits or '-'" })
  tenant?: string;
}
