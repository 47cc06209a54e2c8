import { DeadLetter, chunkFailureForClient } from '@streamscribe/contracts';
import type { DeadLetterPage } from '@streamscribe/fleet';

/**
 * A dead letter as a tenant's own key sees it: why, as a stable code and short message
 * (`chunkFailureForClient`), never the provider's text, its error history or the stream it came
 * from: those are the operator's (admin scope).
 */
export function tenantViewOfLetter(
  letter: DeadLetter,
): DeadLetter & { error: { code: string; message: string } } {
  const error = chunkFailureForClient(letter.reason);
  return {
    id: letter.id,
    partition: letter.partition,
    reason: error.message,
    error,
    tenant: letter.tenant,
    sessionId: letter.sessionId,
    chunkId: letter.chunkId,
    seq: letter.seq,
    failedProvider: letter.failedProvider,
    originalProvider: letter.originalProvider,
    deadLetteredAt: letter.deadLetteredAt,
    redriveCount: letter.redriveCount,
    audioBytes: letter.audioBytes,
    redrivable: letter.redrivable,
  };
}

export function tenantViewOfPage(page: DeadLetterPage): DeadLetterPage {
  return { ...page, letters: page.letters.map(tenantViewOfLetter) };
}
