import type Redis from 'ioredis';
import { KeyScheme, SessionRef } from '@streamscribe/contracts';

/** The session meta hash's field that marks a session cancelled (its value: why). */
export const CANCELLED_FIELD = 'cancelled';

/**
 * A session whose upload broke off midway is cancelled: the field is set on its meta hash, and
 * workers acknowledge and skip its queued chunks instead of transcribing (and paying for) audio
 * nobody is waiting for. The meta hash keeps its TTL; a cancelled session expires with it.
 */
export class SessionCancellation {
  constructor(
    private readonly client: Redis,
    private readonly keys: KeyScheme,
  ) {}

  async cancel(session: SessionRef, reason: string): Promise<void> {
    await this.client.hset(this.keys.sessionMetaKey(session), CANCELLED_FIELD, reason.slice(0, 200));
  }

  async isCancelled(session: SessionRef): Promise<boolean> {
    return (await this.client.hexists(this.keys.sessionMetaKey(session), CANCELLED_FIELD)) === 1;
  }
}
