import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import type { RequestAuth } from '@streamscribe/contracts';
import {
  ApiKeyStore,
  ApiKeyView,
  Auth,
  AuditLog,
  CreateApiKeyRequest,
  ListApiKeysQuery,
  RequireScopes,
  RotateApiKeyRequest,
  viewOf,
} from '@streamscribe/auth';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ERROR_RESPONSES } from './openapi/openapi-shapes';

const SHOWN_ONCE = 'the key is shown only now and stored as a hash: keep it';

/** API keys of every tenant (scope admin); every change goes to the audit stream. */
@ApiTags('admin: API keys')
@Controller('v1/admin/keys')
@RequireScopes('admin')
export class AdminKeysController {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly audit: AuditLog,
  ) {}

  @ApiOperation({
    summary: 'Create an API key',
    description: 'The key is in the answer only: it is stored as a hash. Scope `admin`; audited.',
  })
  @ApiResponse({ status: 201, description: "`key` (shown once) and the key's record" })
  @ApiResponse(ERROR_RESPONSES[400])
  @Post()
  @HttpCode(201)
  async create(@Body() body: CreateApiKeyRequest, @Auth() actor: RequestAuth) {
    const { key, record } = await this.keys.create({ ...body, name: body.name ?? '' });
    await this.audit.record(actor, 'keys.create', {
      keyId: record.id,
      tenant: record.tenant,
      scopes: record.scopes,
      name: record.name,
      expiresAt: record.expiresAt,
    });
    return { key, note: SHOWN_ONCE, ...viewOf(record) };
  }

  @ApiOperation({ summary: 'List API keys', description: 'Records only, never the keys. Scope `admin`.' })
  @ApiResponse({ status: 200, description: '`{ keys: [...] }`' })
  @Get()
  async list(@Query() query: ListApiKeysQuery): Promise<{ keys: ApiKeyView[] }> {
    return { keys: (await this.keys.list(query.tenant)).map((record) => viewOf(record)) };
  }

  /** A new key with the same tenant, scopes and name; the old one stops after `graceSeconds`. */
  @ApiOperation({
    summary: 'Rotate an API key',
    description:
      'A new key with the same tenant, scopes and name; the old one stops after `graceSeconds`. Scope `admin`; audited.',
  })
  @ApiResponse({ status: 200, description: 'The new `key` (shown once), its record and the `replaced` one' })
  @ApiResponse(ERROR_RESPONSES[404])
  @Post(':id/rotate')
  @HttpCode(200)
  async rotate(@Param('id') id: string, @Body() body: RotateApiKeyRequest, @Auth() actor: RequestAuth) {
    const rotated = await this.keys.rotate(id, body.graceSeconds ?? 0);
    if (!rotated) throw new NotFoundException(`no active API key ${id.slice(0, 40)}`);
    await this.audit.record(actor, 'keys.rotate', {
      keyId: id,
      newKeyId: rotated.created.record.id,
      tenant: rotated.old.tenant,
      graceSeconds: body.graceSeconds ?? 0,
    });
    return {
      key: rotated.created.key,
      note: SHOWN_ONCE,
      ...viewOf(rotated.created.record),
      replaced: viewOf(rotated.old),
    };
  }

  /** Revokes the key (at once on this router; within AUTH_CACHE_MS on the others). */
  @ApiOperation({
    summary: 'Revoke an API key',
    description: 'At once on this router; within AUTH_CACHE_MS on the others. Scope `admin`; audited.',
  })
  @ApiResponse({ status: 200, description: "The revoked key's record" })
  @ApiResponse(ERROR_RESPONSES[404])
  @Delete(':id')
  async revoke(@Param('id') id: string, @Auth() actor: RequestAuth): Promise<ApiKeyView> {
    const revoked = await this.keys.revoke(id);
    if (!revoked) throw new NotFoundException(`no API key ${id.slice(0, 40)}`);
    await this.audit.record(actor, 'keys.revoke', { keyId: id, tenant: revoked.tenant });
    return viewOf(revoked);
  }
}
