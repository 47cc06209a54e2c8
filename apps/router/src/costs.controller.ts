import { Controller, Get, Query } from '@nestjs/common';
import { CostsQuery } from '@streamscribe/contracts';
import {
  AuthenticatedRequest,
  RequestAuthOf,
  RequestTenant,
  TenantCosts,
  TranscriptionRouterService,
  viewedTenant,
} from '@streamscribe/router-core';
import { RequireScopes } from '@streamscribe/auth';

@Controller('v1/costs')
export class CostsController {
  constructor(private readonly router: TranscriptionRouterService) {}

  /**
   * What the caller's tenant's results cost this month (or `?month=YYYY-MM`), per provider. An
   * admin key may name another tenant with `?tenant=`.
   */
  @RequireScopes('read')
  @Get()
  totals(
    @RequestTenant() tenant: string,
    @RequestAuthOf() auth: AuthenticatedRequest,
    @Query() query: CostsQuery,
  ): Promise<TenantCosts> {
    // Without a key (authentication not installed) the caller is the default tenant: no widening.
    const shown = auth.auth ? (viewedTenant(auth, query.tenant) ?? tenant) : tenant;
    return this.router.costTotals(shown, query.month);
  }
}
