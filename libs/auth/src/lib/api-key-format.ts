import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `ss_<key id>_<secret>`: the key id (16 hex digits, public: it names the key in
 * lists, logs and the audit stream) and a secret of 32 random bytes in base64url (256 bits).
 * Temporary tokens for browsers are `sst_<secret>` with a secret of the same size.
 */
const API_KEY_PATTERN = /^ss_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const TEMPORARY_TOKEN_PATTERN = /^sst_[A-Za-z0-9_-]{43}$/;

export interface ParsedApiKey {
  keyId: string;
  key: string;
}

export function newApiKey(): ParsedApiKey {
  const keyId = randomBytes(8).toString('hex');
  return { keyId, key: `ss_${keyId}_${randomBytes(32).toString('base64url')}` };
}

export function parseApiKey(key: string): ParsedApiKey | undefined {
  const match = API_KEY_PATTERN.exec(key);
  return match ? { keyId: match[1], key } : undefined;
}

export function newTemporaryToken(): string {
  return `sst_${randomBytes(32).toString('base64url')}`;
}

export function isTemporaryToken(value: string): boolean {
  return TEMPORARY_TOKEN_PATTERN.test(value);
}

/**
 * SHA-256, unsalted, is what a key is stored as. A password needs a slow, salted hash because it is
 * guessable; these secrets are 256 random bits, so no dictionary or precomputed table helps, and a
 * fast hash keeps verification off the request's critical path (no 100 ms of scrypt per request).
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Compares a presented secret with a stored hash in time that does not depend on where they differ
 * (both sides are 32-byte digests, so their lengths are equal and say nothing either).
 */
export function secretMatchesHash(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}

/** What an unknown key id is compared with, so it costs the same as a wrong secret. */
export const UNKNOWN_KEY_HASH = hashSecret('streamscribe: no such key');
