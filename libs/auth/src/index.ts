export { AuthModule } from './lib/auth.module';
export type { AuthModuleOptions } from './lib/auth.module';
export { AuthEnvironment } from './lib/auth-environment';
export { AUTH_ENVIRONMENT } from './lib/auth.tokens';
export { ApiKeyStore } from './lib/api-key.store';
export type { CreatedApiKey, KeyCheck, NewApiKey } from './lib/api-key.store';
export { viewOf } from './lib/api-key-record';
export type { ApiKeyRecord, ApiKeyView } from './lib/api-key-record';
export { AuditLog } from './lib/audit-log';
export type { AuditDetail } from './lib/audit-log';
export { Authenticator, BOOTSTRAP_AUTH } from './lib/authenticator';
export type { AuthOutcome, AuthRequirement } from './lib/authenticator';
export { ApiKeyGuard } from './lib/api-key.guard';
export { AllowQueryToken, RequireScopes } from './lib/require-scopes.decorator';
export { Auth } from './lib/authenticated-request';
export type { AuthenticatedRequest } from './lib/authenticated-request';
export {
  AuthenticatingWsAdapter,
  authenticatedGateway,
  selectProtocol,
} from './lib/authenticating-ws-adapter';
export type { UpgradeCheck, UpgradeChecker } from './lib/authenticating-ws-adapter';
export { TemporaryTokens, TEMPORARY_TOKEN_SCOPES } from './lib/temporary-tokens';
export { FailedAttemptThrottle } from './lib/failed-attempt.throttle';
export { configureAuthHttp } from './lib/configure-auth-http';
export { DEVELOPMENT_KEY_SCOPES } from './lib/development-key';
export { parseApiKey } from './lib/api-key-format';
export { CreateApiKeyRequest } from './lib/dto/create-api-key.request';
export { ListApiKeysQuery, RotateApiKeyRequest, TemporaryTokenRequest } from './lib/dto/api-key-queries';
