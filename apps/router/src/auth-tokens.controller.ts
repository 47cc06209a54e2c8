import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Inject,
  Post,
  Query,
} from '@nestjs/common';
import type { RequestAuth } from '@streamscribe/contracts';
import {
  AUTH_ENVIRONMENT,
  Auth,
  AuthEnvironment,
  RequireScopes,
  TEMPORARY_TOKEN_SCOPES,
  TemporaryTokenRequest,
  TemporaryTokens,
} from '@streamscribe/auth';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ERROR_RESPONSES } from './openapi/openapi-shapes';

const DEFAULT_TOKEN_SECONDS = 60;

/**
 * Temporary tokens for browsers (EventSource and WebSocket cannot send headers): any key mints
 * one with its tenant and its read/transcribe scopes; the browser passes it as `?token=` once.
 */
@ApiTags('auth')
@Controller('v1/auth/tokens')
@RequireScopes()
export class AuthTokensController {
  constructor(
    private readonly tokens: TemporaryTokens,
    @Inject(AUTH_ENVIRONMENT) private readonly env: AuthEnvironment,
  ) {}

  @ApiOperation({
    summary: 'Mint a temporary token',
    description:
      "For browsers (EventSource and WebSocket cannot send headers): a single-use token with the key's tenant and its read/transcribe scopes, passed as `?token=`. Any key.",
  })
  @ApiBody({ type: TemporaryTokenRequest, required: false })
  @ApiResponse({
    status: 201,
    description: '`token`, `expiresInSeconds`, `expiresAt`, `scopes`, `singleUse`',
  })
  @ApiResponse(ERROR_RESPONSES[400])
  @Post()
  async mint(
    @Body() body: TemporaryTokenRequest,
    @Query() query: TemporaryTokenRequest,
    @Auth() auth: RequestAuth,
  ) {
    const seconds = body.expiresInSeconds ?? query.expiresInSeconds ?? DEFAULT_TOKEN_SECONDS;
    if (seconds > this.env.AUTH_TOKEN_MAX_SECONDS)
      throw new BadRequestException(`expiresInSeconds must be at most ${this.env.AUTH_TOKEN_MAX_SECONDS}`);
    if (!auth.scopes.some((scope) => TEMPORARY_TOKEN_SCOPES.includes(scope)))
      throw new ForbiddenException(
        `this key lacks scope '${TEMPORARY_TOKEN_SCOPES[0]}' (a token carries read and/or transcribe)`,
      );
    const { token, scopes } = await this.tokens.mint(auth, seconds);
    return {
      token,
      expiresInSeconds: seconds,
      expiresAt: new Date(Date.now() + seconds * 1000).toISOString(),
      scopes,
      singleUse: true,
    };
  }
}
