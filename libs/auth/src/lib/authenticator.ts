import type { IncomingMessage } from 'node:http';
import { DEFAULT_TENANT, RequestAuth, SCOPES, Scope } from '@streamscribe/contracts';
import { hashSecret, secretMatchesHash } from './api-key-format';
import { ApiKeyStore } from './api-key.store';
import { clientAddress } from './client-address';
import { FailedAttemptThrottle } from './failed-attempt.throttle';
import { presentedCredential } from './presented-credential';
import { TemporaryTokens } from './temporary-tokens';

/** What a route asks of a request. */
export interface AuthRequirement {
  /** Every one of these scopes is needed. */
  scopes: readonly Scope[];
  /** `?token=<temporary token>` is accepted (SSE and WebSocket routes). */
  allowQueryToken: boolean;
  /** A WebSocket upgrade (`Sec-WebSocket-Protocol: token, <key>` is accepted). */
  websocket: boolean;
}

export type AuthOutcome =
  | { ok: true; auth: RequestAuth }
  | { ok: false; status: 401 | 403 | 429; message: string; retryAfterSeconds?: number };

/** The bootstrap key's identity (ADMIN_API_KEY). */
export const BOOTSTRAP_AUTH: RequestAuth = { tenant: DEFAULT_TENANT, keyId: 'bootstrap', scopes: SCOPES };

const MISSING = 'send Authorization: Bearer <API key>';
const MISSING_OR_TOKEN = `${MISSING}, or ?token=<temporary token from POST /v1/auth/tokens>`;

/**
 * One authentication path for HTTP routes and WebSocket upgrades alike. Messages: an unknown key
 * id and a wrong secret read the same ("API key not recognised"), so nobody learns which key ids
 * exist; "expired" and "revoked" are told only to a caller that presented the right secret.
 */
export class Authenticator {
  private readonly bootstrapHash: string | undefined;
  private readonly trustProxy: boolean;

  constructor(
    private readonly keys: ApiKeyStore,
    private readonly tokens: TemporaryTokens,
    private readonly throttle: FailedAttemptThrottle,
    options: { adminApiKey: string; trustProxy: boolean },
  ) {
    // Compared by hash: equal lengths, so the comparison does not reveal the bootstrap key's length.
    this.bootstrapHash = options.adminApiKey ? hashSecret(options.adminApiKey) : undefined;
    this.trustProxy = options.trustProxy;
  }

  async authenticate(request: IncomingMessage, requirement: AuthRequirement): Promise<AuthOutcome> {
    const credential = presentedCredential({
      headers: request.headers,
      url: request.url,
      allowQueryToken: requirement.allowQueryToken,
      websocket: requirement.websocket,
    });
    if (credential.kind === 'none')
      return this.refuse(401, requirement.allowQueryToken ? MISSING_OR_TOKEN : MISSING);
    if (credential.kind === 'malformed') return this.refuse(401, `${credential.problem}; ${MISSING}`);

    const identified =
      credential.kind === 'key'
        ? await this.identifyKey(credential.value)
        : await this.identifyToken(credential.value);
    // Stored keys and temporary tokens carry 256 random bits: nobody guesses one, so a match skips
    // the throttle (one Redis round trip less per request, and a client sharing an address with
    // someone who is guessing keeps working). The bootstrap key is chosen by a person and may be
    // weak: a match with it, and every failure, waits on the throttle first.
    if (typeof identified !== 'string' && identified !== BOOTSTRAP_AUTH)
      return this.withScopes(identified, requirement, credential.kind);
    const address = clientAddress(request, this.trustProxy);
    const retryAfterSeconds = await this.throttle.retryAfterSeconds(address);
    if (retryAfterSeconds > 0) {
      return {
        ok: false,
        status: 429,
        message: `too many failed authentication attempts from this address; retry in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      };
    }
    if (typeof identified !== 'string') return this.withScopes(identified, requirement, credential.kind);
    await this.throttle.recordFailure(address);
    return this.refuse(401, identified);
  }

  private withScopes(auth: RequestAuth, requirement: AuthRequirement, kind: 'key' | 'token'): AuthOutcome {
    const missing = requirement.scopes.find((scope) => !auth.scopes.includes(scope));
    return missing ? this.refuse(403, `this ${kind} lacks scope '${missing}'`) : { ok: true, auth };
  }

  /** The key's identity, or why it is refused. */
  private async identifyKey(presented: string): Promise<RequestAuth | string> {
    if (this.bootstrapHash && secretMatchesHash(presented, this.bootstrapHash)) return BOOTSTRAP_AUTH;
    const check = await this.keys.check(presented);
    if (check.ok) return { tenant: check.record.tenant, keyId: check.record.id, scopes: check.record.scopes };
    if (check.reason === 'expired') return 'API key expired';
    if (check.reason === 'revoked') return 'API key revoked';
    return 'API key not recognised';
  }

  private async identifyToken(token: string): Promise<RequestAuth | string> {
    const claims = await this.tokens.consume(token);
    const minterValid =
      claims && (claims.keyId === BOOTSTRAP_AUTH.keyId || (await this.keys.stillValid(claims.keyId)));
    return claims && minterValid ? claims : 'temporary token unknown, expired or already used';
  }

  private refuse(status: 401 | 403, message: string): AuthOutcome {
    return { ok: false, status, message };
  }
}
