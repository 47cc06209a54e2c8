import type Redis from 'ioredis';
import { KeyScheme, SessionRef } from '@streamscribe/contracts';

export interface SessionErased {
  /** Whether Redis held anything of the session. */
  found: boolean;
  /** Its keys deleted (results, metadata, chunk and result index, cost, consensus, trail). */
  keys: number;
  /** Its entries deleted from shared streams (audio, global results, failures, dead letters). */
  entries: number;
}

/**
 * Removes everything a session left in Redis: its keys (KeyScheme.sessionKeys), and every entry
 * it put in a shared stream (queued audio wherever failover, hedging or a re-drive moved it, its
 * results in the global results feed, its failures, its dead letters, its consensus request
 * records), which its trail set lists, so nothing is searched by SCAN. A consensus chunk's
 * correlation sessions (the per-provider hypotheses) go with it.
 *
 * A chunk a worker is transcribing at that moment can still write its result afterwards; that
 * result re-enters the session index, and the retention sweep removes it in turn.
 */
export class SessionEraser {
  constructor(
    private readonly client: Redis,
    private readonly keys: KeyScheme,
  ) {}

  async erase(session: SessionRef): Promise<SessionErased> {
    const chunks = await this.client.hgetall(this.keys.sessionChunksKey(session));
    const correlations = Object.entries(chunks)
      .filter(([field, value]) => field.startsWith('c:') && value.endsWith('|consensus'))
      .map(([field]) => this.keys.consensusCorrelation(session, field.slice(2)));
    const erased = await this.eraseOne(session);
    for (const correlation of correlations) {
      const more = await this.eraseOne(correlation);
      erased.keys += more.keys;
      erased.entries += more.entries;
    }
    return erased;
  }

  private async eraseOne(session: SessionRef): Promise<SessionErased> {
    const trail = await this.client.smembers(this.keys.sessionTrailKey(session));
    const byStream = new Map<string, string[]>();
    for (const member of trail) {
      const at = member.lastIndexOf(' ');
      if (at <= 0) continue;
      const stream = member.slice(0, at);
      byStream.set(stream, [...(byStream.get(stream) ?? []), member.slice(at + 1)]);
    }
    let entries = 0;
    // One XDEL per stream: every stream here shares the session's partition tag.
    for (const [stream, ids] of byStream) entries += await this.client.xdel(stream, ...ids);
    const replies =
      (await this.client
        .multi()
        .del(...this.keys.sessionKeys(session))
        .zrem(this.keys.sessionIndexKey(session.partition), this.keys.sessionIndexMember(session))
        .exec()) ?? [];
    for (const [error] of replies) if (error) throw error;
    const keys = Number(replies[0][1]);
    return { found: keys > 0 || entries > 0 || Number(replies[1][1]) > 0, keys, entries };
  }
}
