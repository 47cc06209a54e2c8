import { BadRequestException, Body, Controller, Delete, Get, Param, Put } from '@nestjs/common';
import { RequestAuth, tenantIdProblem } from '@streamscribe/contracts';
import { Auth, AuditLog, RequireScopes } from '@streamscribe/auth';
import {
  TENANT_SETTING_NAMES,
  TenantSettingsService,
  TenantSettingsUpdate,
  TenantView,
  TenantViews,
} from '@streamscribe/quotas';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ERROR_RESPONSES } from './openapi/openapi-shapes';

/**
 * Operator endpoints: a tenant's effective settings and usage, and its overrides of the
 * configured defaults. Admin scope; every change goes into the audit stream.
 */
@ApiTags('admin: tenants')
@Controller('v1/admin/tenants')
@RequireScopes('admin')
export class TenantsController {
  constructor(
    private readonly settings: TenantSettingsService,
    private readonly views: TenantViews,
    private readonly audit: AuditLog,
  ) {}

  @ApiOperation({
    summary: "A tenant's settings and usage",
    description: 'Effective settings, overrides, usage. Scope `admin`.',
  })
  @ApiResponse({ status: 200, description: 'The tenant view' })
  @ApiResponse(ERROR_RESPONSES[400])
  @Get(':tenant')
  get(@Param('tenant') tenant: string): Promise<TenantView> {
    return this.views.view(checkedTenant(tenant));
  }

  /** A partial override: settings left out keep their value, `null` puts one back on its default. */
  @ApiOperation({
    summary: "Override a tenant's settings",
    description:
      'A partial override: settings left out keep their value, `null` puts one back on its default. Scope `admin`; audited.',
  })
  @ApiResponse({ status: 200, description: 'The tenant view after the change' })
  @ApiResponse(ERROR_RESPONSES[400])
  @Put(':tenant')
  async put(
    @Param('tenant') tenant: string,
    @Body() update: TenantSettingsUpdate,
    @Auth() actor: RequestAuth,
  ): Promise<TenantView> {
    checkedTenant(tenant);
    const given = TENANT_SETTING_NAMES.filter((name) => update[name] !== undefined);
    if (given.length === 0)
      throw new BadRequestException(
        `send a JSON object with at least one of ${TENANT_SETTING_NAMES.join(', ')} (null resets one to its default)`,
      );
    await this.settings.override(tenant, update);
    await this.audit.record(actor, 'tenants.override', { tenant, settings: given });
    return this.views.view(tenant);
  }

  /** Every override removed: the tenant is back on the configured defaults. */
  @ApiOperation({
    summary: "Clear a tenant's overrides",
    description: 'The tenant is back on the configured defaults. Scope `admin`; audited.',
  })
  @ApiResponse({ status: 200, description: 'The tenant view after the change' })
  @ApiResponse(ERROR_RESPONSES[400])
  @Delete(':tenant')
  async remove(@Param('tenant') tenant: string, @Auth() actor: RequestAuth): Promise<TenantView> {
    await this.settings.clearOverrides(checkedTenant(tenant));
    await this.audit.record(actor, 'tenants.clear_overrides', { tenant });
    return this.views.view(tenant);
  }
}

function checkedTenant(tenant: string): string {
  const problem = tenantIdProblem(tenant);
  if (problem) throw new BadRequestException(problem);
  return tenant;
}
