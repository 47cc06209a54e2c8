import type Redis from 'ioredis';
import { recordFromPairs } from '@streamscribe/contracts';
import { until } from './until';

/** Waits for `count` results of a session and returns them by chunk id. */
export async function sessionResults(
  redis: Redis,
  sessionId: string,
  count: number,
): Promise<Map<string, Record<string, string>>> {
  const entries = await until(
    () => redis.xrange(`transcription:results:${sessionId}`, '-', '+'),
    (r) => r.length >= count,
    20_000,
  );
  return new Map(entries.map(([, flat]) => recordFromPairs(flat)).map((f) => [f['chunk_id'], f]));
}

/** The HTTP port a worker logged in its "worker ready" line. */
export function loggedPort(logs: string): number {
  const match = /"port":(\d+)[^\n]*"msg":"worker ready"/.exec(logs);
  if (!match) throw new Error(`no "worker ready" line with a port in:\n${logs}`);
  return Number(match[1]);
}
