import type Redis from 'ioredis';

/**
 * Creates the group at the start of the stream (id 0, as the classic Python guide does, so entries written before
 * any worker started are still consumed), creating the stream too. An existing group is fine.
 */
export async function ensureGroup(client: Redis, stream: string, group: string): Promise<void> {
  try {
    await client.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
  }
}

export function isNoGroupError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOGROUP');
}

/** "no such key" (no stream yet) and NOGROUP (no group yet) mean "not there", not "broken". */
export function isMissingStreamOrGroup(error: unknown): boolean {
  return isNoGroupError(error) || (error instanceof Error && /no such key/i.test(error.message));
}
