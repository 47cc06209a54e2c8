import { IncomingHttpHeaders } from 'node:http';

/** One request a fake provider server received, and what it did with it. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Query parameters; a repeated one (`keyterm=a&keyterm=b`) becomes an array. */
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  /** Bytes of request body received. */
  bodyLength: number;
  /** When the request arrived, in epoch milliseconds. */
  time: number;
  /** The status answered; undefined while pending, and for a reset or hang. */
  status?: number;
  /** Set when an injected reset or hang replaced the answer. */
  dropped?: 'reset' | 'hang';
}

export function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  return query;
}
