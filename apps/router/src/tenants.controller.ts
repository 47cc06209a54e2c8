import { BadRequestException, Body, Controller, Delete, Get, Param, Put, UseGuards } from '@nestjs/common';
import { tenantIdProblem } from '@streamscribe/contracts';
import { AdminTokenGuard } from '@streamscribe/router-core';
import {
  TENANT_SETTING_NAMES,
  TenantSettingsService,
  TenantSettingsUpdate,
  TenantView,
  TenantViews,
} from '@streamscribe/quotas';

/**
 * Operator endpoints: a tenant's effective settings and usage, and its overrides of the
 * configured defaults.
 *
 * TODO(issue 12, auth lane): replace AdminTokenGuard with `@RequireScopes('admin')` once the
 * API-key guard lands; until then these answer ADMIN_TOKEN only, like /v1/dead-letters.
 */
@Controller('v1/admin/tenants')
@UseGuards(AdminTokenGuard)
export class TenantsController {
  constructor(
    private readonly settings: TenantSettingsService,
    private readonly views: TenantViews,
  ) {}

  @Get(':tenant')
  get(@Param('tenant') tenant: string): Promise<TenantView> {
    return this.views.view(checkedTenant(tenant));
  }

  /** A partial override: settings left out keep their value, `null` puts one back on its default. */
  @Put(':tenant')
  async put(@Param('tenant') tenant: string, @Body() update: TenantSettingsUpdate): Promise<TenantView> {
    checkedTenant(tenant);
    const given = TENANT_SETTING_NAMES.filter((name) => update[name] !== undefined);
    if (given.length === 0)
      throw new BadRequestException(
        `send a JSON object with at least one of ${TENANT_SETTING_NAMES.join(', ')} (null resets one to its default)`,
      );
    await this.settings.override(tenant, update);
    return this.views.view(tenant);
  }

  /** Every override removed: the tenant is back on the configured defaults. */
  @Delete(':tenant')
  async remove(@Param('tenant') tenant: string): Promise<TenantView> {
    await this.settings.clearOverrides(checkedTenant(tenant));
    return this.views.view(tenant);
  }
}

function checkedTenant(tenant: string): string {
  const problem = tenantIdProblem(tenant);
  if (problem) throw new BadRequestException(problem);
  return tenant;
}
