import type Redis from 'ioredis';

/** A stream entry's flat [field, value, …] list as an object. */
export function fieldsOf(flat: string[]): Record<string, string> {
  return Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, flat[i + 1]]])));
}

/** Polls until `ok` holds (no wall-clock assertion: the deadline only bounds a hung test). */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

/** Waits for `count` results of a session and returns them by chunk id. */
export async function sessionResults(redis: Redis, sessionId: string, count: number): Promise<Map<string, Record<string, string>>> {
  const entries = await eventually(() => redis.xrange(`transcription:results:${sessionId}`, '-', '+'), (r) => r.length >= count);
  return new Map(entries.map(([, flat]) => fieldsOf(flat)).map((f) => [f['chunk_id'], f]));
}

/** The HTTP port a worker logged in its "worker ready" line. */
export function loggedPort(logs: string): number {
  const match = /"port":(\d+)[^\n]*"msg":"worker ready"/.exec(logs);
  if (!match) throw new Error(`no "worker ready" line with a port in:\n${logs}`);
  return Number(match[1]);
}
