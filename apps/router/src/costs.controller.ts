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
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ERROR_RESPONSES } from './openapi/openapi-shapes';

@ApiTags('costs')
@Controller('v1/costs')
export class CostsController {
  constructor(private readonly router: TranscriptionRouterService) {}

  /**
   * What the caller's tenant's results cost this month (or `?month=YYYY-MM`), per provider. An
   * admin key may name another tenant with `?tenant=`.
   */
  @ApiOperation({
    summary: "A tenant's costs this month",
    description:
      "What the caller's tenant's results cost this month (or `month=YYYY-MM`), per provider. An admin key may name another tenant. Scope `read`.",
  })
  @ApiResponse({ status: 200, description: 'Totals per provider, in micro-USD' })
  @ApiResponse(ERROR_RESPONSES[400])
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
