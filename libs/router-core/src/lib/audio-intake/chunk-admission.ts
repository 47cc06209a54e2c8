/**
 * Asked before each chunk is queued, with its tenant and length: the place where per-tenant audio
 * quotas (`AudioQuota.charge(tenant, seconds)`) refuse a chunk by throwing (a 429 HttpException).
 * A refusal midway through a file cancels that file's session, as a broken-off upload does.
 * Without a provider bound to CHUNK_ADMISSION every chunk is admitted.
 */
export interface ChunkAdmission {
  admit(tenant: string, audioSeconds: number): Promise<void>;
}

export const CHUNK_ADMISSION = Symbol('CHUNK_ADMISSION');

export const ADMIT_EVERY_CHUNK: ChunkAdmission = { admit: () => Promise.resolve() };
